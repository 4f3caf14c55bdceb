import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LayerEntry, LayerIndex } from '../../../shared/models/layer-contents'
import type { AppErrorException } from '../../../shared/ipc/result'
import { fillDiskAfter } from '../testing/full-disk'
import { cacheKey, IndexCache } from './index-cache'
import { LruDirectory } from './lru-directory'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-cache-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const digest = (n: number) => `sha256:${String(n).padStart(64, '0')}`

// Random-looking paths so gzip cannot shrink the files below the bound's arithmetic.
function index(n: number, entries = 200): LayerIndex {
  const list: LayerEntry[] = Array.from({ length: entries }, (_, i) => ({
    path: `dir-${n}/${Math.random().toString(36).slice(2)}-${i}`,
    type: 'file',
    size: i,
    mode: 0o644,
    uid: 0,
    gid: 0,
    uname: 'root',
    gname: 'root',
    mtime: 0,
  }))
  return {
    digest: digest(n),
    compression: 'gzip',
    complete: true,
    problem: null,
    entries: list,
    compressedBytes: 1,
    tarBytes: 1,
    fileBytes: 1,
    fromCache: false,
  }
}

describe('IndexCache', () => {
  it('returns a stored index from disk after a restart, marked as from the cache', async () => {
    const stored = index(1)
    await new IndexCache(dir, 10 * 1024 * 1024).put(stored)
    const reopened = await new IndexCache(dir, 10 * 1024 * 1024).get(digest(1))
    expect(reopened?.fromCache).toBe(true)
    expect(reopened?.entries).toEqual(stored.entries)
    expect(await new IndexCache(dir, 1024).get(digest(2))).toBeNull()
  })

  it('stays under its size bound by evicting the least recently used index', async () => {
    const probe = new IndexCache(join(dir, 'probe'), 1e9)
    await probe.put(index(0))
    const one = (await probe.info()).bytes
    // Room for three files: the fourth put evicts the least recently used one.
    const cache = new IndexCache(dir, Math.floor(one * 3.5), 0)
    await cache.put(index(1))
    await cache.put(index(2))
    await cache.put(index(3))
    expect(await cache.get(digest(1))).not.toBeNull() // 1 is now the most recently used
    await cache.put(index(4))
    const info = await cache.info()
    expect(info.count).toBe(3)
    expect(info.bytes).toBeLessThanOrEqual(info.limit)
    expect(await cache.get(digest(2))).toBeNull()
    expect(await cache.get(digest(1))).not.toBeNull()
    expect(await cache.get(digest(4))).not.toBeNull()
  })

  it('is cleared completely, on disk and in memory', async () => {
    const cache = new IndexCache(dir, 1e9)
    await cache.put(index(1))
    await cache.clear()
    expect(await cache.get(digest(1))).toBeNull()
    expect(await readdir(dir)).toEqual([])
  })

  it('treats a damaged cache file as a miss and removes it', async () => {
    const cache = new IndexCache(dir, 1e9, 0)
    await cache.put(index(1))
    const [name] = await readdir(dir)
    await writeFile(join(dir, name!), 'not gzip')
    expect(await new IndexCache(dir, 1e9).get(digest(1))).toBeNull()
    expect(await readdir(dir)).toEqual([])
  })
})

describe('LruDirectory', () => {
  it('never evicts a pinned file, even over its bound', async () => {
    const lru = new LruDirectory(dir, 10)
    await writeFile(join(dir, 'a.partial'), Buffer.alloc(8))
    await lru.commit('a', join(dir, 'a.partial'))
    const release = lru.pin('a')
    await writeFile(join(dir, 'b.partial'), Buffer.alloc(8))
    await lru.commit('b', join(dir, 'b.partial'))
    expect((await readdir(dir)).sort()).toEqual(['a', 'b'])
    release()
    await lru.evict('b')
    expect(await readdir(dir)).toEqual(['b'])
  })
})

describe('IndexCache with something planted at its file name', () => {
  let victim: string
  let before: { bytes: Buffer; mtimeMs: number }
  const file = () => join(dir, cacheKey(digest(1), '.json.gz'))
  beforeEach(async () => {
    victim = join(dir, 'victim')
    await writeFile(victim, 'outside the cache')
    // An old mtime, so a touch through a link would show.
    await utimes(victim, new Date(1_000_000), new Date(1_000_000))
    before = { bytes: await readFile(victim), mtimeMs: (await stat(victim)).mtimeMs }
  })
  const unchanged = async () => {
    expect((await readFile(victim)).equals(before.bytes)).toBe(true)
    expect((await stat(victim)).mtimeMs).toBe(before.mtimeMs)
  }

  it('a symbolic link: not read or touched through, then replaced by the index', async () => {
    await symlink(victim, file())
    const cache = new IndexCache(dir, 1e9)
    expect(await cache.get(digest(1))).toBeNull()
    await cache.put(index(1))
    expect((await lstat(file())).isFile()).toBe(true)
    expect((await new IndexCache(dir, 1e9).get(digest(1)))?.digest).toBe(digest(1))
    await unchanged()
  })

  it('a hard link: replaced by a file of its own, the victim keeping its bytes', async () => {
    await link(victim, file())
    await new IndexCache(dir, 1e9).put(index(1))
    expect((await stat(file())).nlink).toBe(1)
    await unchanged()
  })

  it('a folder: the put is refused with UnsafeFile, and nothing else is left', async () => {
    await mkdir(file())
    const error = await new IndexCache(dir, 1e9).put(index(1)).then(
      () => null,
      (e: unknown) => e as AppErrorException,
    )
    expect(error?.error.code).toBe('UnsafeFile')
    expect(error?.error.message).toContain(`${file()} is a folder`)
    expect((await readdir(dir)).sort()).toEqual([cacheKey(digest(1), '.json.gz'), 'victim'])
    await unchanged()
  })

  it('a full disk: the put fails with DiskFull and leaves no temporary file', async () => {
    const restore = await fillDiskAfter(10)
    const error = await new IndexCache(dir, 1e9).put(index(1)).then(
      () => null,
      (e: unknown) => e as AppErrorException,
    )
    restore()
    expect(error?.error).toMatchObject({ code: 'DiskFull' })
    expect(error?.error.message).toContain('the disk is full (ENOSPC)')
    expect(await readdir(dir)).toEqual(['victim'])
  })
})
