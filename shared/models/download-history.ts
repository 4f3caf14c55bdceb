/** How a download ended, as the history remembers it. */
export type DownloadOutcome = 'downloaded' | 'already-verified' | 'skipped' | 'cancelled' | 'failed'

/** One finished, failed or cancelled download, kept across restarts in the app's data folder. */
export interface DownloadHistoryEntry {
  /** The operation's id. */
  id: string
  /** When it ended (ISO 8601). */
  endedAt: string
  outcome: DownloadOutcome
  registryId: string | null
  repositoryName: string
  digest: string
  mediaType: string
  size: number | null
  /** Where the file is (downloaded, already verified) or would have gone; null when unknown. */
  path: string | null
  /** The catalog code of a failure. */
  errorCode: string | null
  errorMessage: string | null
}
