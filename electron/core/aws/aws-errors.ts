import type { ErrorCode } from '../../../shared/errors'
import { AppErrorException, type AppError } from '../../../shared/ipc/result'

// AWS errors are recognised by name, never by class: the renderer only ever sees the code.
const BY_NAME: Record<string, ErrorCode> = {
  ExpiredTokenException: 'ExpiredToken',
  ExpiredToken: 'ExpiredToken',
  RequestExpired: 'ExpiredToken',
  UnrecognizedClientException: 'UnrecognizedClient',
  InvalidClientTokenId: 'UnrecognizedClient',
  InvalidSignatureException: 'InvalidSignature',
  SignatureDoesNotMatch: 'InvalidSignature',
  AccessDeniedException: 'AccessDenied',
  AccessDenied: 'AccessDenied',
  ThrottlingException: 'Throttling',
  Throttling: 'Throttling',
  TooManyRequestsException: 'Throttling',
  RequestLimitExceeded: 'Throttling',
  RepositoryNotFoundException: 'RepositoryNotFound',
  InvalidParameterException: 'InvalidParameter',
  ValidationException: 'InvalidParameter',
  ServerException: 'ServerException',
  ImageNotFoundException: 'ImageNotFound',
  ScanNotFoundException: 'ScanNotFound',
  LimitExceededException: 'LimitExceeded',
  UnableToGetUpstreamImageException: 'UnableToGetUpstreamImage',
  UnableToGetUpstreamLayerException: 'UnableToGetUpstreamLayer',
  LayersNotFoundException: 'LayersNotFound',
  LayerInaccessibleException: 'LayerInaccessible',
  ImageArchivedException: 'ImageArchived',
  ImageStorageClassUpdateNotSupportedException: 'ImageStorageClassUpdateNotSupported',
  UnableToListUpstreamImageReferrersException: 'UnableToListUpstreamImageReferrers',
  InternalFailure: 'ServerException',
  ServiceUnavailable: 'ServerException',
  ServiceUnavailableException: 'ServerException',
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
])

const SSO_EXPIRED =
  /sso.*(expired|invalid|refresh|login)|token.*(expired|refresh)|(expired|invalid).*sso/is

/**
 * The one map from an AWS SDK error (or a network failure under it) to a catalog error, by
 * `error.name`. Services call it where an AWS call fails, through `aws()`; the IPC dispatcher
 * uses it only for what no service mapped.
 */
export function awsError(error: unknown): AppError {
  const err = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: string
    message?: string
    code?: string
    $metadata?: unknown
    $fault?: string
    cause?: { code?: string }
  }
  const name = err.name ?? 'Error'
  const message = err.message ?? String(error)
  const base = { message }

  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return { ...base, code: SSO_EXPIRED.test(message) ? 'SsoTokenExpired' : 'NoCredentials' }
  }
  // The name comes from the endpoint's answer: `constructor` must not find Object's.
  const code = Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined
  if (code === 'AccessDenied') {
    const match = /perform: (\S+)(?: on resource: (\S+))?/.exec(message)
    return {
      ...base,
      code,
      awsName: name,
      ...(match?.[1] ? { action: match[1] } : {}),
      ...(match?.[2] ? { resource: match[2] } : {}),
    }
  }
  if (code) return { ...base, code, awsName: name }

  const sysCode = err.code ?? err.cause?.code
  if (
    (sysCode && NETWORK_CODES.has(sysCode)) ||
    name === 'TimeoutError' ||
    name === 'NetworkingError'
  ) {
    return { ...base, code: 'NetworkUnreachable' }
  }
  if (err.$metadata !== undefined) {
    return { ...base, code: err.$fault === 'server' ? 'ServerException' : 'Unknown', awsName: name }
  }
  return { ...base, code: 'Unknown' }
}

/** Awaits an AWS call; its failure is thrown as the catalog error awsError maps it to. */
export async function aws<T>(call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (error) {
    if (error instanceof AppErrorException) throw error
    throw new AppErrorException(awsError(error))
  }
}
