import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// The rule of docs/ARCHITECTURE.md: a service never drives OS UI directly. Taskbar or dock
// progress and notifications go through the operations runtime; the file manager, the browser and
// the dialogs through the dialogs service (and the one folder question an extraction asks).
const root = new URL('.', import.meta.url).pathname
const ALLOWED: Record<string, string[]> = {
  setProgress: ['operations/operations.ts'],
  notify: ['operations/operations.ts'],
  showItemInFolder: ['services/dialogs-service.ts'],
  openExternal: ['services/dialogs-service.ts'],
  chooseFile: ['services/dialogs-service.ts'],
  chooseFolder: ['services/dialogs-service.ts', 'layers/layer-contents-service.ts'],
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory())
      return entry.name === 'platform' || entry.name === 'testing' ? [] : sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('OS UI from the core', () => {
  it('only the operations runtime and the dialogs service call the Platform’s OS UI', () => {
    const callers: Record<string, string[]> = {}
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8')
      for (const method of Object.keys(ALLOWED)) {
        if (new RegExp(`\\.${method}\\(`).test(text)) {
          ;(callers[method] ??= []).push(relative(root, file))
        }
      }
    }
    for (const [method, allowed] of Object.entries(ALLOWED)) {
      expect(
        (callers[method] ?? []).filter((f) => !allowed.includes(f)),
        method,
      ).toEqual([])
    }
    // The check sees the callers it allows, so it is looking at the right files.
    expect(callers.setProgress).toEqual(['operations/operations.ts'])
    expect(callers.showItemInFolder).toEqual(['services/dialogs-service.ts'])
  })
})
