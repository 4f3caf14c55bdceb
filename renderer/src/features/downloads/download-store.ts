import type { AppError } from '../../../../shared/ipc/result'
import type {
  DownloadProgress,
  DownloadResult,
  OnExisting,
} from '../../../../shared/models/download'

/** A blob the user asked to save. */
export interface BlobTarget {
  registryId?: string
  repositoryName: string
  digest: string
  mediaType: string
  size: number | null
  /** What the blob is to the user, such as "layer 3" or "config"; null when unknown. */
  role: string | null
  /** A leftover `.partial` file of an earlier run to continue, at the name it belongs to. */
  resumePartial?: string
  /** The image the blob was opened from, when known: an archived image's error names it. */
  imageDigest?: string
}

/** Where one download stands, as the panel shows it. */
export type DownloadState =
  | { kind: 'active' }
  /** A different file has the name; the user is asked what to do. */
  | { kind: 'conflict'; path: string }
  /** downloaded, already-verified, skipped or cancelled. */
  | { kind: 'finished'; result: DownloadResult }
  | { kind: 'failed'; error: AppError }

/** One row of the downloads panel. */
export interface DownloadEntry {
  /** Stable for the row's life, whatever operations it takes. */
  id: string
  /** The operation under way (a conflict's answer runs as a new operation). */
  operationId: string
  target: BlobTarget
  onExisting: OnExisting
  state: DownloadState
  /** The latest `downloads:progress` of the current operation; null before the first. */
  progress: DownloadProgress | null
}

/** How the store schedules its coalesced notifications (replaced in tests). */
export interface Timer {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const realTimer: Timer = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** The panel re-renders at most this often for byte counts alone. */
export const NOTIFY_INTERVAL_MS = 100

/**
 * The downloads of this window, keyed by operationId, fed by `downloads:progress` events and the
 * download mutations' outcomes. Main sends up to 10 events a second per download; with several at
 * once the panel would re-render for each, so byte-count updates are coalesced to one render per
 * NOTIFY_INTERVAL_MS. Phase changes and outcomes are shown at once.
 */
export class DownloadStore {
  private entries: readonly DownloadEntry[] = []
  private snapshot: readonly DownloadEntry[] = []
  private readonly listeners = new Set<() => void>()
  private lastNotify = -Infinity
  private pending: unknown = null

  constructor(private readonly timer: Timer = realTimer) {}

  /** Starts a row for a new operation. */
  add(id: string, target: BlobTarget, onExisting: OnExisting): DownloadEntry {
    const entry: DownloadEntry = {
      id,
      operationId: id,
      target,
      onExisting,
      state: { kind: 'active' },
      progress: null,
    }
    this.entries = [...this.entries, entry]
    this.notify(true)
    return entry
  }

  /**
   * Runs a row again as a new operation (a conflict's answer, or Retry after a failure), with its
   * target changed when given.
   */
  reissue(
    id: string,
    operationId: string,
    onExisting: OnExisting,
    target?: BlobTarget,
  ): DownloadEntry | undefined {
    this.update(id, (entry) => ({
      ...entry,
      operationId,
      onExisting,
      target: target ?? entry.target,
      state: { kind: 'active' },
      progress: null,
    }))
    return this.get(id)
  }

  /** Applies a `downloads:progress` event to the row running that operation, if any. */
  progress(progress: DownloadProgress): void {
    const entry = this.entries.find((e) => e.operationId === progress.operationId)
    // Late events of an operation that has already ended change nothing.
    if (!entry || entry.state.kind !== 'active') return
    const phaseChanged = entry.progress?.phase !== progress.phase
    this.update(entry.id, (e) => ({ ...e, progress }), phaseChanged)
  }

  /** Records how an operation ended (ignored when its row has moved on to another). */
  finish(operationId: string, result: DownloadResult): void {
    this.update(this.byOperation(operationId), (entry) =>
      result.status === 'conflict'
        ? { ...entry, state: { kind: 'conflict', path: result.path } }
        : { ...entry, state: { kind: 'finished', result } },
    )
  }

  /** Records a failure, to show through the error catalog. */
  fail(operationId: string, error: AppError): void {
    this.update(this.byOperation(operationId), (entry) => ({
      ...entry,
      state: { kind: 'failed', error },
    }))
  }

  /** Removes the rows that have ended. */
  clearFinished(): void {
    this.entries = this.entries.filter(
      (e) => e.state.kind === 'active' || e.state.kind === 'conflict',
    )
    this.notify(true)
  }

  /** One row by its id. */
  get(id: string): DownloadEntry | undefined {
    return this.entries.find((e) => e.id === id)
  }

  private byOperation(operationId: string): string | undefined {
    return this.entries.find((e) => e.operationId === operationId)?.id
  }

  /** For useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** For useSyncExternalStore: the same array until the next notification. */
  getSnapshot = (): readonly DownloadEntry[] => this.snapshot

  private update(
    id: string | undefined,
    change: (entry: DownloadEntry) => DownloadEntry,
    now = true,
  ): void {
    let found = false
    this.entries = this.entries.map((entry) => {
      if (entry.id !== id) return entry
      found = true
      return change(entry)
    })
    if (found) this.notify(now)
  }

  private notify(now: boolean): void {
    const elapsed = this.timer.now() - this.lastNotify
    if (!now && elapsed < NOTIFY_INTERVAL_MS) {
      this.pending ??= this.timer.setTimeout(() => {
        this.pending = null
        this.flush()
      }, NOTIFY_INTERVAL_MS - elapsed)
      return
    }
    this.flush()
  }

  private flush(): void {
    if (this.pending !== null) {
      this.timer.clearTimeout(this.pending)
      this.pending = null
    }
    this.lastNotify = this.timer.now()
    this.snapshot = this.entries
    for (const listener of this.listeners) listener()
  }
}

/** Whether a row is still running (queued, downloading, verifying…). */
export const isActive = (entry: DownloadEntry): boolean => entry.state.kind === 'active'
