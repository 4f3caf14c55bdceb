import type { AppError } from '../../../shared/ipc/result'

/** What one HTTP answer from a blob URL means for the download. */
export type BlobAnswer =
  /** 200 or 206: the body is the blob (or the asked-for part of it). */
  | { kind: 'body' }
  /** The pre-signed URL has expired: ask ECR for a fresh one and try again. */
  | { kind: 'expired'; error: AppError }
  /** A transient failure (408, 429, 5xx): back off and try again. */
  | { kind: 'retry'; error: AppError }
  /** A final answer: retrying would get the same. */
  | { kind: 'fail'; error: AppError }

/** Statuses containerd, skopeo and crane retry with backoff. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/**
 * The one place an HTTP answer from a blob URL becomes a catalog error. `body` is the answer's
 * text (S3's XML error document), read only for statuses other than 200 and 206.
 */
export function blobAnswer(status: number, body = ''): BlobAnswer {
  if (status === 200 || status === 206) return { kind: 'body' }
  const s3Code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1]
  if (status === 403 || status === 400) {
    const s3Message = /<Message>([^<]+)<\/Message>/.exec(body)?.[1] ?? ''
    const error: AppError = {
      code: 'AccessDenied',
      message: `The pre-signed blob URL was refused: ${s3Code ?? `HTTP ${status}`}${s3Message ? ` — ${s3Message}` : ''}.`,
    }
    return /Request has expired/i.test(body) ? { kind: 'expired', error } : { kind: 'fail', error }
  }
  if (status === 404) {
    return {
      kind: 'fail',
      error: {
        code: 'LayersNotFound',
        message: 'The blob URL answered 404: the blob is gone from the registry.',
      },
    }
  }
  if (isRetryableStatus(status)) {
    const throttled = status === 429 || s3Code === 'SlowDown'
    return {
      kind: 'retry',
      error: {
        code: throttled ? 'Throttling' : 'ServerException',
        message: `The blob URL kept answering HTTP ${status}${s3Code ? ` (${s3Code})` : ''}.`,
      },
    }
  }
  return {
    kind: 'fail',
    error: { code: 'Unknown', message: `The blob URL answered HTTP ${status}.` },
  }
}

/** A connection that failed or broke off, as a catalog error. */
export function networkError(error: unknown): AppError {
  const e = error as { code?: string; message?: string }
  return {
    code: 'NetworkUnreachable',
    message: `The blob download failed: ${e.message ?? String(error)}${e.code ? ` (${e.code})` : ''}.`,
  }
}
