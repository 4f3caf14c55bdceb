import type { DiffReason, EntryType, LayerEntry } from '../models/layer-contents'

const TYPE_LETTER: Record<EntryType, string> = {
  file: '-',
  directory: 'd',
  symlink: 'l',
  hardlink: 'h',
  'char-device': 'c',
  'block-device': 'b',
  fifo: 'p',
  whiteout: 'w',
  opaque: 'o',
}

/** `-rwxr-xr-x` as `ls -l` and `tar -tv` print it, with setuid/setgid/sticky as s/S and t/T. */
export function formatMode(type: EntryType, mode: number): string {
  const bit = (mask: number, letter: string) => (mode & mask ? letter : '-')
  const special = (execute: number, flag: number, on: string) => {
    const x = (mode & execute) !== 0
    if (mode & flag) return x ? on : on.toUpperCase()
    return x ? 'x' : '-'
  }
  return (
    TYPE_LETTER[type] +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(0o010, 0o2000, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(0o001, 0o1000, 't')
  )
}

/** The result of cleaning a raw tar name. */
export interface NormalizedPath {
  /** Relative and `/`-separated; '' for the archive's root. */
  path: string
  /** Why the raw name was unsafe to extract as written, if it was. */
  unsafe?: string
}

/**
 * Cleans a raw tar name: drops a leading `/` and `./`, empty and `.` segments, and a trailing `/`.
 * `..` segments are resolved without ever climbing above the root, and flagged: the listing shows
 * such an entry where it would land inside the image, and extraction refuses it.
 */
export function normalizeEntryPath(raw: string): NormalizedPath {
  const reasons: string[] = []
  if (raw.startsWith('/')) reasons.push('absolute path')
  const out: string[] = []
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (!reasons.includes('contains ".."')) reasons.push('contains ".."')
      out.pop()
      continue
    }
    out.push(segment)
  }
  const path = out.join('/')
  return reasons.length > 0 ? { path, unsafe: reasons.join(', ') } : { path }
}

/** The parent of a normalized path ('' for a top-level one). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

/** The last segment of a normalized path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** Whether `path` is `ancestor` itself or lies under it ('' is the root and contains everything). */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === '' || path === ancestor || path.startsWith(`${ancestor}/`)
}

/**
 * Why two versions of a path differ. Content is compared by digest when both sides were hashed;
 * otherwise a different mtime on a file is reported, since the bytes could not be compared.
 * Directories never differ by mtime alone: every layer that touches a child rewrites it.
 */
export function compareEntries(a: LayerEntry, b: LayerEntry): DiffReason[] {
  const reasons: DiffReason[] = []
  if (a.type !== b.type) return ['type']
  if (a.size !== b.size) reasons.push('size')
  if ((a.mode & 0o7777) !== (b.mode & 0o7777)) reasons.push('mode')
  if (a.uid !== b.uid || a.gid !== b.gid) reasons.push('owner')
  if ((a.linkTarget ?? '') !== (b.linkTarget ?? '')) reasons.push('target')
  if (a.type === 'file') {
    if (a.sha256 !== undefined && b.sha256 !== undefined) {
      if (a.sha256 !== b.sha256) reasons.push('content')
    } else if (Math.floor(a.mtime) !== Math.floor(b.mtime) && !reasons.includes('size')) {
      reasons.push('mtime')
    }
  }
  return reasons
}
