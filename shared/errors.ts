import type { AppError } from './ipc/result'

/** Every error code the app can show. Each one has an entry in the catalog below. */
export const ERROR_CODES = [
  'NoCredentials',
  'SsoTokenExpired',
  'ExpiredToken',
  'UnrecognizedClient',
  'InvalidSignature',
  'AccessDenied',
  'Throttling',
  'NetworkUnreachable',
  'RepositoryNotFound',
  'InvalidParameter',
  'ServerException',
  'Forbidden',
  'Unknown',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** What the user reads: a title, what happened, and what to do next. */
export interface ErrorDescription {
  title: string
  explanation: string
  nextStep: string
}

type Entry = (error: AppError) => ErrorDescription

const profileFlag = (error: AppError): string =>
  error.profile ? ` --profile ${error.profile}` : ''

const catalog: Record<ErrorCode, Entry> = {
  NoCredentials: (e) => ({
    title: 'No AWS credentials found',
    explanation:
      'The AWS SDK looked in the environment, the shared credentials and config files, IAM Identity Center (SSO), credential_process and assumed roles, and found no credentials' +
      (e.profile ? ` for the profile "${e.profile}".` : '.'),
    nextStep:
      'Run `aws configure` to store access keys, or `aws configure sso` and then `aws sso login` for IAM Identity Center. Or open the demo registry to explore the app without AWS.',
  }),
  SsoTokenExpired: (e) => ({
    title: 'Your AWS SSO session has expired',
    explanation:
      'The IAM Identity Center (SSO) token cached for this profile is missing or expired, so the SDK cannot get role credentials.',
    nextStep: `Run \`aws sso login${profileFlag(e)}\`, then retry.`,
  }),
  ExpiredToken: (e) => ({
    title: 'Your AWS credentials have expired',
    explanation:
      'The session token sent with the request is past its expiry time. Temporary credentials (from SSO, an assumed role or `aws sts get-session-token`) last only a few hours.',
    nextStep: `Refresh the credentials (for SSO, \`aws sso login${profileFlag(e)}\`; for exported keys, export a new set), then retry.`,
  }),
  UnrecognizedClient: (e) => ({
    title: 'AWS does not recognise these access keys',
    explanation:
      'The access key ID is invalid, deleted or deactivated, or it belongs to a different partition than the region you chose.',
    nextStep: `Check the keys with \`aws sts get-caller-identity${profileFlag(e)}\`, and create new ones in IAM if they were rotated.`,
  }),
  InvalidSignature: () => ({
    title: 'The request signature was rejected',
    explanation:
      'AWS computed a different signature: the secret access key does not match the access key ID, or this computer’s clock is more than five minutes off.',
    nextStep:
      'Check that the secret key belongs to the access key ID, and that the system clock is set automatically (network time).',
  }),
  AccessDenied: (e) => ({
    title: 'Access denied',
    explanation: e.action
      ? `Your identity is not allowed to call ${e.action}${e.resource ? ` on ${e.resource}` : ''}.`
      : 'Your identity is not allowed to make this call.',
    nextStep: e.action
      ? `Ask an administrator to allow the IAM action \`${e.action}\` for your role or user${e.resource ? ` on \`${e.resource}\`` : ''}, or switch to a profile that has it.`
      : 'Ask an administrator for the ECR read permissions (for example the AmazonEC2ContainerRegistryReadOnly policy), or switch profile.',
  }),
  Throttling: () => ({
    title: 'AWS is throttling requests',
    explanation:
      'Too many ECR requests were made in a short time, and retries did not get through.',
    nextStep:
      'Wait a few seconds and retry. If other tools share this account, they count against the same limit.',
  }),
  NetworkUnreachable: (e) => ({
    title: 'Cannot reach the ECR endpoint',
    explanation: `The connection to ECR${e.region ? ` in ${e.region}` : ''} failed before AWS answered: no network, a proxy or firewall in the way, or a custom endpoint that is not listening.`,
    nextStep:
      'Check your network and proxy settings (HTTPS_PROXY), the region, and AWS_ENDPOINT_URL_ECR or the profile’s endpoint_url if you set one.',
  }),
  RepositoryNotFound: (e) => ({
    title: 'Repository not found',
    explanation: `${e.message || 'The repository does not exist in this registry.'}`,
    nextStep: `Check the name, the region${e.region ? ` (now ${e.region})` : ''} and the account: repositories are per region and per registry.`,
  }),
  InvalidParameter: (e) => ({
    title: 'Invalid input',
    explanation: e.field ? `The field "${e.field}" is not valid: ${e.message}` : e.message,
    nextStep: 'Correct the value and try again. Nothing was sent to AWS.',
  }),
  ServerException: () => ({
    title: 'ECR had an internal error',
    explanation:
      'Amazon ECR answered with a server error, even after retries. This is on AWS’s side.',
    nextStep: 'Retry in a minute, and check the AWS Health Dashboard if it keeps happening.',
  }),
  Forbidden: () => ({
    title: 'Request refused',
    explanation: 'The request did not come from the app’s own window, so it was refused.',
    nextStep: 'Reload the window. If you opened the web bridge, use the URL it printed.',
  }),
  Unknown: (e) => ({
    title: 'Something went wrong',
    explanation: e.awsName ? `${e.awsName}: ${e.message}` : e.message,
    nextStep: 'Retry. If it keeps happening, copy the details and report it.',
  }),
}

/** Looks up the title, explanation and next step for an error. */
export function describeError(error: AppError): ErrorDescription {
  return (catalog[error.code] ?? catalog.Unknown)(error)
}

/** Type guard for AppError-shaped data. */
export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    typeof (value as AppError).message === 'string'
  )
}
