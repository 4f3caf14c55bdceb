/** The errors a test can make the registry answer with. */
export type FaultError = 'ThrottlingException' | 'ServerException'

/** One queued fault: the next `times` requests for `operation` (or any operation) fail. */
export interface FaultSpec {
  operation?: string
  error: FaultError
  times: number
}

/** A FIFO of injected faults; each matching request consumes one use of the first matching entry. */
export class FaultInjector {
  private readonly queue: FaultSpec[] = []

  /** Queues a fault for the next `times` matching requests. */
  inject(spec: FaultSpec): void {
    if (!Number.isInteger(spec.times) || spec.times < 1) {
      throw new RangeError(`Fault times must be a positive integer, got ${spec.times}`)
    }
    this.queue.push({ ...spec })
  }

  /** Consumes and returns the fault for this request, if one is pending. */
  take(operation: string): FaultError | undefined {
    const index = this.queue.findIndex(
      (f) => f.operation === undefined || f.operation === operation,
    )
    const fault = this.queue[index]
    if (!fault) return undefined
    fault.times -= 1
    if (fault.times === 0) this.queue.splice(index, 1)
    return fault.error
  }

  /** Drops every pending fault. */
  clear(): void {
    this.queue.length = 0
  }

  /** How many faulted responses are still queued. */
  pending(): number {
    return this.queue.reduce((sum, f) => sum + f.times, 0)
  }
}
