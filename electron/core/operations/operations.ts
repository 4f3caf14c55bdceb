import { randomUUID } from 'node:crypto'
import { AppErrorException } from '../../../shared/ipc/result'
import type { HandlersOf } from '../ipc/handlers'
import type { Platform } from '../platform/platform'

/** How an operation ended. */
export type EndPhase = 'done' | 'failed' | 'cancelled'

/** The fields every progress event has. */
export interface ProgressBase {
  operationId: string
  phase: string
}

/** What the runtime tells a kind when it prepares an event. */
export interface ReportContext {
  /** The phase differs from the last event's. */
  phaseChanged: boolean
  /** Bytes per second over the last few seconds, from the kind's `amount`. */
  bytesPerSecond: number
}

/**
 * One kind of long operation (a download, a file check, layer contents): how its progress goes
 * out and whether it counts toward the overall taskbar progress and the batch notification.
 */
export interface OperationKind<P extends ProgressBase> {
  /** Sends one progress event to the renderer. */
  emit(progress: P): void
  /** Bytes done and expected, for the rate and the overall progress; omit to stay out of both. */
  amount?(progress: P): { done: number; total: number | null }
  /** Adjusts an event just before it goes out (a rate, an ETA, counters a new phase resets). */
  prepare?(progress: P, context: ReportContext): P
  /** When the last operation of this kind ends: what the batch's notification says, or null. */
  summary?(tally: Readonly<Record<string, number>>): { title: string; body: string } | null
}

/** A running operation, as its task body sees it. */
export interface Operation<P extends ProgressBase> {
  readonly id: string
  readonly signal: AbortSignal
  /** The progress as it stands (patched by update and report). */
  readonly progress: P
  /** Patches the progress without sending it. */
  update(patch: Partial<P>): void
  /**
   * Patches the progress and sends it: at once when the phase changes or `force` is set, else at
   * most once per interval.
   */
  report(patch?: Partial<P>, force?: boolean): void
  /** Counts one outcome toward the kind's summary ('failed' is counted by the runtime). */
  tally(outcome: string): void
}

/** What the runtime is built from. */
export interface OperationsDeps {
  /** Where overall progress and notifications go; without one (tests) they go nowhere. */
  platform?: Pick<Platform, 'setProgress' | 'notify'>
  now?: () => number
  /** The shortest time between two byte-count events of one operation. */
  intervalMs?: number
}

/** The queue layer downloads and the blobs of image exports share (see Operations.slot). */
export const TRANSFERS = 'transfers'

/** Byte-count events go out at most this often per operation; phase changes always do. */
export const PROGRESS_INTERVAL_MS = 100

interface Entry {
  kind: OperationKind<ProgressBase>
  controller: AbortController
  progress: ProgressBase
  lastEmit: number
  rate: RateMeter
}

/**
 * The one runtime for long work (Podman Desktop's tasks/progress-impl.ts and its cancellation
 * registry): ids, the registry, throttled progress, the end phases, cancellation, keyed locks, the
 * overall taskbar progress and the batch notification. Services write task bodies for it.
 */
export class Operations {
  private readonly entries = new Map<string, Entry>()
  private readonly locks = new Map<string, Promise<unknown>>()
  private readonly tallies = new Map<object, Record<string, number>>()
  private readonly queues = new Map<string, { running: number; waiting: (() => void)[] }>()
  private readonly now: () => number
  private readonly intervalMs: number
  private showingProgress = false

  constructor(private readonly deps: OperationsDeps = {}) {
    this.now = deps.now ?? (() => performance.now())
    this.intervalMs = deps.intervalMs ?? PROGRESS_INTERVAL_MS
  }

  /**
   * Runs `task` as an operation of `kind`, under the renderer's id or a fresh one. The first event
   * goes out at once; the last is `done`, `failed` or `cancelled`. A cancelled task rejects with
   * the catalog's Cancelled, whatever it threw.
   */
  async run<P extends ProgressBase, T>(
    kind: OperationKind<P>,
    start: { id?: string; progress: Omit<P, 'operationId'> },
    task: (operation: Operation<P>) => Promise<T>,
  ): Promise<T> {
    const id = start.id ?? randomUUID()
    if (this.entries.has(id)) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'operationId',
        message: 'an operation with this ID is already running',
      })
    }
    const entry: Entry = {
      kind: kind,
      controller: new AbortController(),
      progress: { ...start.progress, operationId: id },
      lastEmit: -Infinity,
      rate: new RateMeter(this.now),
    }
    this.entries.set(id, entry)
    const operation: Operation<P> = {
      id,
      signal: entry.controller.signal,
      get progress() {
        return entry.progress as P
      },
      update: (patch) => {
        entry.progress = { ...entry.progress, ...patch }
      },
      report: (patch = {}, force = false) => this.report(entry, patch, force),
      tally: (outcome) => this.tally(kind, outcome),
    }
    this.report(entry, {}, true)
    try {
      const result = await task(operation)
      this.report(entry, { phase: 'done' }, true)
      return result
    } catch (error) {
      if (entry.controller.signal.aborted) {
        this.report(entry, { phase: 'cancelled' }, true)
        throw cancelledError()
      }
      this.report(entry, { phase: 'failed' }, true)
      this.tally(kind, 'failed')
      throw error
    } finally {
      this.entries.delete(id)
      this.updateOverall()
      this.endBatch(kind)
    }
  }

  /** How many operations of one kind are running. */
  running(kind: object): number {
    let count = 0
    for (const entry of this.entries.values()) if (entry.kind === kind) count++
    return count
  }

  /** Aborts an operation at once, whatever its kind; false when no such operation is running. */
  cancel(operationId: string): { cancelled: boolean } {
    const entry = this.entries.get(operationId)
    entry?.controller.abort(cancelledError())
    return { cancelled: entry !== undefined }
  }

  /** The `operations:` channel: cancel any download, file check, contents read or export. */
  handlers(): HandlersOf<'operations'> {
    return {
      'operations:cancel': ({ operationId }) => Promise.resolve(this.cancel(operationId)),
    }
  }

  /** Runs tasks with the same key one after the other (a failure does not stop the next). */
  async lock<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve()
    const mine = previous.catch(() => undefined).then(task)
    this.locks.set(key, mine)
    try {
      return await mine
    } finally {
      if (this.locks.get(key) === mine) this.locks.delete(key)
    }
  }

  /**
   * Waits for one of `limit` slots of the named queue and returns its release (call it once).
   * Work of different kinds that shares a limit shares the queue: layer downloads and the blobs
   * of an image export both take a slot of 'transfers' under the download concurrency setting, so
   * started together they never have more than the limit in flight. Waiters go first come, first
   * served; an aborted waiter leaves the queue.
   */
  async slot(name: string, limit: number, signal: AbortSignal): Promise<() => void> {
    let queue = this.queues.get(name)
    if (!queue) {
      queue = { running: 0, waiting: [] }
      this.queues.set(name, queue)
    }
    const q = queue
    signal.throwIfAborted()
    if (q.running < Math.max(1, limit)) {
      q.running++
    } else {
      // A release hands its slot straight to the first waiter: the count never dips in between.
      await new Promise<void>((resolveSlot, reject) => {
        const onAbort = () => {
          const index = q.waiting.indexOf(wake)
          if (index >= 0) q.waiting.splice(index, 1)
          reject(signal.reason as Error)
        }
        const wake = () => {
          signal.removeEventListener('abort', onAbort)
          resolveSlot()
        }
        q.waiting.push(wake)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = q.waiting.shift()
      if (next) next()
      else q.running--
    }
  }

  /** How many slots of the named queue are taken. */
  slotsTaken(name: string): number {
    return this.queues.get(name)?.running ?? 0
  }

  /** How many operations are running. */
  get size(): number {
    return this.entries.size
  }

  private report(entry: Entry, patch: Partial<ProgressBase>, force: boolean): void {
    const previous = entry.progress
    const next = { ...previous, ...patch }
    const phaseChanged = next.phase !== previous.phase
    const amount = entry.kind.amount?.(next)
    if (amount) entry.rate.sample(amount.done)
    entry.progress = next
    const now = this.now()
    if (!force && !phaseChanged && now - entry.lastEmit < this.intervalMs) return
    entry.lastEmit = now
    entry.progress =
      entry.kind.prepare?.(next, { phaseChanged, bytesPerSecond: entry.rate.perSecond() }) ?? next
    entry.kind.emit(entry.progress)
    this.updateOverall()
  }

  // The taskbar shows the bytes of every operation whose kind has an amount, as one fraction.
  private updateOverall(): void {
    let done = 0
    let total = 0
    let counted = 0
    for (const entry of this.entries.values()) {
      const amount = entry.kind.amount?.(entry.progress)
      if (!amount) continue
      counted++
      done += amount.done
      total += amount.total ?? 0
    }
    if (counted > 0) {
      this.showingProgress = true
      this.deps.platform?.setProgress(total > 0 ? done / total : 0)
    } else if (this.showingProgress) {
      this.showingProgress = false
      this.deps.platform?.setProgress(null)
    }
  }

  private tally(kind: { summary?: unknown }, outcome: string): void {
    if (!kind.summary) return
    const tally = this.tallies.get(kind) ?? {}
    tally[outcome] = (tally[outcome] ?? 0) + 1
    this.tallies.set(kind, tally)
  }

  // The batch ends when the last operation of its kind does; its notification goes out then.
  private endBatch<P extends ProgressBase>(kind: OperationKind<P>): void {
    for (const entry of this.entries.values()) if (entry.kind === kind) return
    const tally = this.tallies.get(kind)
    if (!tally || !kind.summary) return
    this.tallies.delete(kind)
    const note = kind.summary(tally)
    if (note) this.deps.platform?.notify(note.title, note.body)
  }
}

function cancelledError(): AppErrorException {
  return new AppErrorException({ code: 'Cancelled', message: 'The operation was cancelled.' })
}

/** Bytes per second over the last few seconds. */
export class RateMeter {
  private samples: { at: number; bytes: number }[] = []

  constructor(private readonly now: () => number) {}

  sample(bytes: number): void {
    const at = this.now()
    this.samples.push({ at, bytes })
    while (this.samples.length > 2 && at - this.samples[0]!.at > 3_000) this.samples.shift()
  }

  perSecond(): number {
    const first = this.samples[0]
    const last = this.samples.at(-1)
    if (!first || !last || last.at <= first.at) return 0
    return Math.round(((last.bytes - first.bytes) * 1000) / (last.at - first.at))
  }
}
