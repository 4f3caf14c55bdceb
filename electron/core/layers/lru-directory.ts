import { lstat, lutimes, mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { AppErrorException } from '../../../shared/ipc/result'
import { renameIntoPlace, writeError, writeFileAtomic } from '../fs/safe-file'

/**
 * A folder of cache files with a size bound. A file's mtime is its last use (touched on every
 * hit), so eviction removes the least recently used files first until the folder fits. Files
 * pinned by a running operation are never evicted from under it.
 */
export class LruDirectory {
  private readonly pins = new Map<string, number>()
  private lastUse = 0

  constructor(
    readonly directory: string,
    private limitBytes: number,
    /** Names that are work in progress (e.g. `.partial`), ignored by listing and eviction. */
    private readonly isTemporary: (name: string) => boolean = (name) => name.endsWith('.partial'),
  ) {}

  /** The size bound. */
  get limit(): number {
    return this.limitBytes
  }

  /** Changes the size bound and evicts down to it. */
  async setLimit(bytes: number): Promise<void> {
    this.limitBytes = bytes
    await this.evict()
  }

  /** Where a key's file lives. */
  path(key: string): string {
    return join(this.directory, key)
  }

  /**
   * The size of a cached file, touching it as used; null when it is not cached. Only a regular
   * file with one link counts: a link, hard link or folder planted under a key is not read
   * through, and is replaced (or refused, a folder) when the key is written.
   */
  async get(key: string): Promise<number | null> {
    try {
      const info = await lstat(this.path(key))
      // One link only: a cache file is the app's own, never another file's second name.
      if (!info.isFile() || info.nlink > 1) return null
      await this.touch(key)
      return info.size
    } catch {
      return null
    }
  }

  /** Keeps a key from eviction until the returned function is called. */
  pin(key: string): () => void {
    this.pins.set(key, (this.pins.get(key) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const count = (this.pins.get(key) ?? 1) - 1
      if (count <= 0) this.pins.delete(key)
      else this.pins.set(key, count)
    }
  }

  /**
   * Moves a finished temporary file into place under `key`, then evicts to the bound. With
   * `written`, only the file of that identity moves (its name may have been swapped meanwhile).
   */
  async commit(
    key: string,
    temporaryPath: string,
    written?: { dev: number; ino: number },
  ): Promise<void> {
    await renameIntoPlace(temporaryPath, this.path(key), written ? { expect: written } : {})
    await this.touch(key)
    await this.evict(key)
  }

  /** Writes a whole file under `key` atomically (temp name, fsync, rename), then evicts. */
  async write(key: string, data: Uint8Array): Promise<void> {
    try {
      await writeFileAtomic(this.path(key), data)
    } catch (error) {
      throw new AppErrorException(writeError(error, this.path(key)))
    }
    await this.touch(key)
    await this.evict(key)
  }

  // Use times strictly increase, so two uses within one millisecond still have an order.
  private async touch(key: string): Promise<void> {
    this.lastUse = Math.max(Date.now(), this.lastUse + 1)
    const when = new Date(this.lastUse)
    // lutimes: a link swapped in under the key has its own times set, never its target's.
    await lutimes(this.path(key), when, when).catch(() => undefined)
  }

  /** Makes sure the folder exists. */
  async ensure(): Promise<void> {
    await mkdir(this.directory, { recursive: true })
  }

  /** Total bytes and files cached. */
  async info(): Promise<{ bytes: number; count: number }> {
    const files = await this.list()
    return { bytes: files.reduce((sum, f) => sum + f.size, 0), count: files.length }
  }

  /** Removes every cached file that is not in use. */
  async clear(): Promise<void> {
    const files = await this.list()
    await Promise.all(
      files
        .filter((f) => !this.pins.has(f.name))
        .map((f) => rm(this.path(f.name), { force: true })),
    )
  }

  /** Removes least recently used files until the folder fits its bound; `keep` is spared. */
  async evict(keep?: string): Promise<void> {
    const files = await this.list()
    let total = files.reduce((sum, f) => sum + f.size, 0)
    files.sort((a, b) => a.used - b.used)
    for (const file of files) {
      if (total <= this.limitBytes) break
      if (file.name === keep || this.pins.has(file.name)) continue
      await rm(this.path(file.name), { force: true })
      total -= file.size
    }
  }

  private async list(): Promise<{ name: string; size: number; used: number }[]> {
    let names: string[]
    try {
      names = await readdir(this.directory)
    } catch {
      return []
    }
    const files = await Promise.all(
      names
        .filter((name) => !this.isTemporary(name))
        .map(async (name) => {
          try {
            const info = await lstat(this.path(name))
            return info.isFile() ? { name, size: info.size, used: info.mtimeMs } : null
          } catch {
            return null
          }
        }),
    )
    return files.filter((f): f is { name: string; size: number; used: number } => f !== null)
  }
}
