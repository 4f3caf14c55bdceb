import { DescribeRegistryCommand, ECRClient } from '@aws-sdk/client-ecr'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { DEFAULT_REGION } from '../../../shared/regions'
import type { ConnectionChoice, ConnectionState, Identity } from '../../../shared/models/connection'
import { aws } from '../aws/aws-errors'
import type { HandlersOf } from '../ipc/handlers'
import type { ErrorContext } from '../ipc/to-app-error'
import { createRequestHandler } from './http'
import type { ProfilesService } from './profiles-service'
import type { SettingsService } from './settings-service'

/** A running demo registry, as the connection needs it. */
export interface DemoEndpoint {
  endpoint: string
  region: string
  credentials: AwsCredentialIdentity
  /** The PEM public key that signed the demo's signed images in this run. */
  signingPublicKeyPem: string
}

/** What the connection service is built from. */
export interface ConnectionDeps {
  settings: SettingsService
  profiles: ProfilesService
  env: NodeJS.ProcessEnv
  /** Starts the in-process demo registry on first use and returns the same one afterwards. */
  startDemo: () => Promise<DemoEndpoint>
  /** The SDK's default chain for a profile; injectable so tests can stand in a failing one. */
  credentialChain?: (profile: string | null) => AwsCredentialIdentityProvider
  /** Told whenever the connection changes. */
  onChange: (state: ConnectionState) => void
  /** How long the STS caller-identity lookup may take before the UI gives up on it. */
  callerIdentityTimeoutMs?: number
}

interface Active {
  state: ConnectionState
  /** The demo registry, when it is the connection. */
  demo: DemoEndpoint | null
  ecr: ECRClient
  sts: STSClient
}

const CREDENTIALS_MISSING =
  /could not load credentials from any providers|unable to find|not found/i

/** Holds the chosen connection and the SDK clients built for it. Credentials never leave it. */
export class ConnectionService {
  private active: Promise<Active> | null = null

  constructor(private readonly deps: ConnectionDeps) {}

  /** The connection in use, deciding it on first call from the settings and the credential chain. */
  async get(): Promise<ConnectionState> {
    return (await this.current()).state
  }

  /** Switches connection, remembers the choice and tells the renderer. */
  async set(choice: ConnectionChoice): Promise<ConnectionState> {
    const previous = this.active
    const next = this.connect(choice, false)
    this.active = next
    const { state } = await next
    await this.deps.settings.setConnection(choice)
    previous?.then(dispose, () => undefined)
    this.deps.onChange(state)
    return state
  }

  /** The ECR client for the current connection, and the registry it browses by default. */
  async target(): Promise<{ client: ECRClient; registryId: string | undefined }> {
    const { ecr, state } = await this.current()
    return { client: ecr, registryId: state.registryId ?? undefined }
  }

  /** Browses another account's registry with the same credentials, remembered per profile. */
  async setRegistry(registryId: string | null): Promise<ConnectionState> {
    const active = await this.current()
    await this.deps.settings.setRegistry(profileKey(active.state), registryId)
    active.state = { ...active.state, registryId }
    this.deps.onChange(active.state)
    return active.state
  }

  /** STS GetCallerIdentity, bounded in time; null when it fails or is too slow. */
  async callerArn(): Promise<string | null> {
    const { sts } = await this.current()
    try {
      const out = await sts.send(new GetCallerIdentityCommand({}), {
        abortSignal: AbortSignal.timeout(this.deps.callerIdentityTimeoutMs ?? 4_000),
      })
      return out.Arn ?? null
    } catch {
      return null
    }
  }

  /**
   * Who the user is, for the header: the account from DescribeRegistry, with the region, profile
   * and kind of the same connection the call went through.
   */
  async identity(): Promise<Identity> {
    const { ecr, state } = await this.current()
    const out = await aws(ecr.send(new DescribeRegistryCommand({})))
    return {
      account: out.registryId ?? '',
      region: state.region,
      profile: state.profile,
      kind: state.kind,
    }
  }

  /** The demo registry's signing public key while the demo is the connection; null otherwise. */
  async demoKey(): Promise<{ publicKeyPem: string } | null> {
    const { demo } = await this.current()
    return demo ? { publicKeyPem: demo.signingPublicKeyPem } : null
  }

  /** The `connection:` channels. */
  handlers(): HandlersOf<'connection'> {
    return {
      'connection:get': () => this.get(),
      'connection:set': (choice) => this.set(choice),
      'connection:list-profiles': () => this.deps.profiles.list(),
      'connection:identity': () => this.identity(),
      'connection:caller-identity': async () => ({ arn: await this.callerArn() }),
      'connection:set-registry': ({ registryId }) => this.setRegistry(registryId),
    }
  }

  /** The profile and region, for error messages; synchronous so it can be read in a catch. */
  context(): ErrorContext {
    return this.lastContext
  }

  /** Closes the clients' sockets. */
  async dispose(): Promise<void> {
    await this.active?.then(dispose, () => undefined)
    this.active = null
  }

  private lastContext: ErrorContext = {}

  private current(): Promise<Active> {
    this.active ??= this.initial()
    return this.active
  }

  private async initial(): Promise<Active> {
    const { connection } = await this.deps.settings.get()
    if (connection) return this.connect(connection, false)
    const region = (await this.defaultRegion(null)) ?? DEFAULT_REGION
    const aws = await this.connect({ kind: 'aws', profile: null, region }, false)
    if (aws.state.credentialsFound) return aws
    // No credentials anywhere: open on the demo registry, behind the welcome screen.
    dispose(aws)
    return this.connect({ kind: 'demo' }, true)
  }

  private async connect(choice: ConnectionChoice, showWelcome: boolean): Promise<Active> {
    if (choice.kind === 'demo') {
      const demo = await this.deps.startDemo()
      const config = {
        region: demo.region,
        endpoint: demo.endpoint,
        credentials: demo.credentials,
        requestHandler: createRequestHandler(this.deps.env),
      }
      this.lastContext = { profile: null, region: demo.region }
      return {
        state: {
          kind: 'demo',
          profile: null,
          region: demo.region,
          credentialsFound: true,
          showWelcome,
          endpoint: demo.endpoint,
          registryId: await this.rememberedRegistry(DEMO_KEY),
        },
        demo,
        ecr: new ECRClient(config),
        sts: new STSClient(config),
      }
    }
    const { profile, region } = choice
    const chain = this.deps.credentialChain ?? defaultChain
    const credentials = chain(profile)
    // The SDK reads endpoint_url only from AWS_PROFILE's section, not from the client's profile,
    // so the endpoint is resolved here, as the AWS CLI does, and passed explicitly.
    const endpoint = await this.deps.profiles.endpointOf(profile, 'ecr')
    const stsEndpoint = await this.deps.profiles.endpointOf(profile, 'sts')
    const config = {
      region,
      ...(profile ? { profile } : {}),
      credentials,
      requestHandler: createRequestHandler(this.deps.env),
    }
    this.lastContext = { profile, region }
    return {
      state: {
        kind: 'aws',
        profile,
        region,
        credentialsFound: await hasCredentials(credentials),
        showWelcome,
        endpoint,
        registryId: await this.rememberedRegistry(profile ?? ''),
      },
      demo: null,
      ecr: new ECRClient({ ...config, ...(endpoint ? { endpoint } : {}) }),
      sts: new STSClient({ ...config, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) }),
    }
  }

  private async rememberedRegistry(key: string): Promise<string | null> {
    const { registryByProfile } = await this.deps.settings.get()
    // A profile may be called `__proto__` or `constructor`: only the map's own entries count.
    return Object.hasOwn(registryByProfile, key) ? (registryByProfile[key] ?? null) : null
  }

  private async defaultRegion(profile: string | null): Promise<string | null> {
    const env = this.deps.env
    return env.AWS_REGION || env.AWS_DEFAULT_REGION || (await this.deps.profiles.regionOf(profile))
  }
}

const DEMO_KEY = '@demo'

// Registries are remembered per profile: "" is the default chain, DEMO_KEY the demo registry.
const profileKey = (state: ConnectionState): string =>
  state.kind === 'demo' ? DEMO_KEY : (state.profile ?? '')

const defaultChain = (profile: string | null): AwsCredentialIdentityProvider =>
  fromNodeProviderChain(profile ? { profile } : {})

// Only "nothing configured" counts as missing. An expired SSO token or a failing
// credential_process means the user did configure something: the real call shows that error.
async function hasCredentials(provider: AwsCredentialIdentityProvider): Promise<boolean> {
  try {
    await provider()
    return true
  } catch (error) {
    const name = (error as Error).name
    return !(
      name === 'CredentialsProviderError' && CREDENTIALS_MISSING.test((error as Error).message)
    )
  }
}

function dispose(active: Active): void {
  active.ecr.destroy()
  active.sts.destroy()
}
