import type { z } from 'zod'
import type { connectionChoiceSchema } from '../schemas'

/** Where the app sends its ECR calls: the AWS SDK credential chain, or the built-in demo registry. */
export type ConnectionKind = 'aws' | 'demo'

/** What the user picked in the connection bar. `profile: null` means the SDK's default chain. */
export type ConnectionChoice = z.infer<typeof connectionChoiceSchema>

/** The connection in use, as the renderer may see it: names and flags only, never credentials. */
export interface ConnectionState {
  kind: ConnectionKind
  /** The named profile, or null for the default chain (environment, then the default profile). */
  profile: string | null
  region: string
  /** Whether the credential chain for this profile produced credentials when last checked. */
  credentialsFound: boolean
  /** True until the user has made a first choice while no AWS credentials were found. */
  showWelcome: boolean
  /** A custom ECR endpoint (the demo registry, AWS_ENDPOINT_URL_ECR, endpoint_url), or null. */
  endpoint: string | null
  /** Another account's registry being browsed, or null for the caller's own. */
  registryId: string | null
}

/** One profile from the shared config and credentials files. */
export interface ProfileSummary {
  name: string
  region: string | null
  /** Which of the two files declare it. */
  source: 'config' | 'credentials' | 'both'
  /** It signs in through IAM Identity Center (sso_session or sso_start_url). */
  sso: boolean
  /** It gets keys from an external command. */
  credentialProcess: boolean
  /** It assumes a role from another profile or a web identity. */
  assumeRole: boolean
  endpointUrl: string | null
}

/** The profiles the user can pick from, and the files they came from. */
export interface ProfilesList {
  profiles: ProfileSummary[]
  configFile: string
  credentialsFile: string
  /** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set in the environment. */
  environmentCredentials: boolean
  /** AWS_REGION or AWS_DEFAULT_REGION, if set. */
  environmentRegion: string | null
}

/** Who the user is, from DescribeRegistry. */
export interface Identity {
  account: string
  region: string
  profile: string | null
  kind: ConnectionKind
}

/** The caller ARN from STS GetCallerIdentity; null when STS did not answer in time. */
export interface CallerIdentity {
  arn: string | null
}
