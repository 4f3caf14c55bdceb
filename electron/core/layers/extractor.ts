import { randomBytes } from 'node:crypto'
import { link, lstat, mkdir, open, rename, rm, symlink, unlink, utimes } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path'
import { baseName, isWithin } from '../../../shared/layer-contents/entries'
import { AppErrorException } from '../../../shared/ipc/result'
import type { LayerEntry } from '../../../shared/models/layer-contents'
import type { Readable } from 'node:stream'
import { readLayer, type EntrySink, type ReadOptions } from './layer-reader'

/** What to extract, from which layer index, into which folder. */
export interface ExtractPlan {
  /** An entry path of the layer: a file, or a folder with everything under it ('' for all). */
  target: string
  /** The layer's index, to know the target's type and plan hardlinks before reading. */
  entries: readonly LayerEntry[]
  /** The folder the user chose. Nothing is ever written outside it. */
  directory: string
  /** Used to name the output when the whole layer is extracted. */
  layerDigest: string
  /** The OS the files are written on (Windows refuses more names). */
  platform?: NodeJS.Platform
}

// Characters and names Windows cannot hold in a file name; a layer is free to use them.
const WINDOWS_BAD = /[\\:*?"<>|]|[. ]$/
const hasControl = (name: string) => [...name].some((c) => c.charCodeAt(0) < 0x20)
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i

/**
 * Extracts one file or folder of a layer into a chosen folder, treating the layer as hostile.
 * Entries are written into a hidden staging folder inside the chosen one and renamed into place
 * at the end, so a failure or cancel leaves nothing behind. It refuses entries whose names climb
 * with `..`, symlinks that point outside what is extracted (absolute targets included), hardlinks
 * to anything but a regular file of the extraction, device nodes and FIFOs, and it never writes
 * through a symlink or over something it did not create. Absolute names are neutralised: they land
 * where they would inside the image. Setuid, setgid and sticky bits are dropped.
 */
export class Extraction {
  private readonly platform: NodeJS.Platform
  private readonly name: string
  private readonly staging: string
  private readonly root: string
  private readonly isFolder: boolean
  private readonly skipped: { path: string; reason: string }[] = []
  private readonly goodDirectories = new Set<string>()
  /** Archive path of each regular file written, and where it went. */
  private readonly written = new Map<string, string>()
  /** Hardlinks whose target lies outside the selection: the target's bytes are written for them. */
  private readonly borrowed = new Map<string, string[]>()
  private files = 0
  private bytes = 0
  private started = false

  constructor(private readonly plan: ExtractPlan) {
    this.platform = plan.platform ?? process.platform
    const target = plan.target
    const exact = plan.entries.find(
      (e) => e.path === target && e.type !== 'whiteout' && e.type !== 'opaque',
    )
    const under = target === '' || plan.entries.some((e) => e.path.startsWith(`${target}/`))
    if (!exact && !under) {
      throw new AppErrorException({
        code: 'PathNotInLayer',
        message: `"${target}" is not in this layer.`,
      })
    }
    this.isFolder = exact ? exact.type === 'directory' : true
    if (exact && !this.isFolder) {
      const refusal = this.refusal(exact)
      if (refusal) {
        throw new AppErrorException({ code: 'UnsafeEntry', message: `${target}: ${refusal}` })
      }
    }
    const name =
      target === ''
        ? `layer-${plan.layerDigest.replace(/^[^:]*:/, '').slice(0, 12)}`
        : baseName(target)
    this.name = this.safeName(name) ?? `extracted-${randomBytes(3).toString('hex')}`
    this.staging = join(
      resolve(plan.directory),
      `.${this.name}.${randomBytes(4).toString('hex')}.partial`,
    )
    this.root = join(this.staging, this.name)

    // Hardlinks in the selection whose target is outside it get the target's bytes copied.
    for (const entry of plan.entries) {
      if (entry.type !== 'hardlink' || !this.selected(entry.path) || entry.unsafe) continue
      const source = entry.linkTarget ?? ''
      if (this.selected(source)) continue
      const list = this.borrowed.get(source) ?? []
      list.push(entry.path)
      this.borrowed.set(source, list)
    }
  }

  /** Whether an entry path is part of what is extracted. */
  selected(path: string): boolean {
    return isWithin(path, this.plan.target)
  }

  /** Whether the reader should hand this entry over at all. */
  wants(entry: LayerEntry): boolean {
    return this.selected(entry.path) || this.borrowed.has(entry.path)
  }

  /**
   * The reader's hook: where an entry's content goes. Every step runs in one queue, in archive
   * order, so a hardlink always finds the file it points at already written.
   */
  sink(entry: LayerEntry): EntrySink | null {
    if (!this.wants(entry)) return null
    const ready = this.enqueue(() => this.accept(entry))
    return {
      data: (chunk) =>
        this.enqueue(async () => {
          await (await ready)?.data(chunk)
        }),
      end: () =>
        this.enqueue(async () => {
          await (await ready)?.end()
        }),
    }
  }

  private queue: Promise<unknown> = Promise.resolve()

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task)
    this.queue = next.catch(() => undefined)
    return next
  }

  private async accept(entry: LayerEntry): Promise<EntrySink | null> {
    if (!this.started) {
      await mkdir(resolve(this.plan.directory), { recursive: true })
      await mkdir(this.staging, { recursive: false })
      if (this.isFolder) await mkdir(this.root)
      this.started = true
    }
    const copies = this.borrowed.get(entry.path)
    if (copies && entry.type === 'file') {
      const outs = copies
        .map((path) => this.outPath(path))
        .filter((out): out is string => out !== null)
      if (!this.selected(entry.path)) return this.writeFile(entry, outs, null)
    }
    if (!this.selected(entry.path)) return null
    const refusal = this.refusal(entry)
    if (refusal) {
      if (entry.type !== 'whiteout' && entry.type !== 'opaque') this.skip(entry.path, refusal)
      return null
    }
    const out = this.outPath(entry.path)
    if (out === null) return null
    if (!(await this.parentsSafe(out, entry.path))) return null

    switch (entry.type) {
      case 'directory':
        await this.makeDirectory(out, entry)
        return null
      case 'file':
        return this.writeFile(
          entry,
          [
            out,
            ...(copies ?? []).map((p) => this.outPath(p)).filter((o): o is string => o !== null),
          ],
          entry.path,
        )
      case 'symlink':
        await this.makeSymlink(out, entry)
        return null
      case 'hardlink':
        await this.makeHardlink(out, entry)
        return null
      default:
        return null
    }
  }

  /** Renames the staged output into the chosen folder under a free name. */
  async finish(): Promise<{
    path: string
    files: number
    bytes: number
    skipped: { path: string; reason: string }[]
  }> {
    if (!this.started) {
      throw new AppErrorException({
        code: 'PathNotInLayer',
        message: `"${this.plan.target}" is not in this layer.`,
      })
    }
    const produced = this.isFolder ? this.root : join(this.staging, this.name)
    try {
      await lstat(produced)
    } catch {
      await this.discard()
      throw new AppErrorException({
        code: 'UnsafeEntry',
        message: `Nothing of "${this.plan.target}" could be extracted safely: ${this.skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}`,
      })
    }
    const final = await this.freeName()
    await rename(produced, final)
    await rm(this.staging, { recursive: true, force: true })
    return { path: final, files: this.files, bytes: this.bytes, skipped: this.skipped }
  }

  /** Removes everything written so far. */
  async discard(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true })
  }

  private skip(path: string, reason: string): void {
    if (this.skipped.length < 1000) this.skipped.push({ path, reason })
  }

  private refusal(entry: LayerEntry): string | null {
    if (entry.unsafe?.includes('..')) return `refused: its name ${entry.unsafe}`
    switch (entry.type) {
      case 'char-device':
      case 'block-device':
        return 'device nodes are never created'
      case 'fifo':
        return 'FIFOs are not created'
      case 'whiteout':
      case 'opaque':
        return 'a deletion marker, not a file'
      case 'symlink': {
        const target = entry.linkTarget ?? ''
        if (target.startsWith('/') || isAbsolute(target) || /^[a-zA-Z]:/.test(target)) {
          return `symlink to ${target} points outside the folder`
        }
        const base = this.plan.target === '' ? '' : this.plan.target
        const resolved = posix.normalize(posix.join('/', posix.dirname(entry.path), target))
        if (!isWithin(resolved.slice(1), base) || resolved === '/') {
          return `symlink to ${target} points outside the folder`
        }
        return null
      }
      case 'hardlink': {
        const target = entry.linkTarget ?? ''
        const source = this.plan.entries.find((e) => e.path === target)
        if (!source || source.type !== 'file')
          return `hardlink to ${target || '(nothing)'} is not a regular file in this layer`
        if (source.unsafe?.includes('..')) return `hardlink to ${target}, whose name is unsafe`
        return null
      }
      default:
        return null
    }
  }

  // Where an archive path lands in the staging folder; null (and skipped) if the name cannot be
  // written safely on this OS.
  private outPath(path: string): string | null {
    const rest = this.isFolder
      ? this.plan.target === ''
        ? path
        : path.slice(this.plan.target.length + 1)
      : ''
    const segments = rest === '' ? [] : rest.split('/')
    for (const segment of segments) {
      if (this.safeName(segment) === null) {
        this.skip(path, `the name "${segment}" cannot be written on ${this.platform}`)
        return null
      }
    }
    const out = this.isFolder ? join(this.root, ...segments) : join(this.staging, this.name)
    const inside = relative(this.staging, out)
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      this.skip(path, 'refused: it would land outside the folder')
      return null
    }
    return out
  }

  private safeName(segment: string): string | null {
    if (segment === '' || segment === '.' || segment === '..' || segment.includes('/')) return null
    if (
      this.platform === 'win32' &&
      (WINDOWS_BAD.test(segment) || WINDOWS_RESERVED.test(segment) || hasControl(segment))
    ) {
      return null
    }
    return segment
  }

  // Every folder between the staging root and `out` must be one this extraction made (or a real
  // directory it found there): never a symlink, never a file.
  private async parentsSafe(out: string, path: string): Promise<boolean> {
    const parts = relative(this.staging, out).split(sep).slice(0, -1)
    let current = this.staging
    for (const part of parts) {
      current = join(current, part)
      if (this.goodDirectories.has(current)) continue
      try {
        const info = await lstat(current)
        if (info.isSymbolicLink()) {
          this.skip(path, 'refused: it would be written through a symlink')
          return false
        }
        if (!info.isDirectory()) {
          this.skip(path, 'refused: a file of the layer is in the way')
          return false
        }
      } catch {
        await mkdir(current, { mode: 0o755 })
      }
      this.goodDirectories.add(current)
    }
    return true
  }

  private async makeDirectory(out: string, entry: LayerEntry): Promise<void> {
    try {
      const info = await lstat(out)
      if (info.isDirectory()) return
      // A file or link of an earlier entry at this path: tar replaces it, within the staging folder.
      await rm(out, { recursive: true, force: true })
    } catch {
      // Not there yet.
    }
    await mkdir(out, { mode: (entry.mode & 0o777) | 0o700 })
    this.goodDirectories.add(out)
  }

  private async clear(out: string): Promise<void> {
    try {
      const info = await lstat(out)
      if (info.isDirectory()) await rm(out, { recursive: true, force: true })
      else await unlink(out)
    } catch {
      // Nothing there.
    }
  }

  private async makeSymlink(out: string, entry: LayerEntry): Promise<void> {
    await this.clear(out)
    try {
      await symlink(entry.linkTarget ?? '', out)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      this.skip(
        entry.path,
        code === 'EPERM' && this.platform === 'win32'
          ? 'symlinks need Developer Mode or administrator rights on Windows'
          : `the symlink could not be created (${code ?? 'error'})`,
      )
    }
  }

  private async makeHardlink(out: string, entry: LayerEntry): Promise<void> {
    const target = entry.linkTarget ?? ''
    if (this.borrowed.has(target)) return // written with the target's bytes already
    const source = this.written.get(target)
    if (!source) {
      this.skip(entry.path, `hardlink to ${target}, which was not extracted before it`)
      return
    }
    await this.clear(out)
    try {
      await link(source, out)
    } catch (error) {
      this.skip(
        entry.path,
        `the hardlink could not be created (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      )
    }
  }

  private async writeFile(
    entry: LayerEntry,
    outs: string[],
    archivePath: string | null,
  ): Promise<EntrySink | null> {
    const handles: FileHandle[] = []
    for (const out of outs) {
      if (!(await this.parentsSafe(out, entry.path))) continue
      await this.clear(out)
      // wx: never follows or reuses anything at the path, a symlink planted there included.
      handles.push(await open(out, 'wx', (entry.mode & 0o777) | 0o600))
    }
    if (handles.length === 0) return null
    if (archivePath !== null) this.written.set(archivePath, outs[0]!)
    this.files += handles.length
    let position = 0
    let chain: Promise<void> = Promise.resolve()
    const mtime = new Date(entry.mtime * 1000)
    return {
      data: (chunk) => {
        const at = position
        position += chunk.length
        this.bytes += chunk.length * handles.length
        chain = chain.then(async () => {
          await Promise.all(handles.map((handle) => handle.write(chunk, 0, chunk.length, at)))
        })
        return chain
      },
      end: () => {
        chain = chain.then(async () => {
          await Promise.all(handles.map((handle) => handle.close()))
          await Promise.all(outs.map((out) => utimes(out, mtime, mtime).catch(() => undefined)))
        })
        return chain
      },
    }
  }

  private async freeName(): Promise<string> {
    const directory = resolve(this.plan.directory)
    for (let n = 1; ; n++) {
      const candidate = join(
        directory,
        n === 1 ? this.name : numbered(this.name, n, !this.isFolder),
      )
      try {
        await lstat(candidate)
      } catch {
        return candidate
      }
    }
  }
}

// "config (2).yaml" for files, "app (2)" for folders.
function numbered(name: string, n: number, file: boolean): string {
  const dot = file ? name.lastIndexOf('.') : -1
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`
}

/**
 * Reads a layer once more and extracts `plan.target` from it. A layer that turns out corrupt,
 * truncated or over a cap, a disk error or a cancel removes whatever was written.
 */
export async function extractFromLayer(
  source: Readable | AsyncIterable<Buffer>,
  plan: ExtractPlan,
  options: Omit<ReadOptions, 'onEntry' | 'collect'>,
): Promise<{
  path: string
  files: number
  bytes: number
  skipped: { path: string; reason: string }[]
}> {
  const extraction = new Extraction(plan)
  try {
    const result = await readLayer(source, {
      ...options,
      collect: false,
      onEntry: (entry) => extraction.sink(entry),
    })
    if (result.problem) {
      throw new AppErrorException({ code: 'LayerUnreadable', message: result.problem.message })
    }
    return await extraction.finish()
  } catch (error) {
    await extraction.discard()
    throw error
  }
}
