/** The errors a test can make the registry's API answer with. */
export type FaultError = 'ThrottlingException' | 'ServerException'

/** One queued API fault: the next `times` requests for `operation` (or any operation) fail. */
export interface FaultSpec {
  operation?: string
  error: FaultError
  times: number
}

/** A misbehaviour of the pre-signed blob endpoint, for download code to survive. */
export type BlobFault =
  /** Sends `afterBytes` body bytes, then resets the TCP connection (RST). */
  | { readonly kind: 'reset'; readonly afterBytes: number }
  /** Flips every bit of the byte at blob offset `offset` if the response covers it. */
  | { readonly kind: 'corrupt'; readonly offset: number }
  /** Sends `afterBytes` body bytes, then closes the connection cleanly short of Content-Length. */
  | { readonly kind: 'truncate'; readonly afterBytes: number }
  /** Answers 500 InternalError or 503 SlowDown with S3's XML instead of the blob. */
  | { readonly kind: 'status'; readonly status: 500 | 503 }
  /** Answers 503 SlowDown, S3's throttling answer. */
  | { readonly kind: 'throttle' }
  /** Caps the body at `bytesPerSecond` (a token bucket on real time). */
  | { readonly kind: 'slow'; readonly bytesPerSecond: number }
  /**
   * Answers a Range request with 206 for a range starting at `startAt` instead of the one asked for,
   * and says so in Content-Range (default: 0, or 1 when the request itself started at 0).
   */
  | { readonly kind: 'wrong-content-range'; readonly startAt?: number }
  /** Answers a Range request with 200 and the whole body, as a server without range support does. */
  | { readonly kind: 'ignore-range' }
  /** Answers as if the URL had expired, whatever the clock says. */
  | { readonly kind: 'expired' }

/** A queued blob fault: applies to the next `times` (default 1) blob GETs, optionally for one digest. */
export type BlobFaultSpec = BlobFault & { readonly times?: number; readonly digest?: string }

interface Pending<F> {
  readonly fault: F
  /** The request this fault is for (an operation name, a digest); undefined matches any. */
  readonly key: string | undefined
  remaining: number
}

/**
 * A FIFO of injected faults of one kind (API errors, blob misbehaviours); each matching request
 * consumes one use of the first entry whose key is its own or unset.
 */
export class FaultQueue<F> {
  private readonly queue: Pending<F>[] = []

  /** Queues `fault` for the next `times` requests matching `key` (any request when unset). */
  inject(fault: F, times: number, key?: string): void {
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`Fault times must be a positive integer, got ${times}`)
    }
    this.queue.push({ fault, key, remaining: times })
  }

  /** Consumes and returns the fault for a request for `key`, if one is pending. */
  take(key: string): F | undefined {
    const index = this.queue.findIndex((p) => p.key === undefined || p.key === key)
    const pending = this.queue[index]
    if (!pending) return undefined
    pending.remaining -= 1
    if (pending.remaining === 0) this.queue.splice(index, 1)
    return pending.fault
  }

  /** Drops every pending fault. */
  clear(): void {
    this.queue.length = 0
  }

  /** How many faulted requests are still queued. */
  pending(): number {
    return this.queue.reduce((sum, p) => sum + p.remaining, 0)
  }
}

/** Splits a blob fault spec into the fault, its count and its digest, after checking its numbers. */
export function parseBlobFault(spec: BlobFaultSpec): {
  fault: BlobFault
  times: number
  digest: string | undefined
} {
  const { times = 1, digest, ...fault } = spec
  const amount =
    fault.kind === 'reset' || fault.kind === 'truncate'
      ? fault.afterBytes
      : fault.kind === 'corrupt'
        ? fault.offset
        : fault.kind === 'slow'
          ? fault.bytesPerSecond
          : 0
  if (!Number.isInteger(amount) || amount < 0 || (fault.kind === 'slow' && amount < 1)) {
    throw new RangeError(`Blob fault ${fault.kind} needs a non-negative integer, got ${amount}`)
  }
  return { fault, times, digest }
}
