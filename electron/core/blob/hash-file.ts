import { createReadStream } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { startDigest } from '../services/digest'

/** How a file compared with a digest. */
export interface FileHash {
  /** Bytes read. */
  size: number
  /** The file's digest, in the algorithm of the one it was checked against. */
  actualDigest: string
  matches: boolean
}

/** Progress and abort for hashing a file. */
export interface HashFileOptions {
  /** Called with the bytes read so far, after each read. */
  onBytes?: (read: number) => void
  signal?: AbortSignal
}

// 1 MiB reads hash twice as fast as the stream's 64 KiB default.
const READ_SIZE = 1024 * 1024

/**
 * Hashes a file as a stream with the algorithm of `digest` and says whether it matches; the one
 * way the app checks a file it did not just write. Throws for a digest it cannot check, for a file
 * that cannot be read, and with the signal's reason when aborted.
 */
export async function hashFile(
  path: string,
  digest: string,
  options: HashFileOptions = {},
): Promise<FileHash> {
  const check = startDigest(digest)
  const size = await hashInto(check.hash, path, options)
  const hex = check.hash.digest('hex')
  return { size, actualDigest: `${check.algorithm}:${hex}`, matches: hex === check.hex }
}

/**
 * Feeds a file's bytes (its first `length` when given) into `hash`; returns how many it read. A
 * handle is read as it is and left open: what is hashed is the file that was checked and opened.
 */
export async function hashInto(
  hash: { update(bytes: Buffer): unknown; drained?: () => Promise<void> },
  path: string | FileHandle,
  options: HashFileOptions & { length?: number } = {},
): Promise<number> {
  const { signal, onBytes, length } = options
  signal?.throwIfAborted()
  if (length === 0) return 0
  const range = {
    highWaterMark: READ_SIZE,
    ...(length !== undefined ? { start: 0, end: length - 1 } : {}),
  }
  const stream =
    typeof path === 'string'
      ? createReadStream(path, range)
      : path.createReadStream({ ...range, autoClose: false })
  const onAbort = () => stream.destroy()
  signal?.addEventListener('abort', onAbort, { once: true })
  let read = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // A hash that says false (one hashing on another thread) is let catch up first.
      if (hash.update(chunk) === false) await hash.drained?.()
      read += chunk.length
      onBytes?.(read)
    }
  } catch (error) {
    signal?.throwIfAborted()
    throw error
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  signal?.throwIfAborted()
  return read
}
