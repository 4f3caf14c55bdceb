import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import {
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
  unlink,
} from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { isInside } from '../fs/inside'
import { baseName, isWithin } from '../../../shared/layer-contents/entries'
import { AppErrorException } from '../../../shared/ipc/result'
import type { LayerEntry } from '../../../shared/models/layer-contents'
import type { Readable } from 'node:stream'
import { writeAll, writeError } from '../fs/safe-file'
import { readLayer, type EntrySink, type ReadOptions } from './layer-reader'
import { isAbsoluteTarget, outsideReason, resolveLink, type LinkLookup } from './link-resolution'
import { shortHex } from '../../../shared/digest'

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
/** Longest file name (one segment) the common file systems hold, in bytes. */
const NAME_MAX = 255
// Never follows a link at the name and never reuses what is there: a fresh file or an error.
const CREATE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0)
// Errors of the disk itself: the extraction stops with the catalog's words for them.
const DISK_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EACCES', 'EPERM', 'EROFS', 'EIO'])
// Errors that concern one entry (its name, what is in its way): it is skipped, the rest goes on.
const ENTRY_ERRORS = new Set([
  'ENAMETOOLONG',
  'EEXIST',
  'ENOTDIR',
  'EISDIR',
  'ELOOP',
  'EILSEQ',
  'EINVAL',
])

/**
 * Extracts one file or folder of a layer into a chosen folder, treating the layer as hostile.
 * Entries are written into a hidden staging folder inside the chosen one and renamed into place
 * at the end, so a failure or cancel leaves nothing behind. It refuses entries whose names climb
 * with `..`, symlinks that resolve outside what is extracted (absolute targets, `..` that climbs
 * above the folder however far it comes back down, and chains through other links, followed as
 * the OS follows them), hardlinks to anything but a regular file of the extraction, device nodes
 * and FIFOs. It never writes through a symlink or into anything it did not create: parents are
 * checked with `lstat`, files are created with `O_EXCL|O_NOFOLLOW`. Before the rename, what
 * actually landed is walked and checked (each link resolved on disk and with `realpath`, each
 * file's inode one this extraction created); anything else is removed and reported. Absolute
 * names are neutralised: they land where they would inside the image. Setuid, setgid and sticky
 * bits are dropped.
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
  /** Symlinks of the selection still to come in the layer, in archive order, by relative path. */
  private readonly plannedLinks = new Map<string, string[]>()
  /** Symlinks created so far, by path relative to the root. */
  private readonly createdLinks = new Map<string, string>()
  /** Inodes of the regular files this extraction created: no other file may appear in the output. */
  private readonly inodes = new Set<string>()
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
    const name = target === '' ? `layer-${shortHex(plan.layerDigest)}` : baseName(target)
    this.name = this.safeName(name) ?? `extracted-${randomBytes(3).toString('hex')}`
    this.staging = join(
      resolve(plan.directory),
      `.${this.name}.${randomBytes(4).toString('hex')}.partial`,
    )
    this.root = join(this.staging, this.name)

    for (const entry of plan.entries) {
      if (!this.selected(entry.path)) continue
      if (entry.type === 'symlink' && this.isFolder) {
        const key = this.relativePath(entry.path)
        this.plannedLinks.set(key, [...(this.plannedLinks.get(key) ?? []), entry.linkTarget ?? ''])
      }
      // Hardlinks in the selection whose target is outside it get the target's bytes copied.
      if (entry.type !== 'hardlink' || entry.unsafe) continue
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
    try {
      return await this.place(entry)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === undefined || !ENTRY_ERRORS.has(code)) throw error
      this.skip(entry.path, `it could not be written (${code})`)
      return null
    }
  }

  private async place(entry: LayerEntry): Promise<EntrySink | null> {
    const copies = this.borrowed.get(entry.path)
    // Where the hardlinks that borrow this file's bytes go (each name checked, and reported, once).
    const copyOuts =
      copies && entry.type === 'file'
        ? copies.map((path) => this.outPath(path)).filter((out): out is string => out !== null)
        : []
    if (!this.selected(entry.path)) {
      return copyOuts.length > 0 ? this.writeFile(entry, copyOuts, null) : null
    }
    // From here on this link is no longer one to come: it is created now or never.
    if (entry.type === 'symlink') this.plannedLinks.get(this.relativePath(entry.path))?.shift()
    const refusal = this.refusal(entry)
    if (refusal) {
      if (entry.type !== 'whiteout' && entry.type !== 'opaque') this.skip(entry.path, refusal)
      return null
    }
    const out = this.outPath(entry.path, entry.type === 'directory')
    if (out === null) return null
    if (!(await this.parentsSafe(out, entry.path))) return null

    switch (entry.type) {
      case 'directory':
        await this.makeDirectory(out, entry)
        return null
      case 'file':
        return this.writeFile(entry, [out, ...copyOuts], entry.path)
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

  /** Checks what landed, then renames the staged output into the chosen folder under a free name. */
  async finish(): Promise<{
    path: string
    files: number
    bytes: number
    skipped: { path: string; reason: string }[]
  }> {
    await this.queue
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
    await this.checkLanded(produced)
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

  /** An entry's path relative to the extraction root ('' for the root itself). */
  private relativePath(path: string): string {
    if (!this.isFolder) return ''
    return this.plan.target === '' ? path : path.slice(this.plan.target.length + 1)
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
        // A link extracted alone has nothing of the layer around it to point at.
        if (isAbsoluteTarget(target) || isAbsolute(target) || !this.isFolder) {
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
  private outPath(path: string, isDirectory = false): string | null {
    const rest = this.relativePath(path)
    if (this.isFolder && rest === '' && !isDirectory) {
      // A duplicate of the folder's own name, as a file or link: it would replace the folder.
      this.skip(path, 'refused: it would replace the folder being extracted')
      return null
    }
    const segments = rest === '' ? [] : rest.split('/')
    for (const segment of segments) {
      if (Buffer.byteLength(segment) > NAME_MAX) {
        this.skip(path, `a name in it is longer than the ${NAME_MAX} bytes a file name can hold`)
        return null
      }
      if (this.safeName(segment) === null) {
        this.skip(path, `the name "${segment}" cannot be written on ${this.platform}`)
        return null
      }
    }
    const out = this.isFolder ? join(this.root, ...segments) : join(this.staging, this.name)
    if (out === this.staging || !isInside(this.staging, out)) {
      this.skip(path, 'refused: it would land outside the folder')
      return null
    }
    return out
  }

  private safeName(segment: string): string | null {
    if (segment === '' || segment === '.' || segment === '..' || segment.includes('/')) return null
    if (Buffer.byteLength(segment) > NAME_MAX) return null
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
      let info
      try {
        info = await lstat(current)
      } catch {
        // mkdir never follows a link at the name: if one appeared meanwhile, it fails.
        await mkdir(current, { mode: 0o755 })
        this.goodDirectories.add(current)
        continue
      }
      if (info.isSymbolicLink()) {
        this.skip(path, 'refused: it would be written through a symlink')
        return false
      }
      if (!info.isDirectory()) {
        this.skip(path, 'refused: a file of the layer is in the way')
        return false
      }
      this.goodDirectories.add(current)
    }
    return true
  }

  // Something at `out` is being removed or replaced: forget what was known about it and below.
  private forget(out: string): void {
    const below = `${out}${sep}`
    const gone = (p: string) => p === out || p.startsWith(below)
    // Every folder is checked again, not only those under `out`: on a case- or
    // normalization-insensitive file system (macOS, Windows) another spelling of `out` may be
    // cached, and a folder replaced by a link must never be written through.
    this.goodDirectories.clear()
    for (const [path, at] of this.written) if (gone(at)) this.written.delete(path)
    if (this.isFolder) {
      const rel = relative(this.root, out).split(sep).join('/')
      for (const path of this.createdLinks.keys()) {
        if (path === rel || path.startsWith(`${rel}/`)) this.createdLinks.delete(path)
      }
    }
  }

  private async makeDirectory(out: string, entry: LayerEntry): Promise<void> {
    try {
      const info = await lstat(out)
      if (info.isDirectory()) {
        this.goodDirectories.add(out)
        return
      }
      // A file or link of an earlier entry at this path: tar replaces it, within the staging folder.
      await this.clear(out)
    } catch {
      // Not there yet.
    }
    await mkdir(out, { mode: (entry.mode & 0o777) | 0o700 })
    this.goodDirectories.add(out)
  }

  private async clear(out: string): Promise<void> {
    let info
    try {
      info = await lstat(out)
    } catch {
      return // Nothing there.
    }
    this.forget(out)
    if (info.isDirectory()) await rm(out, { recursive: true, force: true })
    else await unlink(out)
  }

  // What the OS would find at a path relative to the root while following links: the links
  // created so far, and those of the index still to come (a later entry may replace a folder).
  private readonly plannedLookup: LinkLookup = (segments) => {
    const key = segments.join('/')
    return this.createdLinks.get(key) ?? this.plannedLinks.get(key)?.[0] ?? null
  }

  private async makeSymlink(out: string, entry: LayerEntry): Promise<void> {
    const target = entry.linkTarget ?? ''
    const rel = this.relativePath(entry.path)
    const from = rel.split('/').slice(0, -1)
    // Once made, the link is itself on the way of its own target (a loop through itself).
    const lookup: LinkLookup = (segments) =>
      segments.join('/') === rel ? target : this.plannedLookup(segments)
    const resolution = await resolveLink(from, target, lookup, {
      windows: this.platform === 'win32',
    })
    if (!resolution.inside) {
      this.skip(entry.path, outsideReason(target, resolution))
      return
    }
    await this.clear(out)
    try {
      await symlink(target, out)
      this.createdLinks.set(rel, target)
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
    // Only a regular file this extraction wrote, still there as written: never a link (macOS's
    // link() would follow it) and never something that replaced the file since.
    const info = source ? await lstat(source).catch(() => null) : null
    if (!source || !info?.isFile() || !this.inodes.has(inode(info))) {
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
    const opened: string[] = []
    try {
      for (const out of outs) {
        if (!(await this.parentsSafe(out, entry.path))) continue
        await this.clear(out)
        const handle = await open(out, CREATE_FLAGS, (entry.mode & 0o777) | 0o600)
        handles.push(handle)
        opened.push(out)
        this.inodes.add(inode(await handle.stat()))
      }
    } catch (error) {
      await Promise.all(handles.map((handle) => handle.close()))
      throw error
    }
    if (handles.length === 0) return null
    if (archivePath !== null && opened[0] === outs[0]) this.written.set(archivePath, outs[0]!)
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
          // Short writes are looped over; one that makes no progress is a full disk (ENOSPC).
          await Promise.all(handles.map((handle, i) => writeAll(handle, chunk, opened[i]!, at)))
        })
        return chain
      },
      end: () => {
        chain = chain.then(async () => {
          // Times are set on the open handles, so nothing is looked up by name again.
          await Promise.all(handles.map((handle) => handle.utimes(mtime, mtime).catch(() => {})))
          await Promise.all(handles.map((handle) => handle.close()))
        })
        return chain
      },
    }
  }

  /**
   * Walks what actually landed in the staging folder before it is renamed into place: every
   * symlink must resolve inside the output on disk (followed as the OS would, and by `realpath`
   * where it exists), every regular file must be one this extraction created (no hardlink to
   * anything else), every folder a real folder under it. Anything else is removed and reported.
   */
  private async checkLanded(produced: string): Promise<void> {
    if (!this.isFolder) {
      const info = await lstat(produced)
      if (!info.isFile() || !this.inodes.has(inode(info))) {
        await this.discard()
        throw new AppErrorException({
          code: 'UnsafeEntry',
          message: `${this.plan.target}: refused: what landed on disk is not the file extracted`,
        })
      }
      return
    }
    const root = await realpath(this.root)
    const lookup: LinkLookup = async (segments) => {
      const at = join(this.root, ...segments)
      const info = await lstat(at).catch(() => null)
      return info?.isSymbolicLink() ? readlink(at) : null
    }
    const under = (path: string) => isInside(root, path)
    const walk = async (dir: string, segments: string[]): Promise<void> => {
      const real = await realpath(dir)
      if (!under(real)) throw new Error(`${dir} left the extraction folder`)
      for (const name of (await readdir(dir)).sort()) {
        const at = join(dir, name)
        const path = [...segments, name]
        const archivePath = [this.plan.target, ...path].filter((s) => s !== '').join('/')
        const info = await lstat(at)
        if (info.isDirectory()) {
          await walk(at, path)
        } else if (info.isSymbolicLink()) {
          const target = await readlink(at)
          let reason: string | null = null
          const resolution = await resolveLink(segments, target, lookup, {
            windows: this.platform === 'win32',
          })
          if (!resolution.inside) {
            reason = outsideReason(target, resolution)
          } else {
            const real = await realpath(at).catch(() => null)
            if (real !== null && !under(real))
              reason = `symlink to ${target} points outside the folder`
          }
          if (reason !== null) {
            await unlink(at)
            this.forget(at)
            this.skip(archivePath, `removed after extraction: ${reason}`)
          }
        } else if (!info.isFile() || !this.inodes.has(inode(info))) {
          await rm(at, { recursive: true, force: true })
          this.skip(archivePath, 'removed after extraction: not a file this extraction created')
        }
      }
    }
    await walk(this.root, [])
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

function inode(info: { dev: number; ino: number }): string {
  return `${info.dev}:${info.ino}`
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
    // A disk error (full, read-only, denied) becomes its catalog error: DiskFull, DiskWriteFailed.
    const code = (error as { code?: unknown }).code
    if (
      !(error instanceof AppErrorException) &&
      typeof code === 'string' &&
      DISK_ERRORS.has(code)
    ) {
      throw new AppErrorException(writeError(error, plan.directory))
    }
    throw error
  }
}
