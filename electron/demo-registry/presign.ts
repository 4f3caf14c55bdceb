import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { formatAmzDate, parseAmzDate } from './amz-date'
import { generateKeyPair } from './credentials'

/** An S3-style failure the blob endpoint renders as XML. */
export interface S3Failure {
  readonly status: number
  readonly code: string
  readonly message: string
  /** Extra elements S3 adds for this code, in order (e.g. Expires and ServerTime). */
  readonly details?: readonly (readonly [string, string])[]
}

/** What the blob endpoint passes in to check a pre-signed request. */
export interface PresignedRequest {
  readonly host: string
  /** The path as sent on the wire (still percent-encoded), without the query. */
  readonly rawPath: string
  /** The query string as sent, without `?`. */
  readonly rawQuery: string
}

const ALGORITHM = 'AWS4-HMAC-SHA256'
const SERVICE = 's3'
const MAX_EXPIRES = 604_800
const REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Expires',
] as const

/** RFC 3986 encoding as SigV4 requires: everything but unreserved characters. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** S3's timestamp form in error bodies: ISO 8601 without milliseconds. */
export function formatIsoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, '%20'))
  } catch {
    return text
  }
}

function parseQuery(rawQuery: string): [string, string][] {
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=')
      return eq < 0
        ? ([safeDecode(pair), ''] as [string, string])
        : ([safeDecode(pair.slice(0, eq)), safeDecode(pair.slice(eq + 1))] as [string, string])
    })
}

/**
 * Signs and checks S3-style pre-signed URLs (SigV4 in the query string, service `s3`) with a
 * key only the registry knows, so a URL cannot be forged, altered or used after it expires.
 */
export class BlobUrlSigner {
  /** The registry-internal key; exposed so tests can re-sign a URL with an independent signer. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }

  /** Generates this registry's private signing key. */
  constructor(private readonly region: string) {
    const pair = generateKeyPair()
    // ASIA: S3 pre-signed URLs from ECR are signed with temporary credentials.
    this.credentials = { ...pair, accessKeyId: pair.accessKeyId.replace(/^AKIA/, 'ASIA') }
  }

  /** Returns `origin + path` with the SigV4 query parameters that make it valid until now+expires. */
  sign(
    origin: string,
    path: string,
    now: Date,
    expiresInSeconds: number,
    method: 'GET' | 'HEAD' = 'GET',
  ): string {
    const url = new URL(origin)
    const amzDate = formatAmzDate(now)
    const params: [string, string][] = [
      ['X-Amz-Algorithm', ALGORITHM],
      ['X-Amz-Credential', `${this.credentials.accessKeyId}/${this.scope(amzDate)}`],
      ['X-Amz-Date', amzDate],
      ['X-Amz-Expires', String(expiresInSeconds)],
      ['X-Amz-SignedHeaders', 'host'],
    ]
    const signature = this.signature(method, url.host, path, params, amzDate)
    const query = [...params, ['X-Amz-Signature', signature] as const]
      .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
      .join('&')
    return `${url.origin}${path}?${query}`
  }

  /** Checks a pre-signed request in S3's order; returns the failure S3 would answer, if any. */
  verify(method: string, request: PresignedRequest, now: Date): S3Failure | undefined {
    const params = parseQuery(request.rawQuery)
    const get = (name: string) => params.find(([k]) => k === name)?.[1]
    if (REQUIRED.every((name) => get(name) === undefined)) {
      return { status: 403, code: 'AccessDenied', message: 'Access Denied' }
    }
    if (REQUIRED.some((name) => get(name) === undefined)) {
      return queryError(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      )
    }
    if (get('X-Amz-Algorithm') !== ALGORITHM) {
      return queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
    }
    const amzDate = get('X-Amz-Date') ?? ''
    const signedAt = parseAmzDate(amzDate)
    if (!signedAt) {
      return queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
    }
    const expiresText = get('X-Amz-Expires') ?? ''
    const expires = /^\d+$/.test(expiresText) ? Number(expiresText) : Number.NaN
    if (Number.isNaN(expires)) return queryError('X-Amz-Expires should be a number')
    if (expires > MAX_EXPIRES) {
      return queryError(
        `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES} seconds`,
      )
    }
    const [keyId, ...scope] = (get('X-Amz-Credential') ?? '').split('/')
    if (keyId !== this.credentials.accessKeyId) {
      return {
        status: 403,
        code: 'InvalidAccessKeyId',
        message: 'The AWS Access Key Id you provided does not exist in our records.',
        details: [['AWSAccessKeyId', keyId ?? '']],
      }
    }
    const expiresAt = new Date(signedAt.getTime() + expires * 1000)
    if (now.getTime() > expiresAt.getTime()) {
      return {
        status: 403,
        code: 'AccessDenied',
        message: 'Request has expired',
        details: [
          ['X-Amz-Expires', expiresText],
          ['Expires', formatIsoSeconds(expiresAt)],
          ['ServerTime', formatIsoSeconds(now)],
        ],
      }
    }
    const provided = get('X-Amz-Signature') ?? ''
    const unsigned = params.filter(([k]) => k !== 'X-Amz-Signature')
    const path = request.rawPath.split('/').map(safeDecode).join('/')
    // The method is signed, so (as in S3) a URL pre-signed for GET is refused for HEAD.
    const expected =
      scope.join('/') === this.scope(amzDate) && get('X-Amz-SignedHeaders') === 'host'
        ? this.signature(method, request.host, path, unsigned, amzDate)
        : ''
    if (!sameText(expected, provided)) {
      return {
        status: 403,
        code: 'SignatureDoesNotMatch',
        message:
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        details: [
          ['AWSAccessKeyId', keyId],
          ['SignatureProvided', provided],
        ],
      }
    }
    return undefined
  }

  private scope(amzDate: string): string {
    return `${amzDate.slice(0, 8)}/${this.region}/${SERVICE}/aws4_request`
  }

  private signature(
    method: string,
    host: string,
    path: string,
    params: readonly (readonly [string, string])[],
    amzDate: string,
  ): string {
    // S3 signs the path encoded once, segment by segment, and never normalises it.
    const canonicalUri = path.split('/').map(uriEncode).join('/')
    const canonicalQuery = params
      .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&')
    const canonicalRequest = [
      method,
      canonicalUri,
      canonicalQuery,
      `host:${host.trim()}\n`,
      'host',
      'UNSIGNED-PAYLOAD',
    ].join('\n')
    const stringToSign = [
      ALGORITHM,
      amzDate,
      this.scope(amzDate),
      createHash('sha256').update(canonicalRequest).digest('hex'),
    ].join('\n')
    const hmac = (key: Buffer | string, data: string) =>
      createHmac('sha256', key).update(data).digest()
    const dateKey = hmac(`AWS4${this.credentials.secretAccessKey}`, amzDate.slice(0, 8))
    const signingKey = hmac(hmac(hmac(dateKey, this.region), SERVICE), 'aws4_request')
    return createHmac('sha256', signingKey).update(stringToSign).digest('hex')
  }
}

function queryError(message: string): S3Failure {
  return { status: 400, code: 'AuthorizationQueryParametersError', message }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}
