import { ESLint, type Linter } from 'eslint'
import { describe, expect, it } from 'vitest'

// The project's own flat config: the rules below are exactly the ones `npm run lint` applies.
const configPath = new URL('../eslint.config.js', import.meta.url).href
const { default: config } = (await import(configPath)) as { default: Linter.Config[] }

// Only the per-folder import rules, so plain imports can be linted without the type checker.
const roomRules = config
  .filter((entry) => entry.files && entry.rules && 'no-restricted-imports' in entry.rules)
  .map((entry) => ({
    files: entry.files,
    rules: { 'no-restricted-imports': entry.rules!['no-restricted-imports']! },
  }))

const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: roomRules,
  cwd: process.cwd(),
})

async function importErrors(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import x from '${specifier}'\nexport default x\n`, {
    filePath: file,
  })
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message)
}

describe('the rooms (docs/ARCHITECTURE.md) are enforced by lint', () => {
  it.each([
    ['electron/core/services/x.ts', 'electron', 'no Electron'],
    ['electron/core/services/x.ts', '../../main/window', 'neither the Electron shell'],
    ['electron/core/x.ts', '../web/server', 'web bridge'],
    ['electron/core/x.ts', '../preload/index', 'preload'],
    ['electron/web/x.ts', 'electron', 'no Electron'],
    ['electron/web/x.ts', '../main/security', 'never the Electron shell'],
    ['electron/demo-registry/x.ts', '../core/create-app', 'imports nothing of the app'],
    ['electron/demo-registry/operations/x.ts', '../../main/index', 'imports nothing of the app'],
    ['renderer/src/x.ts', '../../electron/core/create-app', 'nothing under electron/'],
    ['renderer/src/x.ts', 'electron', 'never import electron'],
    ['renderer/src/x.ts', 'node:fs', 'no Node code'],
    ['shared/x.ts', '../renderer/src/app', 'nothing outside shared/'],
    ['shared/x.ts', '../electron/core/create-app', 'nothing under electron/'],
    ['electron/core/x.ts', '../demo-registry/testing', 'through its entry point'],
    ['electron/core/services/x.ts', '../../demo-registry/server', 'through its entry point'],
    ['electron/main/x.ts', '../demo-registry/testing', 'through its entry point'],
    ['electron/web/x.ts', '../demo-registry/samples/index', 'through its entry point'],
    ['electron/core/x.ts', '../demo-registry/testing/requests', 'through its entry point'],
    [
      'electron/demo-registry/x.ts',
      '../../shared/errors',
      "only ECR's digest pattern and SigV4's date form",
    ],
    [
      'electron/demo-registry/operations/x.ts',
      '../../../shared/ipc/contract',
      "only ECR's digest pattern and SigV4's date form",
    ],
    ['electron/main/x.ts', 'electron', null],
  ])('%s importing %s', async (file, specifier, expected) => {
    const errors = await importErrors(file, specifier)
    if (expected === null) {
      // The shell may import Electron itself (only ipcRenderer and contextBridge are kept out).
      expect(errors).toEqual([])
    } else {
      expect(errors.join('\n')).toContain(expected)
    }
  })

  it.each([
    ['electron/main/x.ts', '../core/create-app'],
    ['electron/web/x.ts', '../core/create-app'],
    ['electron/core/x.ts', '../demo-registry/index'],
    ['electron/main/x.ts', '../demo-registry/index'],
    ['electron/core/services/x.test.ts', '../../demo-registry/testing'],
    ['electron/core/testing/x.ts', '../../demo-registry/testing'],
    ['e2e/x.ts', '../electron/demo-registry/testing'],
    ['bench/x.ts', '../electron/demo-registry/testing'],
    ['electron/core/x.ts', '../../shared/errors'],
    ['renderer/src/x.ts', '../../shared/errors'],
    ['electron/demo-registry/operations/x.ts', '../../../shared/digest'],
    ['electron/demo-registry/x.ts', '../../shared/amz-date'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await importErrors(file, specifier)).toEqual([])
  })
})
