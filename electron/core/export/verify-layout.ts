import { createReadStream } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import tarStream from 'tar-stream'
import type { LayoutCheck } from '../../../shared/models/export'
import { AppErrorException } from '../../../shared/ipc/result'
import { hashFile } from '../blob/hash-file'
import { lstatOrNull } from '../fs/safe-file'
import { startDigest } from '../services/digest'
import { blobEntry, blobPath, isCanonicalDigest, OCI } from './layout'

// The end check of every export, and "Verify a layout…" for layouts other tools wrote: index.json
// is re-read, every manifest it names (indexes recursively) is parsed, and every blob they name
// is re-hashed from the disk, size first. Nothing a layout says is trusted: names are canonical
// digests only, JSON is read with a cap, and a tar is read as a stream in one pass.
// One exception, for an export's own end check only: a blob that same export fetched, verified
// as it streamed, fsynced and renamed into the folder is re-stat'ed instead of re-hashed (still
// a regular file, the same size, device, inode and mtime as right after its rename). Blobs re-used
// from elsewhere or already there, every manifest, and all of "Verify a layout…" are re-hashed.

/** JSON documents (index.json, manifests) larger than this are refused, not parsed. */
const MAX_JSON = 8 * 1024 * 1024
/** A tar's small blobs are kept for the walk up to this much in all. */
const MAX_KEPT = 64 * 1024 * 1024

const INDEX_TYPES = new Set([
  OCI.index,
  'application/vnd.docker.distribution.manifest.list.v2+json',
])
const MANIFEST_TYPES = new Set([
  OCI.manifest,
  'application/vnd.docker.distribution.manifest.v2+json',
])

interface Descriptor {
  mediaType: string
  digest: string
  size: number
  urls?: unknown
}

/** A file as it was right after a verified blob was renamed into a layout folder. */
export interface FileIdentity {
  size: number
  dev: number
  ino: number
  mtimeMs: number
}

/** What a check can report and be told. */
export interface VerifyOptions {
  signal?: AbortSignal
  /** After each blob: how many were checked and their bytes. */
  onBlob?: (checked: number, bytes: number) => void
  /** As bytes are read: bytes done of all the layout's blob bytes (the folder's or the tar's). */
  onBytes?: (done: number, total: number) => void
  /**
   * An export's end check: blobs this export fetched and verified itself, by digest, with the
   * file each became. Such a blob that is still that file is not re-hashed. Folders only.
   */
  verifiedHere?: ReadonlyMap<string, FileIdentity>
}

/** How the walk reaches a layout's files: a folder on disk, or what one pass over a tar found. */
interface LayoutFiles {
  /** The bytes of a small file (index.json, a manifest blob), or null when absent. */
  json(entry: string): Promise<Buffer | null>
  /** The blob's size and whether its bytes match its digest (re-stat'ed: not re-hashed); null when absent. */
  blob(digest: string): Promise<{ size: number; matches: boolean; restated?: boolean } | null>
  hasLayoutFile(): Promise<boolean>
}

/** Checks an OCI layout folder or `.tar`: "verified: N blobs, X bytes" or each problem found. */
export async function verifyLayout(
  path: string,
  options: VerifyOptions = {},
): Promise<LayoutCheck> {
  const stats = await lstatOrNull(path)
  if (stats === null) {
    throw new AppErrorException({
      code: 'InvalidParameter',
      field: 'path',
      message: `nothing at ${path}`,
    })
  }
  if (!stats.isDirectory() && !stats.isFile()) {
    throw new AppErrorException({
      code: 'InvalidParameter',
      field: 'path',
      message: `${path} is neither a folder nor a file (links are not followed)`,
    })
  }
  const files = stats.isDirectory()
    ? await folderFiles(path, options)
    : await tarFiles(path, stats.size, options)
  return walk(files, options)
}

async function walk(files: LayoutFiles, options: VerifyOptions): Promise<LayoutCheck> {
  const problems: string[] = []
  const refs: LayoutCheck['refs'] = []
  const seen = new Set<string>()
  let blobs = 0
  let bytes = 0
  let restated = 0
  if (!(await files.hasLayoutFile()))
    problems.push('oci-layout is missing or is not {"imageLayoutVersion": …}.')
  const index = parseJson(await files.json('index.json'), 'index.json', problems)
  const top = index ? descriptors(index, 'manifests', 'index.json', problems) : []
  for (const d of top) {
    const annotations = (d as { annotations?: Record<string, unknown> }).annotations
    const name = annotations?.[OCI.refName]
    refs.push({
      name: typeof name === 'string' ? name : null,
      digest: d.digest,
      mediaType: d.mediaType,
    })
  }
  const queue: Descriptor[] = [...top]
  while (queue.length > 0) {
    options.signal?.throwIfAborted()
    const d = queue.shift()!
    if (seen.has(d.digest)) continue
    seen.add(d.digest)
    const found = await files.blob(d.digest)
    if (found === null) {
      // A foreign layer (urls, non-distributable) lives outside the layout by design.
      if (Array.isArray(d.urls) && /nondistributable|foreign/.test(d.mediaType)) continue
      problems.push(`Blob ${d.digest} is missing (${d.mediaType}, ${d.size} bytes).`)
      continue
    }
    if (found.size !== d.size) {
      problems.push(`Blob ${d.digest} has ${found.size} bytes; its descriptor says ${d.size}.`)
      continue
    }
    if (!found.matches) {
      problems.push(`Blob ${d.digest} does not match its digest: it is damaged.`)
      continue
    }
    blobs++
    bytes += found.size
    if (found.restated) restated++
    options.onBlob?.(blobs, bytes)
    const nested = INDEX_TYPES.has(d.mediaType) || MANIFEST_TYPES.has(d.mediaType)
    if (!nested) continue
    const what = `manifest ${d.digest}`
    const doc = parseJson(await files.json(blobEntry(d.digest)), what, problems)
    if (!doc) continue
    if (INDEX_TYPES.has(d.mediaType)) {
      queue.push(...descriptors(doc, 'manifests', what, problems))
    } else {
      queue.push(...descriptors({ c: [doc.config] }, 'c', what, problems))
      queue.push(...descriptors(doc, 'layers', what, problems))
    }
  }
  const ok = problems.length === 0 && top.length > 0
  if (top.length === 0 && index) problems.push('index.json names no manifest.')
  return {
    ok,
    blobs,
    bytes,
    restated,
    summary: ok
      ? `verified: ${blobs} blobs, ${bytes} bytes`
      : `not valid: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${problems[0]})`,
    problems,
    refs,
  }
}

function parseJson(
  bytes: Buffer | null,
  what: string,
  problems: string[],
): Record<string, unknown> | null {
  if (bytes === null) {
    problems.push(`${what} is missing.`)
    return null
  }
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'))
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>
    }
  } catch {
    // reported below
  }
  problems.push(`${what} is not a JSON object.`)
  return null
}

function descriptors(
  doc: Record<string, unknown>,
  key: string,
  what: string,
  problems: string[],
): Descriptor[] {
  const list = doc[key]
  if (!Array.isArray(list)) {
    problems.push(`${what} has no "${key}" list.`)
    return []
  }
  const out: Descriptor[] = []
  for (const item of list as unknown[]) {
    const d = item as Partial<Descriptor> | null
    if (
      typeof d?.digest !== 'string' ||
      !isCanonicalDigest(d.digest) ||
      typeof d.size !== 'number' ||
      !Number.isSafeInteger(d.size) ||
      d.size < 0
    ) {
      problems.push(`${what} has a descriptor without a canonical digest and size.`)
      continue
    }
    out.push({ ...d, mediaType: typeof d.mediaType === 'string' ? d.mediaType : '' } as Descriptor)
  }
  return out
}

async function folderFiles(root: string, options: VerifyOptions): Promise<LayoutFiles> {
  const { signal, verifiedHere, onBytes } = options
  const regular = async (path: string) => {
    const stats = await lstatOrNull(path)
    return stats?.isFile() ? stats : null
  }
  // The progress total: every regular file under blobs/<alg>/ (lstat only, nothing read).
  let total = 0
  if (onBytes) {
    for (const algorithm of await readdir(join(root, 'blobs')).catch(() => [] as string[])) {
      const folder = join(root, 'blobs', algorithm)
      for (const name of await readdir(folder).catch(() => [] as string[])) {
        total += (await regular(join(folder, name)))?.size ?? 0
      }
    }
  }
  let done = 0
  return {
    async json(entry) {
      const path = `${root}/${entry}`
      const stats = await regular(path)
      if (!stats) return null
      if (stats.size > MAX_JSON) return Buffer.from('too large')
      return readFile(path)
    },
    async blob(digest) {
      const path = blobPath(root, digest)
      const stats = await regular(path)
      if (!stats) return null
      const known = verifiedHere?.get(digest)
      if (
        known &&
        known.size === stats.size &&
        known.dev === stats.dev &&
        known.ino === stats.ino &&
        known.mtimeMs === stats.mtimeMs
      ) {
        done += stats.size
        onBytes?.(done, total)
        return { size: stats.size, matches: true, restated: true }
      }
      const before = done
      const { size, matches } = await hashFile(path, digest, {
        ...(signal ? { signal } : {}),
        ...(onBytes ? { onBytes: (n: number) => onBytes(before + n, total) } : {}),
      })
      done = before + size
      return { size, matches }
    },
    async hasLayoutFile() {
      const path = `${root}/${OCI.layoutFile}`
      const stats = await regular(path)
      if (!stats || stats.size > MAX_JSON) return false
      return isLayoutFile(await readFile(path))
    },
  }
}

function isLayoutFile(bytes: Buffer): boolean {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as { imageLayoutVersion?: unknown }
    return typeof value.imageLayoutVersion === 'string'
  } catch {
    return false
  }
}

// One pass: every `blobs/<alg>/<hex>` entry is hashed as it streams; the small ones that look like
// JSON are kept for the walk (manifests and configs), within MAX_KEPT in all.
async function tarFiles(
  path: string,
  total: number,
  { signal, onBytes }: VerifyOptions,
): Promise<LayoutFiles> {
  const hashed = new Map<string, { size: number; matches: boolean }>()
  const kept = new Map<string, Buffer>()
  let keptBytes = 0
  const extract = tarStream.extract()
  extract.on('entry', (header, stream, next) => {
    const name = header.name.replace(/^\.\//, '')
    const match = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(name)
    const digest = match ? `${match[1]}:${match[2]}` : null
    const isBlob = header.type === 'file' && digest !== null && isCanonicalDigest(digest)
    const small = header.type === 'file' && header.size <= MAX_JSON
    const keep = (isBlob || name === 'index.json' || name === OCI.layoutFile) && small
    const check = isBlob ? startDigest(digest) : null
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer
      size += chunk.length
      check?.hash.update(chunk)
      if (keep && keptBytes + size <= MAX_KEPT) chunks.push(chunk)
    })
    stream.on('end', () => {
      if (check && digest) {
        hashed.set(digest, { size, matches: check.hash.digest('hex') === check.hex })
      }
      if (keep && chunks.length > 0 && (chunks[0]![0] === 0x7b || !isBlob)) {
        const bytes = Buffer.concat(chunks)
        keptBytes += bytes.length
        kept.set(name, bytes)
      } else if (keep && size === 0) {
        kept.set(name, Buffer.alloc(0))
      }
      next()
    })
    stream.on('error', next)
  })
  let read = 0
  const source = createReadStream(path, { highWaterMark: 1024 * 1024 })
  if (onBytes) {
    source.on('data', (chunk) => {
      read += chunk.length
      onBytes(read, total)
    })
  }
  await pipeline(source, extract, { signal })
  return {
    json: (entry) => Promise.resolve(kept.get(entry) ?? null),
    blob: (digest) => Promise.resolve(hashed.get(digest) ?? null),
    hasLayoutFile: () => {
      const bytes = kept.get(OCI.layoutFile)
      return Promise.resolve(bytes ? isLayoutFile(bytes) : false)
    },
  }
}
