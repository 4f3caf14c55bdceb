import {
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { describeError } from '../../../shared/errors'
import type { Result } from '../../../shared/ipc/result'
import type { LayerIndex } from '../../../shared/models/layer-contents'
import { startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'
import { fillDiskAfter } from '../testing/full-disk'
import { cacheKey } from './index-cache'

// The layer blob cache (data folder/layer-blobs) with something planted at a blob's names before
// a layer is listed: its `.partial` and its final name. The victim outside keeps its bytes and
// mtime; the listing goes on safely or is refused with UnsafeFile; a full disk is DiskFull.

let harness: Harness | null = null
let restoreEnv: (() => void) | null = null
afterEach(async () => {
  restoreEnv?.()
  restoreEnv = null
  await harness?.close()
  harness = null
})

async function start() {
  harness = await startHarness({
    settings: { connection: { kind: 'aws', profile: null, region: 'us-east-1' } },
  })
  restoreEnv = stubProcessEnv(harness.env)
  const h = harness
  const layer = h.registry.samples().webApp.current.layers[1]!
  const blobs = join(h.dataDir, 'layer-blobs')
  await mkdir(blobs, { recursive: true })
  const victim = join(h.dataDir, 'victim')
  await writeFile(victim, 'outside the cache')
  await utimes(victim, new Date(1_000_000), new Date(1_000_000))
  const before = { bytes: await readFile(victim), mtimeMs: (await stat(victim)).mtimeMs }
  return {
    h,
    victim,
    finalName: join(blobs, cacheKey(layer.digest)),
    partialName: join(blobs, `${cacheKey(layer.digest)}.partial`),
    list: () =>
      h.app.dispatch('contents:index', {
        operationId: `op-planted-${Math.random().toString(36).slice(2, 10)}`,
        repositoryName: 'demo/web-app',
        digest: layer.digest,
        mediaType: layer.mediaType,
        size: layer.size,
      }),
    unchanged: async () => {
      expect((await readFile(victim)).equals(before.bytes)).toBe(true)
      expect((await stat(victim)).mtimeMs).toBe(before.mtimeMs)
    },
  }
}

function expectListed(result: Result<unknown>) {
  expect(result.ok, JSON.stringify(result)).toBe(true)
  const index = (result as { ok: true; value: LayerIndex }).value
  expect(index.entries.length).toBeGreaterThan(0)
}

function expectRefused(result: Result<unknown>, path: string, says: RegExp) {
  expect(result.ok).toBe(false)
  if (result.ok) return
  expect(result.error.code).toBe('UnsafeFile')
  expect(result.error.message).toContain(path)
  expect(result.error.message).toMatch(says)
  expect(describeError(result.error).title).toBe('Something else is at this path')
}

const plants = {
  'a symbolic link to a victim': (victim: string, path: string) => symlink(victim, path),
  'a hard link to a victim': (victim: string, path: string) => link(victim, path),
  'a folder': (_victim: string, path: string) => mkdir(path),
}
const says = {
  'a symbolic link to a victim': /symbolic link/,
  'a hard link to a victim': /hard links/,
  'a folder': /folder/,
}

describe('the layer blob cache with something planted', () => {
  for (const what of Object.keys(plants) as (keyof typeof plants)[]) {
    it(`at the .partial name, ${what}: refused, the victim untouched`, async () => {
      const s = await start()
      await plants[what](s.victim, s.partialName)
      expectRefused(await s.list(), s.partialName, says[what])
      await s.unchanged()
      expect(await lstat(s.finalName).catch(() => null)).toBeNull()
    })
  }

  for (const what of ['a symbolic link to a victim', 'a hard link to a victim'] as const) {
    it(`at the final name, ${what}: not read as the blob; replaced by the verified blob`, async () => {
      const s = await start()
      await plants[what](s.victim, s.finalName)
      expectListed(await s.list())
      const final = await lstat(s.finalName)
      expect(final.isFile()).toBe(true)
      expect(final.nlink).toBe(1)
      await s.unchanged()
    })
  }

  it('at the final name, a folder: refused with UnsafeFile, no partial file left', async () => {
    const s = await start()
    await mkdir(s.finalName)
    expectRefused(await s.list(), s.finalName, /folder/)
    expect((await lstat(s.finalName)).isDirectory()).toBe(true)
    expect(await lstat(s.partialName).catch(() => null)).toBeNull()
  })

  it('on a full disk: DiskFull, "the disk is full", and nothing left in the cache', async () => {
    const s = await start()
    const restore = await fillDiskAfter(1000)
    let result: Result<unknown>
    try {
      result = await s.list()
    } finally {
      restore()
    }
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('DiskFull')
    expect(result.error.message).toBe(`Writing ${s.partialName} failed: the disk is full (ENOSPC).`)
    expect(describeError(result.error).title).toBe('The disk is full')
    expect(await readdir(join(s.h.dataDir, 'layer-blobs'))).toEqual([])
  })
})
