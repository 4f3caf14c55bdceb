import { queryOptions, useMutation } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { RequestOf } from '../../../shared/ipc/contract'
import type { ExportProgress } from '../../../shared/models/export'
import { invoke, subscribe } from './ecr'

/** One `export:save-image` request, as the renderer sends it. */
export type SaveImageRequest = RequestOf<'export:save-image'>

/** Saves a whole image; progress comes as `export:progress`, cancel with cancelOperation. */
export function saveImage(request: SaveImageRequest) {
  return invoke('export:save-image', request)
}

/**
 * "Verify a layout…": checks any OCI layout folder or tar, every blob re-hashed; progress comes as
 * `export:progress` under `operationId` (phase 'verifying'), cancel with cancelOperation.
 */
export function useVerifyLayout() {
  return useMutation({
    mutationFn: (request: RequestOf<'export:verify-layout'>) =>
      invoke('export:verify-layout', request),
  })
}

/** The latest `export:progress` of one operation (null before its first event). */
export function useExportProgress(operationId: string | null): ExportProgress | null {
  const [latest, setLatest] = useState<ExportProgress | null>(null)
  useEffect(() => {
    if (operationId === null) return
    return onExportProgress((progress) => {
      if (progress.operationId === operationId) setLatest(progress)
    })
  }, [operationId])
  return latest !== null && latest.operationId === operationId ? latest : null
}

/** Exports an earlier run left unfinished in the download folder, read at start-up. */
export const unfinishedExportsQuery = () =>
  queryOptions({
    queryKey: ['exports', 'unfinished'] as const,
    queryFn: () => invoke('export:list-unfinished', {}),
  })

/** Listens to main's `export:progress` events; returns the unsubscribe function. */
export function onExportProgress(listener: (progress: ExportProgress) => void): () => void {
  return subscribe('export:progress', listener)
}
