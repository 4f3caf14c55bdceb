import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { parseAmzDate } from '../../shared/amz-date'
import { generateKeyPair } from './credentials'
import { decodePathSegments, parseQuery, queryRecord, sameSignature, uriEncode } from './sigv4-text'

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
/** The parameters the signer writes, in the order S3's pre-signed URLs carry them. */
const SIGNED_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
] as const
const SIGNATURE = 'X-Amz-Signature'
const REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Expires',
] as const
// S3 signs pre-signed GETs with UNSIGNED-PAYLOAD and only the host header.
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256'
const PAYLOAD_ONLY = new Set([PAYLOAD_HASH_HEADER])

/** S3's timestamp form in error bodies: ISO 8601 without milliseconds. */
export function formatIsoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * Signs and checks S3-style pre-signed URLs (SigV4 in the query string, service `s3`) with a
 * key only the registry knows, so a URL cannot be forged, altered or used after it expires.
 */
export class BlobUrlSigner {
  /** The registry-internal key; exposed so tests can re-sign a URL with an independent signer. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
  private readonly signer: SignatureV4

  /** Generates this registry's private signing key. */
  constructor(private readonly region: string) {
    const pair = generateKeyPair()
    // ASIA: S3 pre-signed URLs from ECR are signed with temporary credentials.
    this.credentials = { ...pair, accessKeyId: pair.accessKeyId.replace(/^AKIA/, 'ASIA') }
    this.signer = new SignatureV4({
      service: SERVICE,
      region,
      credentials: this.credentials,
      sha256: Sha256,
      // S3 signs the path encoded once, segment by segment, and never normalises it.
      uriEscapePath: false,
      applyChecksum: false,
    })
  }

  /** Returns `origin + path` with the SigV4 query parameters that make it valid until now+expires. */
  async sign(
    origin: string,
    path: string,
    now: Date,
    expiresInSeconds: number,
    method: 'GET' | 'HEAD' = 'GET',
  ): Promise<string> {
    const url = new URL(origin)
    const query = await this.presign(method, url.host, path.split('/'), [], now, expiresInSeconds)
    const pairs = [...SIGNED_PARAMS, SIGNATURE].map((name) => [name, String(query[name])])
    return `${url.origin}${path}?${pairs.map(([k, v]) => `${uriEncode(k!)}=${uriEncode(v!)}`).join('&')}`
  }

  /** Checks a pre-signed request in S3's order; returns the failure S3 would answer, if any. */
  async verify(
    method: string,
    request: PresignedRequest,
    now: Date,
  ): Promise<S3Failure | undefined> {
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
    const provided = get(SIGNATURE) ?? ''
    // Re-sign what arrived: every other parameter is signed as sent. The signer writes the SigV4
    // parameters itself, so each must appear once and read exactly as it would write it; a
    // duplicated or re-spelt one (a second X-Amz-Expires, `0100` for `100`) cannot match.
    const signedNames: readonly string[] = [...SIGNED_PARAMS, SIGNATURE]
    const once = signedNames.every((name) => params.filter(([k]) => k === name).length === 1)
    const expected =
      once && scope.join('/') === this.scope(amzDate) && get('X-Amz-SignedHeaders') === 'host'
        ? await this.presign(
            // The method is signed, so (as in S3) a URL pre-signed for GET is refused for HEAD.
            method,
            request.host,
            decodePathSegments(request.rawPath),
            params.filter(([k]) => !signedNames.includes(k)),
            signedAt,
            expires,
          )
        : undefined
    const matches =
      expected !== undefined &&
      SIGNED_PARAMS.every((name) => expected[name] === get(name)) &&
      sameSignature(String(expected[SIGNATURE]), provided)
    if (!matches) {
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

  /** The query @smithy/signature-v4 pre-signs for this request (its SigV4 parameters included). */
  private async presign(
    method: string,
    host: string,
    pathSegments: readonly string[],
    params: readonly (readonly [string, string])[],
    signingDate: Date,
    expiresIn: number,
  ): Promise<Record<string, string | string[] | null>> {
    const presigned = await this.signer.presign(
      new HttpRequest({
        method,
        protocol: 'http:',
        hostname: 'localhost',
        path: pathSegments.map(uriEncode).join('/'),
        query: queryRecord(params),
        headers: { host: host.trim(), [PAYLOAD_HASH_HEADER]: 'UNSIGNED-PAYLOAD' },
      }),
      {
        signingDate,
        expiresIn,
        unsignableHeaders: PAYLOAD_ONLY,
        unhoistableHeaders: PAYLOAD_ONLY,
      },
    )
    return presigned.query ?? {}
  }
}

function queryError(message: string): S3Failure {
  return { status: 400, code: 'AuthorizationQueryParametersError', message }
}
