import { stat } from 'node:fs/promises'
import { fetchBlob, type FetchPhase, type PipelineDeps } from '../blob/fetch-blob'
import { filePartialSink } from '../blob/file-sink'
import { removeOwnFile } from '../fs/safe-file'
import { BlobHttp } from './blob-http'

export { DEFAULT_RETRY, type RetryPolicy } from '../blob/fetch-blob'

/** What the downloader needs from outside: the blob pipeline's HTTP and retry policy. */
export type DownloaderDeps = Partial<PipelineDeps>

/** One blob to fetch into `partialPath`. */
export interface BlobJob {
  digest: string
  /** The size the manifest gives, when known; checked before the digest. */
  expectedSize: number | null
  partialPath: string
  signal: AbortSignal
  /** Asks ECR for a (fresh) pre-signed URL: GetDownloadUrlForLayer. */
  getUrl: () => Promise<string>
  /** Called as bytes arrive, with the total when known; all are on disk and hashed by the end. */
  onBytes?: (received: number, total: number | null) => void
  /** Called when the downloader re-hashes a partial file or retries. */
  onPhase?: (phase: FetchPhase) => void
}

/** How a finished download went. */
export interface BlobOutcome {
  size: number
  /** Bytes that came over the network in this run (less than size after a resume). */
  bytesTransferred: number
  /** The offset the run started from, when it resumed a partial file. */
  resumedFrom: number | null
  attempts: number
  urlRefreshes: number
  /** The partial file's identity, so the caller renames only the file that was written. */
  file: { dev: number; ino: number }
}

/**
 * The blob pipeline into a `.partial` file (see electron/core/blob): resumes a leftover partial,
 * refreshes expired URLs, resumes with Range, retries transient failures, verifies size and digest
 * as bytes stream, fsyncs. The caller renames the partial file.
 */
export class BlobDownloader {
  readonly pipeline: PipelineDeps

  constructor(deps: DownloaderDeps = {}) {
    this.pipeline = { ...deps, http: deps.http ?? new BlobHttp() }
  }

  /** Downloads and verifies; on any failure the partial file is left for the caller to handle. */
  async download(job: BlobJob): Promise<BlobOutcome> {
    const { value, ...outcome } = await fetchBlob(this.pipeline, {
      digest: job.digest,
      expectedSize: job.expectedSize,
      getUrl: job.getUrl,
      sink: filePartialSink({ partialPath: job.partialPath }),
      signal: job.signal,
      ...(job.onBytes ? { onBytes: job.onBytes } : {}),
      ...(job.onPhase ? { onPhase: job.onPhase } : {}),
    })
    return { ...outcome, file: value.file }
  }
}

/**
 * Removes a partial file and its sidecar, ignoring ones already gone. Only regular files go: a
 * link or folder someone planted at either name is left as it was (and was never written).
 */
export async function removePartial(partialPath: string): Promise<void> {
  await Promise.all([removeOwnFile(partialPath), removeOwnFile(`${partialPath}.json`)])
}

/** The size of a file, or null when it does not exist. */
export async function fileSize(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size
  } catch {
    return null
  }
}
