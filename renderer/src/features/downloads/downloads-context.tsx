import { useMutation, useQueryClient } from '@tanstack/react-query'
import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react'
import type { ReactNode, RefObject } from 'react'
import {
  PARTIAL_KEPT_AFTER,
  type DownloadResult,
  type OnExisting,
} from '../../../../shared/models/download'
import {
  cancelOperation,
  downloadBlob,
  newOperationId,
  useLayerProgress,
  type DownloadRequest,
} from '../../api/downloads'
import { thrownAppError } from '../../api/ecr'
import { queryKeys } from '../../api/query-keys'
import { ConflictDialog } from './conflict-dialog'
import { DownloadStore, type BlobTarget, type DownloadEntry } from './download-store'

/** What the rest of the app does with downloads. */
export interface Downloads {
  store: DownloadStore
  /** Queues blobs in main (one operation each); the panel opens to show them. */
  start: (targets: readonly BlobTarget[], onExisting?: OnExisting) => void
  /** Cancels a row's operation; main removes its partial file. */
  cancel: (entry: DownloadEntry) => void
  /** Runs a failed row again as a new operation. */
  retry: (entry: DownloadEntry) => void
  panelOpen: boolean
  setPanelOpen: (open: boolean) => void
  /** The panel itself, focusable, for when the control the user was on goes away. */
  panelRef: RefObject<HTMLElement | null>
  /** Opens the panel and moves focus to it. */
  focusPanel: () => void
  /** Whether an operation was started in this window (the history lists the others as earlier). */
  startedHere: (operationId: string) => boolean
}

const DownloadsContext = createContext<Downloads | null>(null)

interface Run {
  operationId: string
  target: BlobTarget
  onExisting: OnExisting
}

/** A run whose request main already has. */
interface Sent extends Run {
  sent: Promise<DownloadResult>
}

function downloadRequest({ operationId, target, onExisting }: Run): DownloadRequest {
  return {
    operationId,
    ...(target.registryId ? { registryId: target.registryId } : {}),
    repositoryName: target.repositoryName,
    digest: target.digest,
    mediaType: target.mediaType,
    size: target.size,
    onExisting,
    ...(target.resumePartial !== undefined ? { resumePartial: target.resumePartial } : {}),
    ...(target.imageDigest !== undefined ? { imageDigest: target.imageDigest } : {}),
  }
}

/**
 * Owns the downloads of this window: the store fed by `downloads:progress`, the download mutation
 * (one mutation per operation; its outcome lands in the store), and the conflict question.
 */
export function DownloadsProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => new DownloadStore())
  const [panelOpen, setPanelOpen] = useState(false)
  const panelRef = useRef<HTMLElement>(null)
  const queryClient = useQueryClient()
  // Every operation this window started, so the history's "Earlier" leaves them out.
  const [started] = useState(() => new Set<string>())
  useLayerProgress(useCallback((progress) => store.progress(progress), [store]))

  const { mutate } = useMutation({
    mutationKey: ['downloads'],
    mutationFn: ({ sent }: Sent) => sent,
    // Given to useMutation (not to mutate), so they run for every download, not just the last.
    onSuccess: (result, run) => store.finish(run.operationId, result),
    onError: (error, run) => store.fail(run.operationId, thrownAppError(error)),
    // Main has remembered how it ended: the tray's history reads it again (no polling).
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.downloadHistory() }),
  })
  // The request leaves for main at once, in the click's own task, and the mutation follows it:
  // started from inside the mutation, it would wait for the panel's first render.
  const send = useCallback(
    (run: Run) => {
      started.add(run.operationId)
      mutate({ ...run, sent: downloadBlob(downloadRequest(run)) })
    },
    [started, mutate],
  )

  // A conflict's answer, or Retry: the same row, as a new operation.
  const rerun = useCallback(
    (entry: DownloadEntry, onExisting: OnExisting, target?: BlobTarget) => {
      const operationId = newOperationId()
      const next = store.reissue(entry.id, operationId, onExisting, target)
      if (next) send({ operationId, target: next.target, onExisting })
    },
    [store, send],
  )

  const value = useMemo<Downloads>(
    () => ({
      store,
      start: (targets, onExisting = 'ask') => {
        for (const target of targets) {
          const operationId = newOperationId()
          store.add(operationId, target, onExisting)
          send({ operationId, target, onExisting })
        }
        if (targets.length > 0) setPanelOpen(true)
      },
      cancel: (entry) => {
        void cancelOperation(entry.operationId).catch((error: unknown) =>
          store.fail(entry.operationId, thrownAppError(error)),
        )
      },
      retry: (entry) => rerun(entry, entry.onExisting, retryTarget(entry)),
      panelOpen,
      setPanelOpen,
      panelRef,
      focusPanel: () => {
        setPanelOpen(true)
        // After the commit that un-hides it: a hidden element cannot take focus.
        requestAnimationFrame(() => panelRef.current?.focus())
      },
      startedHere: (operationId) => started.has(operationId),
    }),
    [store, send, rerun, panelOpen, started],
  )

  const entries = useDownloadEntries(store)
  const conflicts = entries.filter((entry) => entry.state.kind === 'conflict')
  const conflict = conflicts[0]

  return (
    <DownloadsContext.Provider value={value}>
      {children}
      {conflict?.state.kind === 'conflict' && (
        <ConflictDialog
          key={conflict.id}
          entry={conflict}
          path={conflict.state.path}
          others={conflicts.length - 1}
          onAnswer={(choice, all) => {
            for (const entry of all ? conflicts : [conflict]) rerun(entry, choice)
          }}
        />
      )}
    </DownloadsContext.Provider>
  )
}

/**
 * What Retry asks for. Main keeps a resumed partial file only when the network or the server gave
 * up; after any other failure it is gone, so the blob starts afresh under its usual name.
 */
function retryTarget(entry: DownloadEntry): BlobTarget {
  const { resumePartial, ...target } = entry.target
  if (resumePartial === undefined) return entry.target
  const kept = entry.state.kind === 'failed' && PARTIAL_KEPT_AFTER.has(entry.state.error.code)
  return kept ? entry.target : target
}

/** The downloads of this window; throws outside DownloadsProvider. */
export function useDownloads(): Downloads {
  const downloads = useContext(DownloadsContext)
  if (!downloads) throw new Error('useDownloads needs a DownloadsProvider')
  return downloads
}

/** Every row, re-rendering at most every 100 ms for byte counts alone. */
export function useDownloadEntries(store: DownloadStore): readonly DownloadEntry[] {
  return useSyncExternalStore(store.subscribe, store.getSnapshot)
}
