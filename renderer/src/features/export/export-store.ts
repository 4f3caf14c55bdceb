import type { AppError } from '../../../../shared/ipc/result'
import type { ExportProgress, ExportResult } from '../../../../shared/models/export'
import { newOperationId } from '../../api/downloads'
import { thrownAppError } from '../../api/ecr'
import { onExportProgress, saveImage, type SaveImageRequest } from '../../api/export'

/** One export of this window: what was asked, its latest progress, and how it ended. */
export interface ExportEntry {
  operationId: string
  request: Omit<SaveImageRequest, 'operationId'>
  progress: ExportProgress | null
  state:
    | { kind: 'running' }
    | { kind: 'done'; result: ExportResult }
    | { kind: 'cancelled' }
    | { kind: 'failed'; error: AppError }
}

/** The exports of this window, fed by `export:progress`; read with useSyncExternalStore. */
export class ExportStore {
  private entries: readonly ExportEntry[] = []
  private readonly listeners = new Set<() => void>()
  private unsubscribe: (() => void) | null = null

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  readonly getSnapshot = (): readonly ExportEntry[] => this.entries

  /** Starts an export in main; resolves when it has ended, however it ended. */
  start(request: Omit<SaveImageRequest, 'operationId'>): Promise<void> {
    this.unsubscribe ??= onExportProgress((progress) =>
      this.patch(progress.operationId, (entry) =>
        entry.state.kind === 'running' ? { ...entry, progress } : entry,
      ),
    )
    const operationId = newOperationId()
    this.entries = [
      { operationId, request, progress: null, state: { kind: 'running' } },
      ...this.entries,
    ]
    this.changed()
    return saveImage({ ...request, operationId }).then(
      (result) =>
        this.patch(operationId, (entry) => ({
          ...entry,
          state: result.status === 'cancelled' ? { kind: 'cancelled' } : { kind: 'done', result },
        })),
      (error: unknown) =>
        this.patch(operationId, (entry) => ({
          ...entry,
          state: { kind: 'failed', error: thrownAppError(error) },
        })),
    )
  }

  private patch(operationId: string, change: (entry: ExportEntry) => ExportEntry): void {
    this.entries = this.entries.map((entry) =>
      entry.operationId === operationId ? change(entry) : entry,
    )
    this.changed()
  }

  private changed(): void {
    for (const listener of this.listeners) listener()
  }
}

/** The one store of this window. */
export const exportStore = new ExportStore()
