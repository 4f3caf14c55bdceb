import type { FileHandle } from 'node:fs/promises'
import { open, rm, stat } from 'node:fs/promises'
import { createReadStream } from 'node:fs'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { request, type Dispatcher } from 'undici'
import { AppErrorException, type AppError } from '../../../shared/ipc/result'
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
  dispatcher?: Dispatcher
  retry?: RetryPolicy
  /** Milliseconds since an arbitrary epoch, for rates and throttling. */
  now?: () => number
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
  /** Called as bytes land on disk (already hashed), with the total when known. */
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
  private readonly now: () => number
  private readonly random: () => number
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>

  constructor(private readonly deps: DownloaderDeps = {}) {
    this.retry = deps.retry ?? DEFAULT_RETRY
    this.now = deps.now ?? (() => performance.now())
    this.random = deps.random ?? Math.random
    this.sleep = deps.sleep ?? abortableSleep
  }

  /** Downloads and verifies; on any failure the partial file is left for the caller to handle. */
  async download(job: BlobJob): Promise<BlobOutcome> {
    let check = startDigest(job.digest)
    const file = await open(job.partialPath, 'a+')
    try {
      let offset = (await file.stat()).size
      const resumedFrom = offset > 0 ? offset : null
      if (offset > 0) {
        job.onPhase?.('rehashing')
        offset = await rehash(job.partialPath, offset, check, job)
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
        let response: Dispatcher.ResponseData
        try {
          response = await request(url, {
            method: 'GET',
            headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
            signal: job.signal,
            ...(this.deps.dispatcher ? { dispatcher: this.deps.dispatcher } : {}),
            headersTimeout: 30_000,
            bodyTimeout: 60_000,
          })
        } catch (error) {
          job.signal.throwIfAborted()
          failures = await this.backOff(failures, job, networkError(error))
          continue
        }

        const status = response.statusCode
        if (status === 403 || status === 400) {
          const body = await response.body.text()
          if (/Request has expired/i.test(body) && urlRefreshes < this.retry.maxUrlRefreshes) {
            urlRefreshes++
            url = await job.getUrl()
            continue
          }
          throw new AppErrorException(blobRefused(status, body))
        }
        if (status === 404) {
          await response.body.dump()
          throw new AppErrorException({
            code: 'LayersNotFound',
            message: 'The blob URL answered 404: the blob is gone from the registry.',
          })
        }
        if (RETRYABLE_STATUS(status)) {
          const body = await response.body.text().catch(() => '')
          failures = await this.backOff(failures, job, serverError(status, body))
          continue
        }

        let start = 0
        if (status === 206) {
          start = contentRangeStart(response.headers['content-range'])
          if (start !== offset) {
            // Not the bytes we asked for: drop them and start again from zero.
            await response.body.dump()
            ;({ offset, check } = await restart(file, job.digest))
            continue
          }
        } else if (status === 200) {
          if (offset > 0) {
            // A 200 to a Range request is the whole blob: not trusted as a resume, so the file
            // starts over and this body is read from its first byte.
            ;({ offset, check } = await restart(file, job.digest))
          }
        } else {
          await response.body.dump()
          throw new AppErrorException({
            code: 'Unknown',
            message: `The blob URL answered HTTP ${status}.`,
          })
        }

        const length = Number(response.headers['content-length'])
        if (Number.isFinite(length)) total = start + length
        job.onPhase?.('downloading')
        const writer = new HashingWriter(file, offset, check, (position) => {
          job.onBytes?.(position, total)
        })
        const before = offset
        try {
          await pipeline(response.body, writer, { signal: job.signal })
        } catch (error) {
          await writer.settled()
          offset = writer.position
          transferred += offset - before
          job.signal.throwIfAborted()
          if (writer.failure)
            throw new AppErrorException(diskError(writer.failure, job.partialPath))
          failures = offset > before ? 0 : failures
          failures = await this.backOff(failures, job, networkError(error))
          continue
        }
        offset = writer.position
        transferred += offset - before
        await writer.flushed().catch((error: NodeJS.ErrnoException) => {
          throw new AppErrorException(diskError(error, job.partialPath))
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
      await file.sync()
      return { size: offset, bytesTransferred: transferred, resumedFrom, attempts, urlRefreshes }
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
  path: string,
  size: number,
  check: DigestCheck,
  job: BlobJob,
): Promise<number> {
  let read = 0
  const stream = createReadStream(path, { start: 0, end: size - 1, highWaterMark: CHUNK })
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

/** Writes at explicit positions and hashes only what was written, so file and hash agree. */
class HashingWriter extends Writable {
  failure: NodeJS.ErrnoException | null = null
  private inflight: Promise<unknown> = Promise.resolve()
  private flushedTo: number
  private flushing: Promise<void> | null = null
  private flushFailure: NodeJS.ErrnoException | null = null

  constructor(
    private readonly file: FileHandle,
    public position: number,
    private readonly check: DigestCheck,
    private readonly onWritten: (position: number) => void,
  ) {
    super({ highWaterMark: CHUNK })
    this.flushedTo = position
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk)
    const expected = buffers.reduce((n, b) => n + b.length, 0)
    const write = this.file.writev(buffers, this.position).then(({ bytesWritten }) => {
      if (bytesWritten !== expected) throw Object.assign(new Error('short write'), { code: 'EIO' })
      for (const buffer of buffers) this.check.hash.update(buffer)
      this.position += bytesWritten
      this.onWritten(this.position)
      this.flushInBackground()
    })
    this.inflight = write.then(
      () => callback(),
      (error: NodeJS.ErrnoException) => {
        this.failure = error
        callback(error)
      },
    )
  }

  override _write(chunk: Buffer, _encoding: string, callback: (error?: Error | null) => void) {
    this._writev([{ chunk }], callback)
  }

  /** Resolves once the write under way (if any) has finished or failed. */
  settled(): Promise<unknown> {
    return this.inflight
  }

  /** Waits for the background flush, so the final fsync has only the tail left to write. */
  async flushed(): Promise<void> {
    await this.flushing
    if (this.flushFailure) throw this.flushFailure
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

function diskError(error: NodeJS.ErrnoException, path: string): AppError {
  const why =
    error.code === 'ENOSPC'
      ? 'the disk is full'
      : error.code === 'EACCES' || error.code === 'EPERM'
        ? 'permission was denied'
        : (error.message ?? 'the write failed')
  return {
    code: 'DiskWriteFailed',
    message: `Writing ${path} failed: ${why}${error.code ? ` (${error.code})` : ''}.`,
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

/** Removes a partial file and its sidecar, ignoring ones already gone. */
export async function removePartial(partialPath: string): Promise<void> {
  await Promise.all([rm(partialPath, { force: true }), rm(`${partialPath}.json`, { force: true })])
}

/** The size of a file, or null when it does not exist. */
export async function fileSize(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size
  } catch {
    return null
  }
}
