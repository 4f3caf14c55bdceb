import { readFile, rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import type { LayerIndex } from '../../../shared/models/layer-contents'
import { LruDirectory } from './lru-directory'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

// Bumped whenever LayerIndex changes shape, so old files read as misses rather than as garbage.
const FORMAT = 1

/** The file name for a digest: `sha256-<hex>.json.gz`, nothing a digest could escape with. */
export function cacheKey(digest: string, suffix = ''): string {
  return `${digest.replace(/[^a-zA-Z0-9_+.-]/g, '-')}${suffix}`
}

/**
 * Layer indexes by digest: gzipped JSON files under the data folder, size-bounded with LRU
 * eviction, and the most recent ones kept parsed in memory (bounded by entry count) so reopening
 * a layer or merging an image again is instant.
 */
export class IndexCache {
  private readonly files: LruDirectory
  private readonly memory = new Map<string, LayerIndex>()
  private memoryEntries = 0

  constructor(
    directory: string,
    limitBytes: number,
    private readonly memoryLimitEntries = 2_000_000,
  ) {
    this.files = new LruDirectory(directory, limitBytes, (name) => name.endsWith('.tmp'))
  }

  /** The cached index of a layer, or null. */
  async get(digest: string): Promise<LayerIndex | null> {
    const hit = this.memory.get(digest)
    if (hit) {
      this.memory.delete(digest)
      this.memory.set(digest, hit)
      return { ...hit, fromCache: true }
    }
    const key = cacheKey(digest, '.json.gz')
    if ((await this.files.get(key)) === null) return null
    try {
      const parsed = JSON.parse(
        (await gunzipAsync(await readFile(this.files.path(key)))).toString('utf8'),
      ) as {
        format?: number
        index?: LayerIndex
      }
      if (parsed.format !== FORMAT || !parsed.index || parsed.index.digest !== digest) {
        throw new Error('stale cache file')
      }
      this.remember(parsed.index)
      return { ...parsed.index, fromCache: true }
    } catch {
      await rm(this.files.path(key), { force: true })
      return null
    }
  }

  /** Stores an index, then evicts the least recently used ones beyond the bound. */
  async put(index: LayerIndex): Promise<void> {
    this.remember(index)
    await this.files.ensure()
    const key = cacheKey(index.digest, '.json.gz')
    const body = await gzipAsync(
      JSON.stringify({ format: FORMAT, index: { ...index, fromCache: false } }),
      {
        level: 1,
      },
    )
    // Through safe-file: an exclusive `.tmp` name (ignored by listing), fsync, rename.
    await this.files.write(key, body)
  }

  /** Bytes and files on disk, and the bound. */
  async info(): Promise<{ bytes: number; count: number; limit: number }> {
    return { ...(await this.files.info()), limit: this.files.limit }
  }

  /** Forgets every index, on disk and in memory. */
  async clear(): Promise<void> {
    this.memory.clear()
    this.memoryEntries = 0
    await this.files.clear()
  }

  private remember(index: LayerIndex): void {
    const previous = this.memory.get(index.digest)
    if (previous) {
      this.memory.delete(index.digest)
      this.memoryEntries -= previous.entries.length
    }
    this.memory.set(index.digest, index)
    this.memoryEntries += index.entries.length
    for (const [digest, old] of this.memory) {
      if (this.memoryEntries <= this.memoryLimitEntries || digest === index.digest) break
      this.memory.delete(digest)
      this.memoryEntries -= old.entries.length
    }
  }
}
