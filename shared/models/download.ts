/** What to do when the destination already holds a different file of the same name. */
export type OnExisting = 'ask' | 'replace' | 'keep-both' | 'skip'

/**
 * The failures after which main keeps a download's `.partial` file to resume later: the network
 * or the server gave up, and the bytes so far are good. Any other failure removes it.
 */
export const PARTIAL_KEPT_AFTER: ReadonlySet<string> = new Set([
  'NetworkUnreachable',
  'ServerException',
  'Throttling',
])

/** Where a download is. */
export type DownloadPhase =
  | 'queued'
  | 'checking-existing'
  | 'rehashing'
  | 'downloading'
  | 'retrying'
  | 'verifying'
  | 'done'
  | 'failed'
  | 'cancelled'

/** A throttled progress report for one download (at most 10 a second). */
export interface DownloadProgress {
  operationId: string
  digest: string
  phase: DownloadPhase
  receivedBytes: number
  totalBytes: number | null
  bytesPerSecond: number
  etaSeconds: number | null
}

/** How a download ended. */
export interface DownloadResult {
  /**
   * downloaded: verified and renamed into place. already-verified: the file was there and matched.
   * conflict: a different file has the name; ask the user. skipped / cancelled: nothing written.
   */
  status: 'downloaded' | 'already-verified' | 'conflict' | 'skipped' | 'cancelled'
  path: string
  digest: string
  size: number
  bytesTransferred: number
  resumedFrom: number | null
}

/** A pre-signed blob URL and when it stops working. */
export interface DownloadUrl {
  url: string
  issuedAt: string | null
  expiresAt: string | null
  expiresInSeconds: number | null
}

/** A `.partial` file left by an earlier run, which can be resumed. */
export interface PartialDownload {
  path: string
  finalPath: string
  bytesOnDisk: number
  repositoryName: string
  registryId: string | null
  digest: string
  mediaType: string
  size: number | null
  /** The image the blob was opened from, when the download knew it. */
  imageDigest: string | null
}

/** The result of checking a file on disk against a digest. */
export interface VerifyResult {
  path: string
  digest: string
  size: number
  matches: boolean
  actualDigest: string
}
