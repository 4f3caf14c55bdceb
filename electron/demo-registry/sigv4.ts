import { createHash } from 'node:crypto'
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { formatAmzDate, parseAmzDate } from '../../shared/amz-date'
import { AwsError, SIGNATURE_MISMATCH_MESSAGE } from './aws-error'
import type { Identity } from './credentials'
import { decodePathSegments, parseQuery, queryRecord, sameSignature } from './sigv4-text'

/** The parts of an incoming HTTP request that SigV4 covers. */
export interface IncomingSignedRequest {
  method: string
  /** The path as sent on the wire (still percent-encoded), without the query. */
  rawPath: string
  /** The query string as sent, without the leading `?`. */
  rawQuery: string
  /** Header name (lower case) to every value received for it. */
  headers: Readonly<Record<string, readonly string[] | undefined>>
  body: Buffer
}

/** What the verifier checks the request against. */
export interface VerifyOptions {
  lookup: (accessKeyId: string) => Identity | undefined
  now: Date
  region: string
  service: string
}

const ALGORITHM = 'AWS4-HMAC-SHA256'
const MAX_SKEW_MS = 5 * 60 * 1000

/**
 * Authenticates a header-signed SigV4 request and returns the caller, or throws the AwsError
 * AWS would answer with. Checks run in AWS's order: key, token, expiry, clock, scope, signature.
 */
export async function verifySigV4(
  request: IncomingSignedRequest,
  options: VerifyOptions,
): Promise<Identity> {
  const authorization = single(request.headers, 'authorization')
  if (authorization === undefined) {
    throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token')
  }
  const auth = parseAuthorization(authorization)

  const identity = options.lookup(auth.accessKeyId)
  if (!identity) {
    throw new AwsError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    )
  }
  const token = single(request.headers, 'x-amz-security-token')
  if (token !== identity.sessionToken) {
    // A session token that does not belong to the key is as unknown to AWS as a bad key.
    throw new AwsError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    )
  }
  if (identity.expired) {
    throw new AwsError(
      'ExpiredTokenException',
      'The security token included in the request is expired',
    )
  }

  const amzDate = single(request.headers, 'x-amz-date')
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate)
  if (
    amzDate === undefined ||
    signingDate === undefined ||
    !auth.signedHeaders.includes('x-amz-date')
  ) {
    throw new AwsError(
      'IncompleteSignatureException',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    )
  }
  checkClockSkew(amzDate, signingDate, options.now)

  if (auth.scopeDate !== amzDate.slice(0, 8)) {
    throw new AwsError(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    )
  }
  if (auth.scopeRegion !== options.region) {
    throw new AwsError(
      'InvalidSignatureException',
      'Credential should be scoped to a valid region.',
    )
  }
  if (auth.scopeService !== options.service) {
    throw new AwsError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${options.service}'.`,
    )
  }
  if (!auth.signedHeaders.includes('host')) {
    throw new AwsError(
      'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    )
  }

  const headers: Record<string, string> = {}
  for (const name of auth.signedHeaders) {
    headers[name] = (request.headers[name] ?? []).map((v) => v.trim()).join(',')
  }
  // A signed body hash must describe the body we actually received, or the body could be swapped.
  const claimedHash = headers['x-amz-content-sha256']
  if (claimedHash !== undefined) {
    const actualHash = createHash('sha256').update(request.body).digest('hex')
    if (claimedHash !== actualHash) {
      throw new AwsError('InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE)
    }
  }

  const expected = await computeSignature({
    request,
    headers,
    signedHeaders: auth.signedHeaders,
    signingDate,
    region: auth.scopeRegion,
    service: auth.scopeService,
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
  })
  if (!sameSignature(expected, auth.signature)) {
    throw new AwsError('InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE)
  }
  return identity
}

interface ParsedAuthorization {
  accessKeyId: string
  scopeDate: string
  scopeRegion: string
  scopeService: string
  signedHeaders: string[]
  signature: string
}

function parseAuthorization(header: string): ParsedAuthorization {
  const trimmed = header.trim()
  const space = trimmed.indexOf(' ')
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space)
  if (algorithm !== ALGORITHM) {
    throw new AwsError(
      'IncompleteSignatureException',
      `Unsupported AWS 'algorithm': '${algorithm}'`,
    )
  }
  const params = new Map<string, string>()
  for (const part of trimmed.slice(space + 1).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((p) => !params.get(p))
  if (missing.length > 0) {
    throw new AwsError(
      'IncompleteSignatureException',
      missing.map((p) => `Authorization header requires '${p}' parameter.`).join(' '),
    )
  }
  const credential = (params.get('Credential') ?? '').split('/')
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = credential
  if (
    credential.length !== 5 ||
    !accessKeyId ||
    !scopeDate ||
    !scopeRegion ||
    !scopeService ||
    terminator !== 'aws4_request'
  ) {
    throw new AwsError(
      'IncompleteSignatureException',
      `Credential should be scoped to a valid region, service and terminated by 'aws4_request'.`,
    )
  }
  return {
    accessKeyId,
    scopeDate,
    scopeRegion,
    scopeService,
    signedHeaders: (params.get('SignedHeaders') ?? '').split(';').map((h) => h.toLowerCase()),
    signature: params.get('Signature') ?? '',
  }
}

// AWS words the two directions differently; clients (and the SDK's skew correction) rely on it.
function checkClockSkew(amzDate: string, signingDate: Date, now: Date): void {
  const skew = signingDate.getTime() - now.getTime()
  if (skew < -MAX_SKEW_MS) {
    const earliest = formatAmzDate(new Date(now.getTime() - MAX_SKEW_MS))
    throw new AwsError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${earliest} (${formatAmzDate(now)} - 5 min.)`,
    )
  }
  if (skew > MAX_SKEW_MS) {
    const latest = formatAmzDate(new Date(now.getTime() + MAX_SKEW_MS))
    throw new AwsError(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${latest} (${formatAmzDate(now)} + 5 min.)`,
    )
  }
}

async function computeSignature(input: {
  request: IncomingSignedRequest
  headers: Record<string, string>
  signedHeaders: string[]
  signingDate: Date
  region: string
  service: string
  accessKeyId: string
  secretAccessKey: string
}): Promise<string> {
  // No session token here: it is already among the signed headers, and the signer would add it twice.
  const signer = new SignatureV4({
    service: input.service,
    region: input.region,
    credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
    sha256: Sha256,
    applyChecksum: false,
  })
  const signed = await signer.sign(
    new HttpRequest({
      method: input.request.method,
      protocol: 'http:',
      hostname: 'localhost',
      // The signer percent-encodes the path itself, so it must see the path as the client did.
      path: decodePathSegments(input.request.rawPath).join('/'),
      query: queryRecord(parseQuery(input.request.rawQuery)),
      headers: input.headers,
      body: input.request.body,
    }),
    {
      signingDate: input.signingDate,
      signingRegion: input.region,
      signingService: input.service,
      // Sign exactly what the client listed, even headers the JS signer would skip by default.
      signableHeaders: new Set(input.signedHeaders),
    },
  )
  const header = signed.headers['authorization'] ?? ''
  return /Signature=([0-9a-f]+)/.exec(header)?.[1] ?? ''
}

function single(
  headers: Readonly<Record<string, readonly string[] | undefined>>,
  name: string,
): string | undefined {
  const values = headers[name]
  return values === undefined || values.length === 0 ? undefined : values.join(',')
}
