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

/** At most this many `ecr:scan-counts` calls run at once; the rest wait their turn. */
export const SCAN_COUNTS_CONCURRENCY = 4

/**
 * A tiny FIFO limiter. A task whose query was cancelled (its row scrolled away, so React Query
 * aborted it) while it waited is dropped before it calls anything.
 */
export function limiter(concurrency: number) {
  let running = 0
  const waiting: (() => void)[] = []
  const next = () => {
    if (running >= concurrency) return
    const start = waiting.shift()
    if (start) start()
  }
  return function run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        if (signal?.aborted) {
          reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'))
          next()
          return
        }
        running++
        task()
          .then(resolve, reject)
          .finally(() => {
            running--
            next()
          })
      }
      waiting.push(start)
      next()
    })
  }
}

const countsTurn = limiter(SCAN_COUNTS_CONCURRENCY)

/**
 * An image manifest's findings by severity (`ecr:scan-counts`), for rows of the images list
 * whose DescribeImages answer has no `imageScanFindingsSummary` (enhanced scanning).
 */
export const scanCountsQuery = (
  connection: ConnectionState,
  repositoryName: string,
  imageDigest: string,
) =>
  queryOptions({
    queryKey: queryKeys.scanCounts(connectionKey(connection), repositoryName, imageDigest),
    queryFn: ({ signal }) =>
      countsTurn(() => invoke('ecr:scan-counts', { repositoryName, imageDigest }), signal),
    staleTime: 5 * 60_000,
    retry: false,
  })
