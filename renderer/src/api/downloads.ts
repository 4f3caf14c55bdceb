import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { RequestOf } from '../../../shared/ipc/contract'
import type { ConnectionState } from '../../../shared/models/connection'
import type { DownloadProgress } from '../../../shared/models/download'
import { absolutePathSchema } from '../../../shared/schemas'
import { invoke, subscribe } from './ecr'
import { connectionKey, queryKeys } from './query-keys'

/** One `downloads:start` request, as the renderer sends it. */
export type DownloadRequest = RequestOf<'downloads:start'>

/** A fresh operationId: the renderer names each download and file check, to follow and cancel it. */
export { newOperationId } from './operation-ids'

/** Where downloads go now, and whether ECR_LAYER_BROWSER_DOWNLOAD_DIR decides it. */
export const downloadFolderQuery = () =>
  queryOptions({
    queryKey: queryKeys.downloadFolder(),
    queryFn: () => invoke('downloads:folder', {}),
  })

/** The .partial files an earlier run left in the download folder, read once at start-up. */
export const partialsQuery = () =>
  queryOptions({
    queryKey: queryKeys.partials(),
    queryFn: () => invoke('downloads:list-partials', {}),
  })

/**
 * GetDownloadUrlForLayer for one blob. The URL expires, so it is never served from the cache:
 * each time the dialog opens it asks again.
 */
export const downloadUrlQuery = (
  connection: ConnectionState,
  blob: { repositoryName: string; digest: string; imageDigest?: string },
) =>
  queryOptions({
    queryKey: queryKeys.downloadUrl(connectionKey(connection), blob.repositoryName, blob.digest),
    queryFn: () =>
      invoke('downloads:url', {
        repositoryName: blob.repositoryName,
        digest: blob.digest,
        ...(blob.imageDigest ? { imageDigest: blob.imageDigest } : {}),
      }),
    staleTime: 0,
    gcTime: 0,
  })

/**
 * What the shell can do for the user; it never changes while the app runs. Unknown (still
 * loading, or a failure) counts as able, so the desktop never loses a button to a slow answer.
 */
export const capabilitiesQuery = () =>
  queryOptions({
    queryKey: queryKeys.capabilities(),
    queryFn: () => invoke('dialogs:capabilities', {}),
    staleTime: Infinity,
  })

/** The downloads of this and earlier runs, newest first; read again whenever one ends. */
export const downloadHistoryQuery = () =>
  queryOptions({
    queryKey: queryKeys.downloadHistory(),
    queryFn: () => invoke('downloads:history', {}),
  })

/** Forgets the download history (the files stay). */
export function useClearDownloadHistory() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => invoke('downloads:clear-history', {}),
    onSuccess: (entries) => queryClient.setQueryData(queryKeys.downloadHistory(), entries),
  })
}

/** Queues one blob in main; resolves with how it ended (verified, conflict, skipped, cancelled). */
export function downloadBlob(request: DownloadRequest) {
  return invoke('downloads:start', request)
}

/** Cancels a download or file check at once; main removes what it had written. */
export function cancelOperation(operationId: string) {
  return invoke('operations:cancel', { operationId })
}

/** Deletes a leftover partial download, then reads the list again. */
export function useDiscardPartial() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (path: string) => invoke('downloads:discard-partial', { path }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.partials() }),
  })
}

/** Reveals a downloaded file in the OS file manager. */
export function useShowInFolder() {
  return useMutation({
    mutationFn: (path: string) => invoke('dialogs:show-in-folder', { path }),
  })
}

/**
 * Changes the download folder: with the native folder dialog ("Change…"), or back to the default
 * (null). Resolves with false when the user cancelled the dialog.
 */
export function useSetDownloadFolder() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (choice: 'choose' | 'default'): Promise<boolean> => {
      let downloadDir: string | null = null
      if (choice === 'choose') {
        const { path } = await invoke('dialogs:choose-folder', {})
        if (path === null) return false
        downloadDir = path
      }
      const settings = await invoke('settings:update', { downloadDir })
      queryClient.setQueryData(queryKeys.settings(), settings)
      return true
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.downloadFolder() }),
        queryClient.invalidateQueries({ queryKey: queryKeys.partials() }),
      ]),
  })
}

/**
 * Asks main for a file with the native dialog, starting at `defaultPath` when it is absolute.
 * Resolves with the path (null when cancelled) and whether there was a dialog at all.
 */
export function useChooseFile() {
  return useMutation({
    mutationFn: (defaultPath: string) =>
      invoke(
        'dialogs:choose-file',
        absolutePathSchema.safeParse(defaultPath).success ? { defaultPath } : {},
      ),
  })
}

/** Checks a file on disk against a digest, as a stream; progress comes as `downloads:progress`. */
export function useVerifyFile() {
  return useMutation({
    mutationFn: (request: RequestOf<'downloads:verify-file'>) =>
      invoke('downloads:verify-file', request),
  })
}

/** Listens to main's `downloads:progress` events while mounted; never polls. */
export function useLayerProgress(listener: (progress: DownloadProgress) => void): void {
  useEffect(() => subscribe('downloads:progress', listener), [listener])
}

/** The latest progress of one operation (null before its first event or without one). */
export function useOperationProgress(operationId: string | null): DownloadProgress | null {
  const [latest, setLatest] = useState<DownloadProgress | null>(null)
  useEffect(() => {
    if (operationId === null) return
    return subscribe('downloads:progress', (payload) => {
      if (payload.operationId === operationId) setLatest(payload)
    })
  }, [operationId])
  return latest !== null && latest.operationId === operationId ? latest : null
}
