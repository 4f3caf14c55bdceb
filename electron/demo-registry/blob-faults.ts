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

/** A queued fault: applies to the next `times` (default 1) blob GETs, optionally for one digest. */
export type BlobFaultSpec = BlobFault & { readonly times?: number; readonly digest?: string }

interface Pending {
  fault: BlobFault
  digest: string | undefined
  remaining: number
}

/** A FIFO of blob faults; each matching GET consumes one use of the first matching entry. */
export class BlobFaultQueue {
  private readonly queue: Pending[] = []

  /** Queues a fault after checking its numbers make sense. */
  inject(spec: BlobFaultSpec): void {
    const { times = 1, digest, ...fault } = spec
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`Blob fault times must be a positive integer, got ${times}`)
    }
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
    this.queue.push({ fault: fault, digest, remaining: times })
  }

  /** Consumes the fault for a GET of `digest`, if one is pending. */
  take(digest: string): BlobFault | undefined {
    const index = this.queue.findIndex((p) => p.digest === undefined || p.digest === digest)
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

  /** How many faulted GETs are still queued. */
  pending(): number {
    return this.queue.reduce((sum, p) => sum + p.remaining, 0)
  }
}
