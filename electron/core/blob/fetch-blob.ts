import { AppErrorException, type AppError } from '../../../shared/ipc/result'
import type { BlobHttp, BlobResponse, BodySink } from '../services/blob-http'
import { blobAnswer, networkError } from './answer'
import type { BlobSink } from './sink'
import { Verifier } from './verifier'

// One road for every blob the app reads:
//   source (a pre-signed URL, refreshed on expiry) -> body (Range resume, retries with backoff)
//   -> verifier (size and digest as bytes stream) -> sink.
// Refresh and retry are layers around one attempt (readBody); none of them knows the others.

/** How often and how long to retry a blob fetch that fails without the user's doing. */
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

/** The phases a fetch goes through, for progress. */
export type FetchPhase = 'rehashing' | 'downloading' | 'retrying' | 'verifying'

/** The pipeline's fixed parts: how URLs are fetched and how failures are retried. */
export interface PipelineDeps {
  http: BlobHttp
  retry?: RetryPolicy
  random?: () => number
  /** Waits between retries; injectable so tests need not wait for real. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

/** One blob to fetch into a sink. */
export interface FetchRequest<R> {
  digest: string
  /** The size the manifest gives, when known; checked as bytes arrive and at the end. */
  expectedSize: number | null
  /** GetDownloadUrlForLayer: called once at the start and again whenever the URL has expired. */
  getUrl: () => Promise<string>
  sink: BlobSink<R>
  signal: AbortSignal
  /** Names the blob in a digest mismatch ("Blob", "Config blob"). */
  what?: string
  /** Bytes held so far (written or in memory), with the total when known. */
  onBytes?: (received: number, total: number | null) => void
  onPhase?: (phase: FetchPhase) => void
}

/** What a fetch delivered. */
export interface FetchOutcome<R> {
  value: R
  size: number
  /** Bytes that came over the network in this run (less than size after a resume). */
  bytesTransferred: number
  /** The offset the run started from, when it continued bytes the sink held. */
  resumedFrom: number | null
  attempts: number
  urlRefreshes: number
}

/** Fetches, verifies and commits one blob; on failure the sink is closed and left as it is. */
export async function fetchBlob<R>(
  deps: PipelineDeps,
  request: FetchRequest<R>,
): Promise<FetchOutcome<R>> {
  const retry = deps.retry ?? DEFAULT_RETRY
  const verifier = new Verifier(request.digest, request.expectedSize)
  const { sink, signal } = request
  // The URL call and the sink's opening (and re-hash of a leftover partial) overlap.
  const firstUrl = request.getUrl()
  firstUrl.catch(() => undefined)
  try {
    let rehashing = false
    const held = await sink.resume(verifier, {
      signal,
      onBytes: (n) => {
        if (!rehashing) request.onPhase?.('rehashing')
        rehashing = true
        request.onBytes?.(n, request.expectedSize)
      },
    })
    const source = new RefreshingSource(await firstUrl, request.getUrl, retry.maxUrlRefreshes)
    const state: BodyState = {
      offset: held,
      total: request.expectedSize,
      transferred: 0,
      attempts: 0,
    }
    await withRetry(retry, deps, request, () =>
      source.refreshing(() => readBody(deps.http, source.url, state, verifier, request)),
    )
    request.onPhase?.('verifying')
    await verifier.finish(request.what ?? 'Blob')
    const value = await sink.commit()
    return {
      value,
      size: state.offset,
      bytesTransferred: state.transferred,
      resumedFrom: held > 0 ? held : null,
      attempts: state.attempts,
      urlRefreshes: source.refreshes,
    }
  } finally {
    verifier.abandon()
    await sink.close()
  }
}

interface BodyState {
  /** Bytes the sink holds, verified as they came. */
  offset: number
  total: number | null
  transferred: number
  attempts: number
}

/** A failure worth another attempt; `progressed` when bytes arrived before it. */
class Retryable extends Error {
  constructor(
    readonly error: AppError,
    readonly progressed: boolean,
  ) {
    super(error.message)
  }
}

/** The URL expired: a fresh one is worth another attempt. */
class Expired extends Error {
  constructor(readonly error: AppError) {
    super(error.message)
  }
}

/** Holds the current URL and asks for a fresh one when an attempt finds it expired. */
class RefreshingSource {
  refreshes = 0

  constructor(
    public url: string,
    private readonly getUrl: () => Promise<string>,
    private readonly maxRefreshes: number,
  ) {}

  async refreshing(attempt: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        return await attempt()
      } catch (error) {
        if (!(error instanceof Expired)) throw error
        if (this.refreshes >= this.maxRefreshes) throw new AppErrorException(error.error)
        this.refreshes++
        this.url = await this.getUrl()
      }
    }
  }
}

/** Retries an attempt with exponential backoff and full jitter; progress resets the count. */
async function withRetry<R>(
  policy: RetryPolicy,
  deps: PipelineDeps,
  request: FetchRequest<R>,
  attempt: () => Promise<void>,
): Promise<void> {
  const random = deps.random ?? Math.random
  const sleep = deps.sleep ?? abortableSleep
  let failures = 0
  for (;;) {
    try {
      return await attempt()
    } catch (error) {
      request.signal.throwIfAborted()
      if (!(error instanceof Retryable)) throw error
      if (error.progressed) failures = 0
      if (failures + 1 >= policy.maxAttempts) throw new AppErrorException(error.error)
      request.onPhase?.('retrying')
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** failures)
      failures++
      await sleep(Math.round(cap * random()), request.signal)
    }
  }
}

/**
 * One GET from the sink's end to the blob's end (Range resume): the answer is mapped by
 * blobAnswer, a resume is trusted only as a 206 starting where asked, and the body goes through
 * the verifier into the sink. Resolves once the blob is whole.
 */
async function readBody<R>(
  http: BlobHttp,
  url: string,
  state: BodyState,
  verifier: Verifier,
  request: FetchRequest<R>,
): Promise<void> {
  const { sink, signal } = request
  signal.throwIfAborted()
  if (state.total !== null && state.offset >= state.total) return
  state.attempts++
  let response: BlobResponse
  try {
    response = await http.get(url, {
      headers: state.offset > 0 ? { range: `bytes=${state.offset}-` } : {},
      signal,
      headersTimeoutMs: 30_000,
      bodyTimeoutMs: 60_000,
    })
  } catch (error) {
    signal.throwIfAborted()
    throw new Retryable(networkError(error), false)
  }

  const status = response.statusCode
  const answer = blobAnswer(
    status,
    status === 200 || status === 206 ? '' : await response.text().catch(() => ''),
  )
  if (answer.kind === 'expired') throw new Expired(answer.error)
  if (answer.kind === 'retry') throw new Retryable(answer.error, false)
  if (answer.kind === 'fail') throw new AppErrorException(answer.error)

  let start = 0
  if (status === 206) {
    start = contentRangeStart(response.headers['content-range'])
    if (start !== state.offset) {
      // Not the bytes we asked for: drop them and start again from zero.
      await response.dump()
      await restart(state, verifier, sink)
      return readBody(http, url, state, verifier, request)
    }
  } else if (state.offset > 0) {
    // A 200 to a Range request is the whole blob: not trusted as a resume, so the sink starts
    // over and this body is read from its first byte.
    try {
      await restart(state, verifier, sink)
    } catch (error) {
      await response.dump()
      throw error
    }
  }

  const length = Number(response.headers['content-length'])
  if (Number.isFinite(length)) state.total = start + length
  request.onPhase?.('downloading')
  // A writer that keeps its bytes in shared memory hashes them there on the hash thread (no copy);
  // then the verifier only counts them here, as they arrive.
  const writer = sink.writer((position) => request.onBytes?.(position, state.total), {
    hash: verifier.shared(),
  })
  const before = state.offset
  // The socket may read straight into the writer's memory.
  const into = writer.nextBuffer ? { nextBuffer: () => writer.nextBuffer!() } : {}
  const verifying: BodySink = writer.hashes
    ? {
        write: (view) => {
          verifier.count(view.length)
          return writer.write(view)
        },
        drained: () => writer.drained(),
        ...into,
      }
    : {
        write: (view) => {
          const more = verifier.update(view)
          return writer.write(view) && more
        },
        drained: async () => {
          await Promise.all([verifier.drained(), writer.drained()])
        },
        ...into,
      }
  try {
    await response.pipe(verifying)
    await writer.settle()
  } catch (error) {
    if (signal.aborted || error instanceof AppErrorException) {
      // Cancelled, a disk failure or too many bytes: nothing more is stored.
      await writer.abandon()
      signal.throwIfAborted()
      throw error
    }
    // What arrived intact is kept: stored, verified, and not fetched again.
    await writer.settle()
    state.offset = writer.position
    state.transferred += state.offset - before
    throw new Retryable(networkError(error), state.offset > before)
  }
  state.offset = writer.position
  state.transferred += state.offset - before
  if (state.total !== null && state.offset < state.total) {
    // The body ended early but cleanly: resume from here.
    throw new Retryable(
      {
        code: 'NetworkUnreachable',
        message: `The connection ended after ${state.offset} of ${state.total} bytes.`,
      },
      state.offset > before,
    )
  }
}

async function restart<R>(state: BodyState, verifier: Verifier, sink: BlobSink<R>): Promise<void> {
  await sink.restart()
  verifier.reset()
  state.offset = 0
}

function contentRangeStart(header: string | undefined): number {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header ?? '')
  return match ? Number(match[1]) : -1
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
