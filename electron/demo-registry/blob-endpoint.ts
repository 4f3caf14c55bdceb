import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import type { BlobFault, FaultQueue } from './faults'
import type { BlobSource, ImageCatalog } from './catalog'
import { KEYSTREAM_CHUNK, keystream } from './keystream'
import type { BlobUrlSigner, S3Failure } from './presign'
import { decodePathSegments } from './sigv4-text'
import { xmlEscape } from './wire'

/** The path prefix of pre-signed blob URLs: `/blobs/<account>/<repository>/<digest>`. */
export const BLOB_PATH_PREFIX = '/blobs/'

/** One request to the blob endpoint, as the registry saw and answered it. */
export interface BlobRequestLogEntry {
  readonly method: string
  readonly repositoryName: string | undefined
  readonly digest: string | undefined
  /** The Range header as received. */
  readonly range: string | undefined
  readonly status: number
  /** Body bytes handed to the socket; counted before each write, so a client never sees more. */
  readonly bytesSent: number
  /** The injected fault this request consumed, if any. */
  readonly fault: BlobFault['kind'] | undefined
}

/** The mutable form the endpoint updates while a body streams. */
export type MutableBlobLogEntry = {
  -readonly [K in keyof BlobRequestLogEntry]: BlobRequestLogEntry[K]
}

/** What the endpoint needs from the registry. */
export interface BlobEndpointContext {
  readonly accountId: string
  readonly catalog: ImageCatalog
  readonly signer: BlobUrlSigner
  readonly faults: FaultQueue<BlobFault>
  readonly now: Date
  readonly log: MutableBlobLogEntry[]
}

const BYTES_CHUNK = 64 * 1024

/** Serves GET/HEAD of a pre-signed blob URL like S3: signature, expiry, ranges, then the bytes. */
export async function serveBlob(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: BlobEndpointContext,
): Promise<void> {
  const method = req.method ?? 'GET'
  const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s)
  const rangeHeader = req.headers.range
  const located = locate(rawPath)
  const entry: MutableBlobLogEntry = {
    method,
    repositoryName: located?.repositoryName,
    digest: located?.digest,
    range: rangeHeader,
    status: 0,
    bytesSent: 0,
    fault: undefined,
  }
  ctx.log.push(entry)
  const requestId = randomBytes(8).toString('hex').toUpperCase()
  const base: Record<string, string> = {
    'x-amz-request-id': requestId,
    'x-amz-id-2': randomBytes(32).toString('base64'),
    Date: ctx.now.toUTCString(),
    Server: 'AmazonS3',
  }
  const fail = (failure: S3Failure, extra: Record<string, string> = {}) => {
    entry.status = failure.status
    sendS3Error(res, method, failure, { ...base, ...extra }, requestId)
  }

  if (method !== 'GET' && method !== 'HEAD') {
    fail({
      status: 405,
      code: 'MethodNotAllowed',
      message: 'The specified method is not allowed against this resource.',
    })
    return
  }

  const host = req.headers.host ?? ''
  const signed = { host, rawPath, rawQuery }
  const denied = await ctx.signer.verify(method, signed, ctx.now)
  if (denied) {
    fail(denied)
    return
  }

  const blob = located && findBlob(ctx, located.accountId, located.repositoryName, located.digest)
  if (!located || !blob) {
    fail({
      status: 404,
      code: 'NoSuchKey',
      message: 'The specified key does not exist.',
      details: [['Key', rawPath.slice(BLOB_PATH_PREFIX.length)]],
    })
    return
  }

  const fault = method === 'GET' ? ctx.faults.take(located.digest) : undefined
  entry.fault = fault?.kind
  if (fault?.kind === 'expired') {
    fail(expiredFailure(rawQuery, ctx.now))
    return
  }
  if (fault?.kind === 'throttle' || (fault?.kind === 'status' && fault.status === 503)) {
    fail({ status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' })
    return
  }
  if (fault?.kind === 'status') {
    fail({
      status: 500,
      code: 'InternalError',
      message: 'We encountered an internal error. Please try again.',
    })
    return
  }

  const size = blob.size
  const range = fault?.kind === 'ignore-range' ? undefined : parseRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    fail(
      {
        status: 416,
        code: 'InvalidRange',
        message: 'The requested range is not satisfiable',
        details: [
          ['RangeRequested', rangeHeader ?? ''],
          ['ActualObjectSize', String(size)],
        ],
      },
      { 'Content-Range': `bytes */${size}` },
    )
    return
  }
  let start = range?.start ?? 0
  const end = range?.end ?? size - 1
  if (range && fault?.kind === 'wrong-content-range') {
    start = Math.min(fault.startAt ?? (start === 0 ? 1 : 0), end)
  }
  const length = size === 0 ? 0 : end - start + 1

  const headers: Record<string, string> = {
    ...base,
    'Last-Modified': blob.lastModified.toUTCString(),
    // S3's ETag is an MD5 of the object; 32 hex digits of the digest look and behave the same.
    ETag: `"${located.digest.split(':')[1]?.slice(0, 32) ?? ''}"`,
    'Accept-Ranges': 'bytes',
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(length),
  }
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`
  // A clean close short of Content-Length needs the connection to end with the response.
  if (fault?.kind === 'truncate') headers['Connection'] = 'close'
  entry.status = range ? 206 : 200
  res.writeHead(entry.status, headers)
  if (method === 'HEAD' || length === 0) {
    res.end()
    return
  }
  await pump(res, chunks(blob.source, start, end + 1), start, fault, entry)
}

function locate(
  rawPath: string,
): { accountId: string; repositoryName: string; digest: string } | undefined {
  if (!rawPath.startsWith(BLOB_PATH_PREFIX)) return undefined
  const segments = decodePathSegments(rawPath.slice(BLOB_PATH_PREFIX.length))
  const accountId = segments.shift()
  const digest = segments.pop()
  if (!accountId || !digest || segments.length === 0) return undefined
  return { accountId, repositoryName: segments.join('/'), digest }
}

function findBlob(
  ctx: BlobEndpointContext,
  accountId: string,
  repositoryName: string,
  digest: string,
): { source: BlobSource; size: number; lastModified: Date } | undefined {
  if (accountId !== ctx.accountId) return undefined
  const known = ctx.catalog.repositoryBlob(repositoryName, digest)
  const source = ctx.catalog.blobSource(digest)
  if (!known || known.kind === 'foreign' || !source) return undefined
  const size = source.kind === 'bytes' ? source.bytes.length : source.size
  return { source, size, lastModified: known.lastModified }
}

/** Parses a single `bytes=` range like S3: multiple or malformed ranges mean the whole object. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match) return undefined
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return undefined
  if (first === '') {
    // A suffix range: the last N bytes.
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return { start, end }
}

function* chunks(source: BlobSource, start: number, end: number): Generator<Buffer> {
  if (source.kind === 'synthetic') {
    yield* keystream(source.seed, start, end, KEYSTREAM_CHUNK)
    return
  }
  for (let at = start; at < end; at += BYTES_CHUNK) {
    yield source.bytes.subarray(at, Math.min(end, at + BYTES_CHUNK))
  }
}

async function pump(
  res: ServerResponse,
  body: Iterable<Buffer>,
  start: number,
  fault: BlobFault | undefined,
  entry: MutableBlobLogEntry,
): Promise<void> {
  const limit =
    fault?.kind === 'reset' || fault?.kind === 'truncate'
      ? fault.afterBytes
      : Number.POSITIVE_INFINITY
  const rate = fault?.kind === 'slow' ? fault.bytesPerSecond : undefined
  const corruptAt = fault?.kind === 'corrupt' ? fault.offset : undefined
  const aborted = new AbortController()
  res.once('close', () => aborted.abort())
  const began = performance.now()
  let position = start

  try {
    for (const chunk of body) {
      let piece = chunk
      if (corruptAt !== undefined && corruptAt >= position && corruptAt < position + piece.length) {
        // Copy first: the sample bytes are shared by every registry in the process.
        piece = Buffer.from(piece)
        piece[corruptAt - position] = (piece[corruptAt - position] ?? 0) ^ 0xff
      }
      position += piece.length
      if (entry.bytesSent + piece.length > limit) piece = piece.subarray(0, limit - entry.bytesSent)
      // A slow link sends small slices, each when the token bucket has room for it.
      const slice = rate === undefined ? piece.length : Math.max(1, Math.floor(rate / 20))
      for (let at = 0; at < piece.length; at += slice) {
        if (res.destroyed) return
        const part = piece.subarray(at, at + slice)
        if (rate !== undefined) {
          const due = began + ((entry.bytesSent + part.length) / rate) * 1000
          const wait = due - performance.now()
          if (wait > 0) await delay(wait, undefined, { signal: aborted.signal })
        }
        entry.bytesSent += part.length
        if (!res.write(part)) await drained(res)
      }
      if (entry.bytesSent >= limit) break
    }
  } catch (error) {
    if (aborted.signal.aborted) return
    throw error
  }

  if (fault?.kind === 'reset' && entry.bytesSent >= limit) {
    // Let the bytes already written reach the socket, then send an RST instead of a FIN.
    await new Promise<void>((resolve) => res.write(Buffer.alloc(0), () => resolve()))
    const socket = res.socket
    if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
    else res.destroy()
    return
  }
  res.end()
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.once('drain', done)
    res.once('close', done)
  })
}

function expiredFailure(rawQuery: string, now: Date): S3Failure {
  const params = new URLSearchParams(rawQuery)
  const expires = params.get('X-Amz-Expires') ?? '0'
  const signedAt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(
    params.get('X-Amz-Date') ?? '',
  )
  const signed = signedAt
    ? Date.UTC(
        Number(signedAt[1]),
        Number(signedAt[2]) - 1,
        Number(signedAt[3]),
        Number(signedAt[4]),
        Number(signedAt[5]),
        Number(signedAt[6]),
      )
    : now.getTime()
  const expiresAt = new Date(signed + Number(expires) * 1000)
  const serverTime = new Date(Math.max(now.getTime(), expiresAt.getTime() + 1000))
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')
  return {
    status: 403,
    code: 'AccessDenied',
    message: 'Request has expired',
    details: [
      ['X-Amz-Expires', expires],
      ['Expires', iso(expiresAt)],
      ['ServerTime', iso(serverTime)],
    ],
  }
}

/** Renders S3's XML error document (no body for HEAD, as S3 does). */
function sendS3Error(
  res: ServerResponse,
  method: string,
  failure: S3Failure,
  headers: Record<string, string>,
  requestId: string,
): void {
  const details = (failure.details ?? [])
    .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
    .join('')
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xmlEscape(failure.code)}</Code><Message>${xmlEscape(failure.message)}</Message>` +
    `${details}<RequestId>${requestId}</RequestId><HostId>${xmlEscape(headers['x-amz-id-2'] ?? '')}</HostId></Error>`
  const bytes = Buffer.from(xml, 'utf8')
  res.writeHead(failure.status, {
    ...headers,
    'Content-Type': 'application/xml',
    'Content-Length': String(bytes.length),
  })
  res.end(method === 'HEAD' ? undefined : bytes)
}
