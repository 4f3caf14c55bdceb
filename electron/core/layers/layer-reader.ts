import { createHash, hash as hashOnce, type Hash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setImmediate } from 'node:timers/promises'
import { classifyLayer } from '../../../shared/manifest'
import { AppErrorException } from '../../../shared/ipc/result'
import { baseName, normalizeEntryPath, parentPath } from '../../../shared/layer-contents/entries'
import type {
  ContentsCompression,
  EntryType,
  LayerEntry,
  LayerProblem,
} from '../../../shared/models/layer-contents'
import {
  createDecoder,
  nativeZstd,
  sniffCompression,
  type NativeZstdFactory,
  type ZstdPreference,
} from './decompress'
import { TarError, TarParser, type ContentSink, type TarHeader } from './tar-parser'

/** Caps that keep a hostile layer from exhausting memory, disk or time. */
export interface ReadLimits {
  /** Headers read before stopping (a bomb of tiny entries). */
  maxEntries: number
  /** Bytes in one entry's path or link target. */
  maxPathLength: number
  /** Bytes of uncompressed tar (a decompression bomb). */
  maxTarBytes: number
  /** Bytes of one PAX or GNU long-name header held in memory. */
  maxExtensionBytes: number
  /** Files up to this size get a sha256 of their content, for diffs. */
  hashLimit: number
  /**
   * Bytes the collected index may take: every path and link target, plus ENTRY_OVERHEAD_BYTES
   * per entry for the rest of it. Only a read that collects entries counts them.
   */
  maxIndexBytes: number
}

/**
 * What an index may hold in memory (and in one cached file) before the layer is refused as too
 * large to show: a million entries of a few bytes, or a few thousand of 4 KiB names, are both
 * small as gzip and huge as objects.
 */
export const INDEX_BUDGET_BYTES = 64 * 1024 * 1024

/** What one listed entry costs besides its path and link target (its object, numbers, owners). */
export const ENTRY_OVERHEAD_BYTES = 200

/** Generous for real images (the largest have a few hundred thousand entries), firm for bombs. */
export const DEFAULT_LIMITS: ReadLimits = {
  maxEntries: 1_000_000,
  maxPathLength: 4096,
  maxTarBytes: 256 * 1024 ** 3,
  maxExtensionBytes: 1024 * 1024,
  hashLimit: 1024 * 1024,
  maxIndexBytes: INDEX_BUDGET_BYTES,
}

/** How much tar is parsed before the decoder gets a turn (see the read loop). */
const PARSE_SLICE = 64 * 1024

const EMPTY_SHA256 = createHash('sha256').digest('hex')

/** Where an entry's content goes when the caller wants it (extraction, preview). */
export interface EntrySink {
  data(chunk: Buffer): void | Promise<void>
  end(): void | Promise<void>
}

/** How to read one layer. */
export interface ReadOptions {
  /** The layer's media type: the compression it promises, checked against the magic bytes. */
  mediaType: string
  limits?: Partial<ReadLimits>
  zstd?: ZstdPreference
  /** Overrides the detection of Node's own zstd (tests use it to exercise both decoders). */
  nativeZstd?: NativeZstdFactory | null
  signal?: AbortSignal
  /** Keep the entries (false for extraction, which needs only the content). */
  collect?: boolean
  onProgress?: (progress: { compressedBytes: number; tarBytes: number; entries: number }) => void
  /** Called for every listed entry; may return a sink for its content. */
  onEntry?: (entry: LayerEntry) => EntrySink | null
  /** Checked after each chunk: true stops reading early, as a success. */
  stopWhen?: () => boolean
}

/** What reading a layer found. */
export interface ReadResult {
  compression: ContentsCompression
  decoder: 'gzip' | 'zstd-native' | 'zstd-fallback' | 'none'
  complete: boolean
  problem: LayerProblem | null
  entries: LayerEntry[]
  compressedBytes: number
  tarBytes: number
  fileBytes: number
  /** Set when the media type and the bytes disagreed (the bytes win, as in containerd). */
  note: string | null
}

const TYPES: Record<string, EntryType> = {
  '0': 'file',
  '7': 'file',
  S: 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char-device',
  '4': 'block-device',
  '5': 'directory',
  D: 'directory',
  '6': 'fifo',
}

const SNIFF_BYTES = 262

class Stop extends Error {}

// Thrown from the header callback when the index outgrows its budget; becomes LayerIndexTooLarge.
class OverBudget extends Error {
  constructor(
    readonly entries: number,
    readonly nameBytes: number,
  ) {
    super('over the index budget')
  }
}

/** The LayerIndexTooLarge message: how far the reader got before refusing the layer. */
export function indexTooLargeMessage(entries: number, nameBytes: number): string {
  const mb = (nameBytes / 1e6).toFixed(1)
  return `This layer's index is too large to show (more than ${entries.toLocaleString('en-US')} entries, ${mb} MB of names); extract it instead.`
}

/**
 * Reads a layer blob as a stream: sniffs and decompresses it, parses the tar, and lists every
 * entry with whiteouts turned into deletion records. Memory stays flat whatever the layer's size:
 * content is hashed (small files) or handed to a sink, never kept. A cap, a corrupt stream or a
 * truncated tar ends the read with a problem that names the byte offset; the entries read so far
 * are returned with `complete: false`.
 */
export async function readLayer(
  source: Readable | AsyncIterable<Buffer>,
  options: ReadOptions,
): Promise<ReadResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const collect = options.collect ?? true
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
  let compressedBytes = 0

  // Sniff the first bytes before choosing a decoder.
  const head: Buffer[] = []
  let headLength = 0
  let exhausted = false
  while (headLength < SNIFF_BYTES) {
    const next = await iterator.next()
    if (next.done) {
      exhausted = true
      break
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)
    head.push(chunk)
    headLength += chunk.length
  }
  compressedBytes = headLength
  const sniffed = sniffCompression(Buffer.concat(head))
  const declared = classifyLayer(options.mediaType).compression
  const compression: ContentsCompression =
    sniffed ??
    (declared === 'gzip' || declared === 'zstd' || declared === 'none' ? declared : 'none')
  let note: string | null = null
  if (sniffed === null && declared !== 'none' && declared !== 'unknown' && headLength > 0) {
    // Not what it claims to be, and no known magic either: let the decoder report the offset.
    note = `The first bytes are ${hex(Buffer.concat(head).subarray(0, 4))}, not ${declared === 'gzip' ? 'gzip (1f 8b)' : 'zstd (28 b5 2f fd)'}.`
  } else if (sniffed !== null && declared !== 'unknown' && sniffed !== declared) {
    note = `The media type says ${label(declared)}, but the blob is ${label(sniffed)}; it was read as ${label(sniffed)}.`
  }

  const decoder = createDecoder(
    compression,
    options.zstd ?? 'auto',
    options.nativeZstd === undefined ? nativeZstd() : options.nativeZstd,
  )
  const entries: LayerEntry[] = []
  let fileBytes = 0
  let headers = 0
  let indexBytes = 0
  let nameBytes = 0
  let problem: LayerProblem | null = null
  let stoppedEarly = false
  const pending: Promise<void>[] = []

  const parser = new TarParser(
    (header) => {
      headers++
      if (headers > limits.maxEntries) {
        throw new TarError(
          'cap',
          `Stopped at ${limits.maxEntries.toLocaleString('en-US')} entries, the most a layer may list (byte offset ${header.offset}). The list is partial.`,
          header.offset,
        )
      }
      const longest = Math.max(Buffer.byteLength(header.name), Buffer.byteLength(header.linkname))
      if (longest > limits.maxPathLength) {
        throw new TarError(
          'cap',
          `An entry at byte offset ${header.offset} has a path of ${longest} bytes; the limit is ${limits.maxPathLength}. The list is partial.`,
          header.offset,
        )
      }
      const entry = toEntry(header)
      if (!entry) return null
      if (collect) {
        const names = entry.path.length + (entry.linkTarget?.length ?? 0)
        nameBytes += names
        indexBytes += names + ENTRY_OVERHEAD_BYTES
        // Stop before keeping the entry that crosses the budget: the read ends at once.
        if (indexBytes > limits.maxIndexBytes) throw new OverBudget(entries.length, nameBytes)
        entries.push(entry)
      }
      if (entry.type === 'file') fileBytes += entry.size
      const sinks: ContentSink[] = []
      if (entry.type === 'file' && entry.size <= limits.hashLimit) {
        // Most files in a layer are small and arrive in one piece: those are hashed in one call,
        // and a streaming hash is made only for content split across chunks.
        let hash: Hash | null = null
        sinks.push({
          data: (chunk) => {
            if (hash === null && chunk.length === entry.size)
              entry.sha256 = hashOnce('sha256', chunk)
            else (hash ??= createHash('sha256')).update(chunk)
          },
          end: () => {
            if (hash !== null) entry.sha256 = hash.digest('hex')
            else entry.sha256 ??= EMPTY_SHA256
          },
        })
      }
      const external = options.onEntry?.(entry)
      if (external) {
        sinks.push({
          data: (chunk) => {
            const result = external.data(chunk)
            if (result) pending.push(result)
          },
          end: () => {
            const result = external.end()
            if (result) pending.push(result)
          },
        })
      }
      if (sinks.length === 0) return null
      if (sinks.length === 1) return sinks[0]!
      return {
        data: (chunk) => sinks.forEach((sink) => sink.data(chunk)),
        end: () => sinks.forEach((sink) => sink.end()),
      }
    },
    { maxExtensionBytes: limits.maxExtensionBytes },
  )

  const input = async function* () {
    for (const chunk of head) yield chunk
    if (exhausted) return
    try {
      for (;;) {
        options.signal?.throwIfAborted()
        const next = await iterator.next()
        if (next.done) return
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)
        compressedBytes += chunk.length
        yield chunk
      }
    } finally {
      // Stopping early (a cap, a preview that found its file) closes the source, and its file.
      exhausted = true
      await iterator.return?.()
    }
  }

  const report = () =>
    options.onProgress?.({ compressedBytes, tarBytes: parser.offset, entries: headers })

  const offThread = decoder.kind === 'gzip' || decoder.kind === 'zstd-native'
  try {
    await pipeline(
      input,
      decoder.stage,
      async (tar: AsyncIterable<Buffer>) => {
        for await (const chunk of tar) {
          options.signal?.throwIfAborted()
          if (parser.offset + chunk.length > limits.maxTarBytes) {
            throw new TarError(
              'cap',
              `Stopped after ${limits.maxTarBytes.toLocaleString('en-US')} bytes of uncompressed data, the most a layer may expand to (compressed byte offset ${decoder.consumed()}). The list is partial.`,
              limits.maxTarBytes,
            )
          }
          for (let at = 0; at < chunk.length; at += PARSE_SLICE) {
            parser.push(chunk.length <= PARSE_SLICE ? chunk : chunk.subarray(at, at + PARSE_SLICE))
            if (pending.length > 0) await Promise.all(pending.splice(0))
            if (parser.finished || options.stopWhen?.()) {
              stoppedEarly = !parser.finished
              report()
              throw new Stop()
            }
            // The decoder works on the thread pool, but each piece it finishes is handed back on
            // this thread before it starts the next: letting that in between slices keeps it busy
            // while this thread parses, instead of waiting for a whole chunk to be parsed.
            if (offThread && at + PARSE_SLICE < chunk.length) await setImmediate()
          }
          report()
        }
        parser.end()
      },
      options.signal ? { signal: options.signal } : {},
    )
  } catch (error) {
    if (options.signal?.aborted) {
      throw new AppErrorException({
        code: 'Cancelled',
        message: 'Reading the layer was cancelled.',
      })
    }
    if (error instanceof OverBudget) {
      // Let go of what was listed before refusing, so the caller's heap drops back at once.
      entries.length = 0
      await Promise.allSettled(pending)
      throw new AppErrorException({
        code: 'LayerIndexTooLarge',
        message: indexTooLargeMessage(error.entries, error.nameBytes),
      })
    }
    if (!(error instanceof Stop)) {
      problem = toProblem(error, parser.offset, decoder.consumed(), compression)
    }
  }
  await Promise.allSettled(pending)
  report()
  if (problem?.kind === 'corrupt' && note && compression !== 'none') {
    problem.message = `${problem.message} ${note}`
  }
  if (!problem && !stoppedEarly && !parser.finished && headers === 0 && note) {
    problem = { kind: 'corrupt', message: note, tarOffset: 0, compressedOffset: 0 }
  }

  return {
    compression,
    decoder: decoder.kind,
    complete: problem === null,
    problem,
    entries,
    compressedBytes,
    tarBytes: parser.offset,
    fileBytes,
    note,
  }
}

/** An entry as the index lists it; null for the archive root and AUFS bookkeeping entries. */
export function toEntry(header: TarHeader): LayerEntry | null {
  const type = TYPES[header.typeflag]
  if (!type) return null
  const { path, unsafe } = normalizeEntryPath(header.name)
  if (path === '') return null
  const entry: LayerEntry = {
    path,
    type,
    size: type === 'file' ? header.size : 0,
    mode: header.mode & 0o7777,
    uid: header.uid,
    gid: header.gid,
    uname: header.uname,
    gname: header.gname,
    mtime: header.mtime,
  }
  if (unsafe) entry.unsafe = unsafe
  if (type === 'symlink') entry.linkTarget = header.linkname
  if (type === 'hardlink') {
    const target = normalizeEntryPath(header.linkname)
    entry.linkTarget = target.path
    if (target.unsafe) entry.unsafe = `link target ${target.unsafe}`
  }
  const base = baseName(path)
  if (base.startsWith('.wh.')) {
    const parent = parentPath(path)
    if (base === '.wh..wh..opq') return { ...entry, type: 'opaque', path: parent, size: 0 }
    // Other .wh..wh. names are AUFS bookkeeping (hardlink directories), not deletions.
    if (base.startsWith('.wh..wh.')) return null
    const deleted = base.slice('.wh.'.length)
    return { ...entry, type: 'whiteout', path: parent ? `${parent}/${deleted}` : deleted, size: 0 }
  }
  return entry
}

function toProblem(
  error: unknown,
  tarOffset: number,
  compressedOffset: number,
  compression: ContentsCompression,
): LayerProblem {
  if (error instanceof TarError) {
    return {
      kind: error.kind,
      message: error.message,
      tarOffset: error.offset,
      compressedOffset: compression === 'none' ? error.offset : null,
    }
  }
  const e = error as { code?: unknown; message?: string }
  const message = e.message ?? String(error)
  // Some decoders put a number in `code`; only Node's string codes are recognised below.
  const code = typeof e.code === 'string' ? e.code : undefined
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR') {
    return {
      kind: 'truncated',
      message: `Reading stopped at byte offset ${tarOffset} of the tar stream: ${message}`,
      tarOffset,
      compressedOffset,
    }
  }
  if (
    code?.startsWith('Z_') ||
    code?.startsWith('ERR_ZSTD') ||
    code?.startsWith('ZSTD_') ||
    code === 'ZSTD_FALLBACK_ERROR' ||
    code === 'ERR__ZLIB_INITIALIZATION_FAILED'
  ) {
    const truncated = code === 'Z_BUF_ERROR' || /unexpected (end|EOF)/i.test(message)
    const format = compression === 'gzip' ? 'gzip' : 'zstd'
    return {
      kind: truncated ? 'truncated' : 'corrupt',
      message: truncated
        ? `The ${format} stream ends early, at compressed byte offset ${compressedOffset} (tar byte offset ${tarOffset}): the blob is truncated.`
        : `The ${format} stream is corrupt near compressed byte offset ${compressedOffset} (tar byte offset ${tarOffset}): ${message.replace(/^zstd: /, '')}.`,
      tarOffset,
      compressedOffset,
    }
  }
  throw error
}

function hex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ') || '(none)'
}

function label(compression: string): string {
  return compression === 'none' ? 'a plain tar' : compression
}
