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
 * found from the frame and block headers without decoding, and each frame gets its own native
 * decoder. Skippable frames are skipped; bytes that are not a frame go to a decoder to fail on.
 */
function nativeZstdFrames(native: NativeZstdFactory) {
  let consumed = 0
  const stage = async function* (source: AsyncIterable<Buffer>) {
    const cursor = new ByteCursor(source[Symbol.asyncIterator]())
    for (;;) {
      const magic = await cursor.peek(4)
      if (magic.length === 0) return
      const start = cursor.position
      const value = magic.length === 4 ? magic.readUInt32LE(0) : 0
      if (magic.length === 4 && (value & 0xfffffff0) === 0x184d2a50) {
        const head = await cursor.take(8)
        if (head.length === 8) await cursor.skip(head.readUInt32LE(4))
        consumed = cursor.position
        continue
      }
      const decoder = native() as Duplex & { bytesWritten?: number }
      const feed = (async () => {
        try {
          for await (const piece of frameBytes(cursor, value === 0xfd2fb528)) {
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
      consumed = cursor.position
    }
  }
  return { stage, consumed: () => consumed }
}

// The bytes of one zstd frame (or everything left, when it is not a frame).
async function* frameBytes(cursor: ByteCursor, isFrame: boolean): AsyncGenerator<Buffer> {
  if (!isFrame) {
    yield* cursor.rest()
    return
  }
  const fixed = await cursor.take(5)
  yield fixed
  if (fixed.length < 5) return
  const fhd = fixed[4]!
  const singleSegment = (fhd >> 5) & 1
  const headerRest =
    (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6]!
  yield await cursor.take(headerRest)
  for (;;) {
    const block = await cursor.take(3)
    yield block
    if (block.length < 3) return
    const header = block[0]! | (block[1]! << 8) | (block[2]! << 16)
    const type = (header >> 1) & 3
    const size = type === 1 ? 1 : header >>> 3
    yield* cursor.pieces(size)
    if (header & 1) break
  }
  if ((fhd >> 2) & 1) yield await cursor.take(4)
}

/** Reads an async byte source in exact amounts, without copying more than a header's bytes. */
class ByteCursor {
  position = 0
  private buffer: Buffer = Buffer.alloc(0)
  private ended = false

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(size: number): Promise<void> {
    while (this.buffer.length < size && !this.ended) {
      const next = await this.source.next()
      if (next.done) this.ended = true
      else
        this.buffer =
          this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value])
    }
  }

  /** Up to `size` bytes, without consuming them. */
  async peek(size: number): Promise<Buffer> {
    await this.fill(size)
    return this.buffer.subarray(0, size)
  }

  /** Exactly `size` bytes (fewer at the end of the source). */
  async take(size: number): Promise<Buffer> {
    await this.fill(size)
    const out = this.buffer.subarray(0, size)
    this.buffer = this.buffer.subarray(out.length)
    this.position += out.length
    return out
  }

  /** `size` bytes as they arrive, chunk by chunk. */
  async *pieces(size: number): AsyncGenerator<Buffer> {
    let left = size
    while (left > 0) {
      await this.fill(1)
      if (this.buffer.length === 0) return
      const out = this.buffer.subarray(0, left)
      this.buffer = this.buffer.subarray(out.length)
      this.position += out.length
      left -= out.length
      yield out
    }
  }

  async skip(size: number): Promise<void> {
    for await (const piece of this.pieces(size)) void piece
  }

  /** Everything that is left. */
  async *rest(): AsyncGenerator<Buffer> {
    for (;;) {
      await this.fill(1)
      if (this.buffer.length === 0) return
      const out = this.buffer
      this.buffer = Buffer.alloc(0)
      this.position += out.length
      yield out
    }
  }
}
