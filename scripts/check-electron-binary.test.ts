import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkElectronBinary, missingBinaryMessage } from './check-electron-binary'

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'elb-electron-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const pkg = () => join(root, 'node_modules', 'electron')

describe('checkElectronBinary', () => {
  it('says the package is missing when npm install never ran', () => {
    expect(checkElectronBinary(root)).toEqual({
      ok: false,
      reason: expect.stringContaining('not installed') as string,
    })
  })

  it('says the download was skipped or blocked when there is no path.txt', async () => {
    await mkdir(pkg(), { recursive: true })
    await writeFile(join(pkg(), 'package.json'), '{}')
    const check = checkElectronBinary(root)
    expect(check.ok).toBe(false)
    if (!check.ok) {
      expect(check.reason).toMatch(/skipped \(ELECTRON_SKIP_BINARY_DOWNLOAD\) or blocked/)
      const message = missingBinaryMessage(check.reason)
      expect(message).toContain('node node_modules/electron/install.js')
      expect(message).toContain('npm run web')
    }
  })

  it('finds the binary that path.txt names', async () => {
    await mkdir(join(pkg(), 'dist'), { recursive: true })
    await writeFile(join(pkg(), 'package.json'), '{}')
    await writeFile(join(pkg(), 'path.txt'), 'electron')
    expect(checkElectronBinary(root).ok).toBe(false)
    await writeFile(join(pkg(), 'dist', 'electron'), '')
    expect(checkElectronBinary(root)).toEqual({ ok: true, path: join(pkg(), 'dist', 'electron') })
  })

  it('as npm start runs it here, where the binary cannot be downloaded: exits 1 and says what to do', () => {
    const script = resolve(import.meta.dirname, 'check-electron-binary.ts')
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' })
    const expected = checkElectronBinary(resolve(import.meta.dirname, '..'), process.env)
    expect(run.status).toBe(expected.ok ? 0 : 1)
    if (!expected.ok) expect(run.stderr).toContain('npm run web')
  })
})
