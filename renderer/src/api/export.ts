import { queryOptions } from '@tanstack/react-query'
import type { RequestOf } from '../../../shared/ipc/contract'
import type { ExportProgress } from '../../../shared/models/export'
import { invoke, subscribe } from './ecr'

/** One `export:save-image` request, as the renderer sends it. */
export type SaveImageRequest = RequestOf<'export:save-image'>

/** Saves a whole image; progress comes as `export:progress`, cancel with cancelOperation. */
export function saveImage(request: SaveImageRequest) {
  return invoke('export:save-image', request)
}

/** Checks any OCI layout folder or tar. */
export function verifyLayout(path: string) {
  return invoke('export:verify-layout', { path })
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
