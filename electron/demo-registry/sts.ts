import type { ServerResponse } from 'node:http'
import { AwsError } from './aws-error'
import type { Identity } from './credentials'
import { send, xmlEscape } from './wire'

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'
const STS_VERSION = '2011-06-15'

/** The STS actions the emulator answers; GetCallerIdentity is all the app needs to name the caller. */
export const STS_ACTIONS: ReadonlySet<string> = new Set(['GetCallerIdentity'])

/** Reads `Action` from a Query-protocol body, rejecting versions STS would not recognise. */
export function parseStsAction(params: URLSearchParams): string {
  const action = params.get('Action') ?? ''
  const version = params.get('Version') ?? ''
  if (!STS_ACTIONS.has(action) || version !== STS_VERSION) {
    throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${version}`)
  }
  return action
}

/** Renders GetCallerIdentity's XML answer for the authenticated caller. */
export function sendCallerIdentity(
  res: ServerResponse,
  base: Record<string, string>,
  identity: Identity,
  fallbackAccount: string,
  requestId: string,
): void {
  const account = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(identity.arn)?.[1] ?? fallbackAccount
  const xml =
    `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}">` +
    `<GetCallerIdentityResult>` +
    `<Arn>${xmlEscape(identity.arn)}</Arn>` +
    `<UserId>${xmlEscape(identity.userId)}</UserId>` +
    `<Account>${xmlEscape(account)}</Account>` +
    `</GetCallerIdentityResult>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</GetCallerIdentityResponse>`
  send(res, 200, { ...base, 'Content-Type': 'text/xml' }, xml)
}

// STS speaks the Query protocol, whose auth errors have their own names and statuses.
const QUERY_ERRORS: Readonly<Record<string, { code: string; status: number }>> = {
  UnrecognizedClientException: { code: 'InvalidClientTokenId', status: 403 },
  InvalidSignatureException: { code: 'SignatureDoesNotMatch', status: 403 },
  IncompleteSignatureException: { code: 'IncompleteSignature', status: 400 },
  MissingAuthenticationTokenException: { code: 'MissingAuthenticationToken', status: 403 },
  ExpiredTokenException: { code: 'ExpiredToken', status: 400 },
  ThrottlingException: { code: 'Throttling', status: 400 },
  ServerException: { code: 'InternalFailure', status: 500 },
}

/** Renders an error as STS's Query-protocol `<ErrorResponse>`. */
export function sendStsError(
  res: ServerResponse,
  base: Record<string, string>,
  error: AwsError,
  requestId: string,
): { code: string; status: number } {
  const mapped = QUERY_ERRORS[error.code] ?? { code: error.code, status: error.status }
  const type = mapped.status >= 500 ? 'Receiver' : 'Sender'
  const xml =
    `<ErrorResponse xmlns="${STS_NAMESPACE}">` +
    `<Error><Type>${type}</Type><Code>${xmlEscape(mapped.code)}</Code>` +
    `<Message>${xmlEscape(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId>` +
    `</ErrorResponse>`
  send(res, mapped.status, { ...base, 'Content-Type': 'text/xml' }, xml)
  return mapped
}
