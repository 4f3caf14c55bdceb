import { queryOptions, useMutation } from '@tanstack/react-query'
import type { RequestOf } from '../../../shared/ipc/contract'
import type { ConnectionState } from '../../../shared/models/connection'
import { invoke } from './ecr'
import { connectionKey, queryKeys } from './query-keys'

/** An image's scan findings: every page, per platform child of an index. */
export const findingsQuery = (
  connection: ConnectionState,
  repositoryName: string,
  imageDigest: string,
) =>
  queryOptions({
    queryKey: queryKeys.findings(connectionKey(connection), repositoryName, imageDigest),
    queryFn: () => invoke('ecr:scan-findings', { repositoryName, imageDigest }),
    // Scans change (continuous scanning); a minute keeps switching tabs from refetching.
    staleTime: 60_000,
  })

/** One `findings:export` request. */
export type ExportFindingsRequest = RequestOf<'findings:export'>

/** Exports an image's findings as CSV or JSON into the download folder (or a chosen path). */
export function useExportFindings() {
  return useMutation({
    mutationFn: (request: ExportFindingsRequest) => invoke('findings:export', request),
  })
}
