import { once } from 'node:events'
import type { Duplex } from 'node:stream'
import * as zlib from 'node:zlib'
import { Decompress } from 'fzstd'
import type { ContentsCompression } from '../../../shared/models/layer-contents'

/** Which zstd decoder to use: Node's own where it exists (Electron), or the pure-JS fallback. */
export type ZstdPreference = 'auto' | 'native' | 'fallback'

/** Makes a native zstd decompression stream; `zlib.createZstdDecompress` where Node has it. */
export type NativeZstdFactory = () => Duplex

type ZlibWithZstd = typeof zlib & { createZstdDecompress?: (options?: object) => Duplex }

/** Node's zstd decompressor (Node 22.15+, so Electron's Node), or null on older Node. */
export function nativeZstd(): NativeZstdFactory | null {
  const create = (zlib as ZlibWithZstd).createZstdDecompress
  return typeof create === 'function'
    ? () => create({ chunkSize: 1024 * 1024, highWaterMark: 4 * 1024 * 1024 })
    : null
}

/** What the first bytes of a blob say it is: gzip (1f 8b), zstd (28 b5 2f fd), a ustar tar. */
export function sniffCompression(head: Buffer): ContentsCompression | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd'
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'none'
  return null
}

/** A decoder stage, and how many compressed bytes it has consumed so far (for error offsets). */
export interface Decoder {
  /** A stream or an async-generator stage, as stream.pipeline takes them. */
  stage: Duplex | ((source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>)
  consumed(): number
  kind: 'gzip' | 'zstd-native' | 'zstd-fallback' | 'none'
}

/** Builds the decoder for a compression; `native` overrides the detection of Node's zstd. */
export function createDecoder(
  compression: ContentsCompression,
  preference: ZstdPreference = 'auto',
  native: NativeZstdFactory | null = nativeZstd(),
): Decoder {
  if (compression === 'gzip') {
    const stream = zlib.createGunzip({ chunkSize: 64 * 1024 })
    return { stage: stream, consumed: () => stream.bytesWritten, kind: 'gzip' }
  }
  if (compression === 'zstd') {
    if (preference !== 'fallback' && native) {
      const frames = nativeZstdFrames(native)
      return { stage: frames.stage, consumed: frames.consumed, kind: 'zstd-native' }
    }
    if (preference === 'native') {
      throw new Error('This Node has no native zstd (zlib.createZstdDecompress needs Node 22.15+).')
    }
    const fallback = fallbackZstd()
    return { stage: fallback.stage, consumed: fallback.consumed, kind: 'zstd-fallback' }
  }
  let seen = 0
  return {
    stage: async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        seen += chunk.length
        yield chunk
      }
    },
    consumed: () => seen,
    kind: 'none',
  }
}

const START_SLICE = 16 * 1024
const MIN_SLICE = 16
const BURST = 8 * 1024 * 1024

/**
 * zstd in pure JavaScript (fzstd), for Node versions without zlib zstd. It is a generator stage, so
 * the reader pulls output block by block. Input goes in small slices so one push cannot inflate
 * without bound: a run-length block turns 4 bytes into 128 KiB, so where the output bursts the
 * slices shrink, and they grow back once it calms down.
 */
function fallbackZstd() {
  let consumed = 0
  const stage = async function* (source: AsyncIterable<Buffer>) {
    const out: Uint8Array[] = []
    let produced = 0
    const decoder = new Decompress((data) => {
      if (data.length === 0) return
      produced += data.length
      out.push(data)
    })
    // On a decoding error, what the failing push produced before it is still handed on, so the
    // entries read up to the damage stay listed.
    const state: { failure: Error | null } = { failure: null }
    const feed = (piece: Uint8Array, final: boolean) => {
      try {
        decoder.push(piece, final)
      } catch (error) {
        state.failure = zstdError(error)
      }
    }
    let slice = START_SLICE
    for await (const chunk of source) {
      let at = 0
      while (at < chunk.length) {
        const piece = chunk.subarray(at, at + slice)
        produced = 0
        feed(piece, false)
        while (out.length > 0) {
          const data = out.shift()!
          yield Buffer.from(data.buffer, data.byteOffset, data.byteLength)
        }
        if (state.failure) throw state.failure
        at += piece.length
        consumed += piece.length
        if (produced > BURST) slice = Math.max(MIN_SLICE, slice >> 3)
        else if (produced < BURST / 8 && slice < START_SLICE) slice <<= 1
      }
    }
    feed(new Uint8Array(0), true)
    for (const data of out) yield Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    if (state.failure) throw state.failure
  }
  return { stage, consumed: () => consumed }
}

function zstdError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error)
  return Object.assign(new Error(`zstd: ${message}`), { code: 'ZSTD_FALLBACK_ERROR' })
}

/**
 * Node's zstd stream stops at the end of the first frame and drops the rest, but layers may hold
 * many frames (parallel compressors, zstd:chunked). So the stream is split at frame boundaries,
 * found by hopping from block header to block header without decoding or copying, and each frame
 * gets its own native decoder. A frame's bytes go to its decoder as the largest slices of the
 * incoming chunks that belong to it, so a single-frame layer passes through chunk for chunk.
 * Skippable frames are skipped; bytes that are not a frame go to a decoder to fail on.
 */
function nativeZstdFrames(native: NativeZstdFactory) {
  let consumed = 0
  const stage = async function* (source: AsyncIterable<Buffer>) {
    const input = new FrameSplitter(source[Symbol.asyncIterator]())
    for (;;) {
      const magic = await input.peek(4)
      if (magic.length === 0) return
      const start = input.position
      const value = magic.length === 4 ? magic.readUInt32LE(0) : 0
      if (magic.length === 4 && (value & 0xfffffff0) === 0x184d2a50) {
        for await (const piece of input.take(new FrameScanner(SKIPPABLE))) void piece
        consumed = input.position
        continue
      }
      const decoder = native() as Duplex & { bytesWritten?: number }
      // Fewer than four bytes that begin like a frame are the start of a truncated one.
      const frame = magic.equals(ZSTD_MAGIC.subarray(0, magic.length))
      const scanner = new FrameScanner(frame ? FRAME : REST)
      const feed = (async () => {
        try {
          for await (const piece of input.take(scanner)) {
            if (!decoder.write(piece)) await once(decoder, 'drain')
          }
        } finally {
          decoder.end()
        }
      })()
      feed.catch(() => undefined)
      try {
        for await (const chunk of decoder as AsyncIterable<Buffer>) {
          consumed = start + (decoder.bytesWritten ?? 0)
          yield chunk
        }
      } catch (error) {
        consumed = start + (decoder.bytesWritten ?? 0)
        throw error
      }
      await feed
      consumed = input.position
      // Node's decoder ends quietly on a frame cut short; the headers show it was.
      if (frame && !scanner.done) {
        throw Object.assign(new Error('zstd: unexpected end of data'), { code: 'ZSTD_TRUNCATED' })
      }
    }
  }
  return { stage, consumed: () => consumed }
}

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd])

// What a FrameScanner walks through: a zstd frame, a skippable frame, or everything that is left.
const FRAME = 0
const SKIPPABLE = 1
const REST = 2
// Its steps: reading the magic and frame header descriptor (5 bytes), a block header (3 bytes),
// a skippable frame's header (8 bytes); or done once the bytes to skip are behind it.
const DESCRIPTOR = 0
const BLOCK = 1
const SKIP_HEADER = 2
const END = 3
const HEADER_BYTES = [5, 3, 8, 0]

/**
 * Finds where one frame ends, chunk by chunk, reading only its headers: the frame header says how
 * long the rest of the header is, and each 3-byte block header gives the size of its block, so
 * whole blocks are stepped over by count. Headers may straddle chunks; their bytes are kept here.
 */
class FrameScanner {
  done = false
  private step: number
  private readonly header = new Uint8Array(8)
  private have = 0
  private skip = 0
  private checksum = 0

  constructor(private readonly kind: number) {
    this.step = kind === SKIPPABLE ? SKIP_HEADER : DESCRIPTOR
  }

  /** Walks `buffer` from `at`; returns where the frame ends in it, or its length if it goes on. */
  scan(buffer: Buffer, at: number): number {
    if (this.kind === REST) return buffer.length
    let i = at
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buffer.length - i)
        i += n
        this.skip -= n
        if (this.skip > 0) return i
      }
      if (this.step === END) {
        this.done = true
        return i
      }
      if (i >= buffer.length) return i
      this.header[this.have++] = buffer[i++]!
      if (this.have === HEADER_BYTES[this.step]) this.parse()
    }
  }

  private parse(): void {
    const h = this.header
    this.have = 0
    if (this.step === DESCRIPTOR) {
      const fhd = h[4]!
      const singleSegment = (fhd >> 5) & 1
      this.checksum = (fhd >> 2) & 1 ? 4 : 0
      this.skip =
        (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + [singleSegment, 2, 4, 8][fhd >> 6]!
      this.step = BLOCK
    } else if (this.step === BLOCK) {
      const header = h[0]! | (h[1]! << 8) | (h[2]! << 16)
      const last = header & 1
      this.skip = (((header >> 1) & 3) === 1 ? 1 : header >>> 3) + (last ? this.checksum : 0)
      if (last) this.step = END
    } else {
      this.skip = (h[4]! | (h[5]! << 8) | (h[6]! << 16) | (h[7]! << 24)) >>> 0
      this.step = END
    }
  }
}

const EMPTY = Buffer.alloc(0)

/**
 * Hands out an async byte source frame by frame, as slices of the chunks it arrives in. Only a
 * frame's first bytes, when they straddle two chunks, are ever copied.
 */
class FrameSplitter {
  position = 0
  private chunk: Buffer = EMPTY
  private at = 0
  /** The first bytes of the next frame, when they began at the end of a chunk. */
  private held: Buffer = EMPTY
  private ended = false

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async pull(): Promise<boolean> {
    if (this.ended) return false
    const next = await this.source.next()
    if (next.done) {
      this.ended = true
      return false
    }
    this.chunk = next.value
    this.at = 0
    return true
  }

  /** Up to `size` bytes, without consuming them. */
  async peek(size: number): Promise<Buffer> {
    while (this.held.length + this.chunk.length - this.at < size) {
      if (this.at < this.chunk.length) {
        this.held = Buffer.concat([this.held, this.chunk.subarray(this.at)])
        this.chunk = EMPTY
        this.at = 0
      }
      if (!(await this.pull())) break
    }
    if (this.held.length === 0) return this.chunk.subarray(this.at, this.at + size)
    return Buffer.concat([
      this.held,
      this.chunk.subarray(this.at, this.at + size - this.held.length),
    ])
  }

  /** The bytes up to where `scanner` says its frame ends (or the source does), slice by slice. */
  async *take(scanner: FrameScanner): AsyncGenerator<Buffer> {
    if (this.held.length > 0) {
      const held = this.held
      const end = scanner.scan(held, 0)
      this.held = held.subarray(end)
      this.position += end
      if (end > 0) yield held.subarray(0, end)
      if (scanner.done) return
    }
    for (;;) {
      if (this.at >= this.chunk.length && !(await this.pull())) return
      const from = this.at
      const end = scanner.scan(this.chunk, from)
      this.at = end
      this.position += end - from
      if (end > from) yield this.chunk.subarray(from, end)
      if (scanner.done) return
    }
  }
}
