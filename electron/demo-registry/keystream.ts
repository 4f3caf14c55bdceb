import { createCipheriv, createHash } from 'node:crypto'

/** The size of the pieces synthetic bodies are generated in: small enough to keep memory flat. */
export const KEYSTREAM_CHUNK = 256 * 1024

const AES_BLOCK = 16

// AES-256-CTR over zeros is a seekable, hardware-accelerated PRNG (~1 GB/s): any byte range of a
// huge synthetic blob can be produced on demand without storing it.
function cipherAt(seed: string, offset: number): ReturnType<typeof createCipheriv> {
  const key = createHash('sha256').update(`key:${seed}`).digest()
  const iv = createHash('sha256').update(`iv:${seed}`).digest().subarray(0, AES_BLOCK)
  const counter =
    (BigInt(`0x${iv.toString('hex')}`) + BigInt(Math.floor(offset / AES_BLOCK))) % (1n << 128n)
  const start = Buffer.from(counter.toString(16).padStart(32, '0'), 'hex')
  return createCipheriv('aes-256-ctr', key, start)
}

/** Yields bytes [start, end) of the deterministic stream named by `seed`, chunk by chunk. */
export function* keystream(
  seed: string,
  start: number,
  end: number,
  chunkSize: number = KEYSTREAM_CHUNK,
): Generator<Buffer> {
  if (end <= start) return
  const cipher = cipherAt(seed, start)
  const zeros = Buffer.alloc(chunkSize)
  // The counter starts at the block holding `start`; drop the bytes before it in that block.
  let skip = start % AES_BLOCK
  let position = start
  while (position < end) {
    const want = Math.min(chunkSize, end - position + skip)
    const out = cipher.update(zeros.subarray(0, want))
    const piece = skip > 0 ? out.subarray(skip) : out
    skip = 0
    position += piece.length
    yield piece
  }
}

/** The first `size` bytes of the deterministic stream named by `seed`, in one buffer. */
export function deterministicBytes(seed: string, size: number): Buffer {
  return Buffer.concat([...keystream(seed, 0, size)])
}
