import type { BodySink } from '../services/blob-http'
import type { SharedHash, Verifier } from './verifier'

export type { SharedHash } from './verifier'

/**
 * Where a verified blob goes: a partial file (downloads, the blob cache), memory with a cap
 * (config blobs, small JSON), a tar reader. The pipeline feeds each body's bytes through the
 * verifier into a writer, restarts the sink when a server will not resume, and commits it once
 * size and digest match.
 */
export interface BlobSink<R> {
  /**
   * Hashes the bytes the sink already holds (a partial file left by an earlier run) into the
   * verifier, and returns how many: where the first request starts.
   */
  resume(
    verifier: Verifier,
    options: { signal: AbortSignal; onBytes: (n: number) => void },
  ): Promise<number>
  /**
   * A writer for one body, appending at the sink's end. Given `hash`, a writer that keeps its
   * bytes in shared memory may hash them itself, in place (it says so with `hashes`); the caller
   * then only counts them.
   */
  writer(onAccepted: (position: number) => void, options?: { hash?: SharedHash | null }): SinkWriter
  /** Drops every byte: the blob starts again from its first byte. */
  restart(): Promise<void>
  /** The blob is verified: make it last, and hand over what the sink holds. */
  commit(): Promise<R>
  /** Releases what the sink opened, however the fetch ended. */
  close(): Promise<void>
}

/** Takes one body's bytes. */
export interface SinkWriter extends BodySink {
  /** True when this writer hashes what it takes through the `hash` it was given. */
  readonly hashes?: boolean
  /** Bytes stored so far, this body's and earlier ones'. */
  readonly position: number
  /** Stores everything taken so far; rejects with a catalog error when storing failed. */
  settle(): Promise<void>
  /** Drops what is not stored yet (the fetch was cancelled or failed for good). */
  abandon(): Promise<void>
}
