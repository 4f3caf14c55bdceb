import type { FileHandle } from 'node:fs/promises'
import { stat } from 'node:fs/promises'
import { AppErrorException, type AppError } from '../../../shared/ipc/result'
import { openOwnFile, removeOwnFile, writeAll, writeError } from '../fs/safe-file'
import { BlobHttp, type BlobResponse, type BodySink } from './blob-http'
import { finishDigest, startDigest, type DigestCheck } from './digest'

/** How often and how long to retry a blob download that fails without the user's doing. */
export interface RetryPolicy {
  /** Consecutive failures without a byte of progress before giving up. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** Fresh pre-signed URLs to ask for before giving up on an expiring one. */
  maxUrlRefreshes: number
}

/** The default: about half a minute of retries in all, with jitter. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxUrlRefreshes: 5,
}

/** What the downloader needs from outside. */
export interface DownloaderDeps {
  /** How blob URLs are fetched (default: BlobHttp with no proxy and Node's CA bundle). */
  http?: BlobHttp
  retry?: RetryPolicy
  random?: () => number
  /** Waits between retries; injectable so tests need not wait for real. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

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
  onPhase?: (phase: 'rehashing' | 'downloading' | 'retrying' | 'verifying') => void
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

const CHUNK = 1024 * 1024
const FLUSH_EVERY = 32 * CHUNK
const RETRYABLE_STATUS = (status: number) => status === 408 || status === 429 || status >= 500

/**
 * Streams one blob to a partial file, hashing what is written as it is written, so the hash always
 * matches the bytes on disk. Resumes with Range after drops, refreshes expired URLs, retries
 * transient failures, and checks size and digest at the end. The caller renames the partial file.
 */
export class BlobDownloader {
  private readonly retry: RetryPolicy
  private readonly random: () => number
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>
  private readonly http: BlobHttp

  constructor(deps: DownloaderDeps = {}) {
    this.http = deps.http ?? new BlobHttp()
    this.retry = deps.retry ?? DEFAULT_RETRY
    this.random = deps.random ?? Math.random
    this.sleep = deps.sleep ?? abortableSleep
  }

  /** Downloads and verifies; on any failure the partial file is left for the caller to handle. */
  async download(job: BlobJob): Promise<BlobOutcome> {
    let check = startDigest(job.digest)
    // Never `open(path, 'a+')`: a link planted at the partial's name would take the bytes.
    // openOwnFile resumes only a regular file of ours with one link, else creates it exclusively.
    const { handle: file } = await openOwnFile(job.partialPath).catch((error: unknown) => {
      throw new AppErrorException(writeError(error, job.partialPath))
    })
    try {
      let offset = (await file.stat()).size
      const resumedFrom = offset > 0 ? offset : null
      if (offset > 0) {
        job.onPhase?.('rehashing')
        offset = await rehash(file, offset, check, job)
      }
      let url = await job.getUrl()
      let total: number | null = job.expectedSize
      let transferred = 0
      let attempts = 0
      let failures = 0
      let urlRefreshes = 0

      for (;;) {
        job.signal.throwIfAborted()
        if (total !== null && offset >= total) break
        attempts++
        let response: BlobResponse
        try {
          response = await this.http.get(url, {
            headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
            signal: job.signal,
            headersTimeoutMs: 30_000,
            bodyTimeoutMs: 60_000,
          })
        } catch (error) {
          job.signal.throwIfAborted()
          failures = await this.backOff(failures, job, networkError(error))
          continue
        }

        const status = response.statusCode
        if (status === 403 || status === 400) {
          const body = await response.text()
          if (/Request has expired/i.test(body) && urlRefreshes < this.retry.maxUrlRefreshes) {
            urlRefreshes++
            url = await job.getUrl()
            continue
          }
          throw new AppErrorException(blobRefused(status, body))
        }
        if (status === 404) {
          await response.dump()
          throw new AppErrorException({
            code: 'LayersNotFound',
            message: 'The blob URL answered 404: the blob is gone from the registry.',
          })
        }
        if (RETRYABLE_STATUS(status)) {
          const body = await response.text().catch(() => '')
          failures = await this.backOff(failures, job, serverError(status, body))
          continue
        }

        let start = 0
        if (status === 206) {
          start = contentRangeStart(response.headers['content-range'])
          if (start !== offset) {
            // Not the bytes we asked for: drop them and start again from zero.
            await response.dump()
            ;({ offset, check } = await restart(file, job.digest))
            continue
          }
        } else if (status === 200) {
          if (offset > 0) {
            // A 200 to a Range request is the whole blob: not trusted as a resume, so the file
            // starts over and this body is read from its first byte.
            try {
              ;({ offset, check } = await restart(file, job.digest))
            } catch (error) {
              await response.dump()
              throw error
            }
          }
        } else {
          await response.dump()
          throw new AppErrorException({
            code: 'Unknown',
            message: `The blob URL answered HTTP ${status}.`,
          })
        }

        const length = Number(response.headers['content-length'])
        if (Number.isFinite(length)) total = start + length
        job.onPhase?.('downloading')
        const writer = new BatchWriter(file, job.partialPath, offset, check, (position) => {
          job.onBytes?.(position, total)
        })
        const before = offset
        try {
          await response.pipe(writer)
          await writer.settle()
        } catch (error) {
          if (job.signal.aborted) {
            await writer.abandon()
            job.signal.throwIfAborted()
          }
          // What arrived intact is kept: written, hashed, and not fetched again.
          await writer.settle().catch(() => undefined)
          offset = writer.position
          transferred += offset - before
          if (writer.failure)
            throw new AppErrorException(writeError(writer.failure, job.partialPath))
          failures = offset > before ? 0 : failures
          failures = await this.backOff(failures, job, networkError(error))
          continue
        }
        offset = writer.position
        transferred += offset - before
        await writer.flushed().catch((error: NodeJS.ErrnoException) => {
          throw new AppErrorException(writeError(error, job.partialPath))
        })
        if (total !== null && offset < total) {
          // The body ended early but cleanly: resume from here.
          failures = offset > before ? 0 : failures
          failures = await this.backOff(failures, job, {
            code: 'NetworkUnreachable',
            message: `The connection ended after ${offset} of ${total} bytes.`,
          })
          continue
        }
        break
      }

      job.onPhase?.('verifying')
      if (job.expectedSize !== null && offset !== job.expectedSize) {
        throw new AppErrorException({
          code: 'DigestMismatch',
          message: `Size mismatch: the manifest says ${job.expectedSize} bytes, the download has ${offset} bytes.`,
        })
      }
      finishDigest(check, 'Blob', offset)
      await file.sync().catch((error: unknown) => {
        throw new AppErrorException(writeError(error, job.partialPath))
      })
      const { dev, ino } = await file.stat()
      return {
        size: offset,
        bytesTransferred: transferred,
        resumedFrom,
        attempts,
        urlRefreshes,
        file: { dev, ino },
      }
    } finally {
      await file.close()
    }
  }

  // Exponential backoff with full jitter; gives up with the last error after maxAttempts.
  private async backOff(failures: number, job: BlobJob, error: AppError): Promise<number> {
    const next = failures + 1
    if (next >= this.retry.maxAttempts) throw new AppErrorException(error)
    job.onPhase?.('retrying')
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** failures)
    await this.sleep(Math.round(cap * this.random()), job.signal)
    return next
  }
}

/** Hashes a file's first `size` bytes into `check`; returns how many it read. */
async function rehash(
  file: FileHandle,
  size: number,
  check: DigestCheck,
  job: BlobJob,
): Promise<number> {
  let read = 0
  // Through the handle that was checked, not the name: what is hashed is what is appended to.
  const stream = file.createReadStream({
    start: 0,
    end: size - 1,
    highWaterMark: CHUNK,
    autoClose: false,
  })
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    job.signal.throwIfAborted()
    check.hash.update(chunk)
    read += chunk.length
    job.onBytes?.(read, job.expectedSize)
  }
  return read
}

async function restart(file: FileHandle, digest: string) {
  await file.truncate(0)
  return { offset: 0, check: startDigest(digest) }
}

const BATCH = CHUNK
/** Filled batches waiting for the disk before the sender is asked to pause. */
const QUEUED_BATCHES = 8
/** A batch still filling is written anyway after this long, so a slow link's bytes reach the disk. */
const PARTIAL_BATCH_MS = 100

/**
 * Copies the body into 1 MiB batches and writes them in order at explicit positions, hashing each
 * batch once it is on disk, so file and hash always agree. At most QUEUED_BATCHES wait for the
 * disk; past that the sender is paused.
 */
class BatchWriter implements BodySink {
  failure: NodeJS.ErrnoException | null = null
  private current: Buffer | null = null
  private fill = 0
  private readonly queue: { buffer: Buffer; length: number }[] = []
  private readonly spare: Buffer[] = []
  private writing: Promise<void> | null = null
  private abandoned = false
  private waiters: (() => void)[] = []
  private flushedTo: number
  private flushing: Promise<void> | null = null
  private flushFailure: NodeJS.ErrnoException | null = null
  /** Bytes taken so far, written or not: what progress shows, so a slow link moves at once. */
  private accepted: number
  private partialTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly file: FileHandle,
    private readonly path: string,
    /** Bytes written and hashed. */
    public position: number,
    private readonly check: DigestCheck,
    private readonly onProgress: (bytes: number) => void,
  ) {
    this.flushedTo = position
    this.accepted = position
  }

  write(view: Buffer): boolean {
    if (this.failure) throw this.failure
    let at = 0
    while (at < view.length) {
      this.current ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(BATCH)
      const copied = view.copy(this.current, this.fill, at)
      this.fill += copied
      at += copied
      if (this.fill === BATCH) this.enqueue()
    }
    this.accepted += view.length
    this.onProgress(this.accepted)
    if (this.fill > 0 && this.partialTimer === null) {
      this.partialTimer = setTimeout(() => {
        this.partialTimer = null
        if (this.fill > 0 && !this.failure && !this.abandoned) this.enqueue()
      }, PARTIAL_BATCH_MS)
      this.partialTimer.unref()
    }
    return this.queue.length < QUEUED_BATCHES
  }

  drained(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.queue.length < QUEUED_BATCHES) return Promise.resolve()
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => {
      if (this.failure) throw this.failure
    })
  }

  /** Writes out everything taken so far, including a part-filled batch; throws a disk failure. */
  async settle(): Promise<void> {
    this.stopPartialTimer()
    if (this.fill > 0 && !this.failure) this.enqueue()
    while (this.writing) await this.writing
    if (this.failure) throw this.failure
  }

  /** Drops what is not written yet (the download was cancelled) and waits for a write under way. */
  async abandon(): Promise<void> {
    this.abandoned = true
    this.stopPartialTimer()
    this.queue.length = 0
    this.fill = 0
    while (this.writing) await this.writing
  }

  /** Waits for the background flush, so the final fsync has only the tail left to write. */
  async flushed(): Promise<void> {
    await this.flushing
    if (this.flushFailure) throw this.flushFailure
  }

  private stopPartialTimer(): void {
    if (this.partialTimer) clearTimeout(this.partialTimer)
    this.partialTimer = null
  }

  private enqueue(): void {
    this.stopPartialTimer()
    this.queue.push({ buffer: this.current!, length: this.fill })
    this.current = null
    this.fill = 0
    this.writing ??= this.drain()
  }

  // One write at a time, in order: the hash must see the bytes in file order.
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.abandoned) {
        const { buffer, length } = this.queue[0]!
        // A short write is retried for the rest; one that makes no progress is ENOSPC.
        await writeAll(this.file, buffer.subarray(0, length), this.path, this.position)
        this.queue.shift()
        this.check.hash.update(buffer.subarray(0, length))
        this.position += length
        this.spare.push(buffer)
        this.flushInBackground()
        this.wake()
      }
    } catch (error) {
      this.failure = error as NodeJS.ErrnoException
    } finally {
      this.writing = null
      this.wake()
    }
  }

  private wake(): void {
    if (this.queue.length >= QUEUED_BATCHES && !this.failure && this.writing) return
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }

  // The final fsync would otherwise write the whole blob at the end, after the network is done.
  // Flushing every FLUSH_EVERY bytes while the download goes on overlaps disk and network time.
  private flushInBackground(): void {
    if (this.flushing || this.position - this.flushedTo < FLUSH_EVERY) return
    const target = this.position
    this.flushing = this.file.datasync().then(
      () => {
        this.flushedTo = target
        this.flushing = null
      },
      (error: NodeJS.ErrnoException) => {
        this.flushFailure = error
        this.flushing = null
      },
    )
  }
}

function contentRangeStart(header: string | string[] | undefined): number {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(String(header ?? ''))
  return match ? Number(match[1]) : -1
}

function networkError(error: unknown): AppError {
  const e = error as { code?: string; message?: string }
  return {
    code: 'NetworkUnreachable',
    message: `The blob download failed: ${e.message ?? String(error)}${e.code ? ` (${e.code})` : ''}.`,
  }
}

function serverError(status: number, body: string): AppError {
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1]
  const throttled = status === 429 || code === 'SlowDown'
  return {
    code: throttled ? 'Throttling' : 'ServerException',
    message: `The blob URL kept answering HTTP ${status}${code ? ` (${code})` : ''}.`,
  }
}

function blobRefused(status: number, body: string): AppError {
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? `HTTP ${status}`
  const message = /<Message>([^<]+)<\/Message>/.exec(body)?.[1] ?? ''
  return {
    code: 'AccessDenied',
    message: `The pre-signed blob URL was refused: ${code}${message ? ` — ${message}` : ''}.`,
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason as Error)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
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
