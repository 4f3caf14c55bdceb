import { lstat, readdir, readlink, realpath } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Result } from '../../../shared/ipc/result'
import type { ExtractResult } from '../../../shared/models/layer-contents'
import { startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'

// demo/hostile through the real app, as a user would try it: every entry that would escape is
// refused with its reason, nothing lands outside the chosen folder, and the name bomb's index is
// refused with LayerIndexTooLarge.

let harness: Harness | null = null
let restoreEnv: (() => void) | null = null
afterEach(async () => {
  restoreEnv?.()
  restoreEnv = null
  await harness?.close()
  harness = null
})

async function start(): Promise<Harness> {
  harness = await startHarness({
    settings: { connection: { kind: 'aws', profile: null, region: 'us-east-1' } },
  })
  restoreEnv = stubProcessEnv(harness.env)
  return harness
}

let ids = 0
const op = () => `op-hostile-${++ids}`

function ok<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

// Every path under a folder, links with what realpath makes of them.
async function walk(dir: string): Promise<{ path: string; link?: string; real?: string }[]> {
  const out: { path: string; link?: string; real?: string }[] = []
  for (const name of (await readdir(dir)).sort()) {
    const at = join(dir, name)
    const info = await lstat(at)
    if (info.isSymbolicLink()) {
      out.push({ path: at, link: await readlink(at), real: await realpath(at).catch(() => '') })
    } else {
      out.push({ path: at })
      if (info.isDirectory()) out.push(...(await walk(at)))
    }
  }
  return out
}

describe('the demo/hostile sample through the app', () => {
  it('extracts both layers whole, refusing each escaping entry with a reason', async () => {
    const h = await start()
    const { latest, refused } = h.registry.samples().hostile
    const downloads = join(h.dataDir, 'downloads')
    const skipped: ExtractResult['skipped'] = []
    for (const layer of latest.layers) {
      const result = ok<ExtractResult>(
        await h.app.dispatch('contents:extract', {
          operationId: op(),
          repositoryName: 'demo/hostile',
          digest: layer.digest,
          mediaType: layer.mediaType,
          size: layer.size,
          path: '',
        }),
      )
      expect(result.status).toBe('extracted')
      expect(relative(downloads, result.path)).toMatch(/^layer-[0-9a-f]{12}$/)
      skipped.push(...result.skipped)
      for (const entry of await walk(result.path)) {
        if (entry.real) expect(relative(result.path, entry.real)).not.toMatch(/^\.\./)
      }
    }
    expect(skipped.map((s) => s.path).sort()).toEqual([...refused].sort())
    const reason = new Map(skipped.map((s) => [s.path, s.reason]))
    expect(reason.get('etc/shadow-link')).toMatch(/^symlink to (\.\.\/)+etc\/shadow points outside/)
    expect(reason.get('etc/passwd-link')).toBe('symlink to /etc/passwd points outside the folder')
    expect(reason.get('chain/escape')).toBe(
      'symlink to inner/up/../.. points outside the folder (through the link chain/inner/up -> ..)',
    )
    expect(reason.get('chain/ping')).toContain('loop of links')
    expect(reason.get('www/html/index.html')).toBe('refused: it would be written through a symlink')
    // Nothing but the two outputs in the chosen folder, no staging left behind.
    expect((await readdir(downloads)).filter((n) => !n.startsWith('layer-'))).toEqual([])
  })

  it("refuses the name bomb's index quickly, with the message to extract it instead", async () => {
    const h = await start()
    const [layer] = h.registry.samples().hostile.nameBomb.layers
    const result = await h.app.dispatch('contents:index', {
      operationId: op(),
      repositoryName: 'demo/hostile',
      digest: layer!.digest,
      mediaType: layer!.mediaType,
      size: layer!.size,
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('LayerIndexTooLarge')
    expect(result.error.message).toMatch(/extract it instead/i)
  })
})
