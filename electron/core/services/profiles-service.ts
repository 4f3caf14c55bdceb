import { homedir } from 'node:os'
import { join } from 'node:path'
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader'
import type { ProfileSummary, ProfilesList } from '../../../shared/models/connection'

type Section = Record<string, string | undefined>

// Section keys the loader gives to non-profile sections of the config file.
const NON_PROFILE = /^(sso-session|services)\./

/** Lists profiles from the shared config and credentials files, as the AWS CLI sees them. */
export class ProfilesService {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Reads both files afresh (honouring AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE). */
  async list(): Promise<ProfilesList> {
    const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true })
    const names = new Set([
      ...Object.keys(configFile).filter((name) => !NON_PROFILE.test(name)),
      ...Object.keys(credentialsFile),
    ])
    const profiles = [...names]
      .sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))
      .map((name) => summarise(name, configFile[name], credentialsFile[name]))
    return {
      profiles,
      configFile: this.env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'),
      credentialsFile:
        this.env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials'),
      environmentCredentials: Boolean(this.env.AWS_ACCESS_KEY_ID && this.env.AWS_SECRET_ACCESS_KEY),
      environmentRegion: this.env.AWS_REGION || this.env.AWS_DEFAULT_REGION || null,
    }
  }

  /** The region a profile names, if any. */
  async regionOf(profile: string | null): Promise<string | null> {
    const { configFile } = await loadSharedConfigFiles()
    return own(configFile, profile ?? this.env.AWS_PROFILE ?? 'default')?.region ?? null
  }

  /** The endpoint a service should use for a profile, resolved as the AWS CLI does, or null. */
  async endpointOf(profile: string | null, service: 'ecr' | 'sts' = 'ecr'): Promise<string | null> {
    if (this.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return null
    const fromEnv =
      this.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || this.env.AWS_ENDPOINT_URL
    if (fromEnv) return fromEnv
    const { configFile } = await loadSharedConfigFiles()
    const section = own(configFile, profile ?? this.env.AWS_PROFILE ?? 'default')
    if (!section) return null
    const services = section.services ? own(configFile, `services.${section.services}`) : undefined
    return (
      (services && own(services, `${service}.endpoint_url`)) ?? own(section, 'endpoint_url') ?? null
    )
  }
}

/** A profile's section (or a key of one), only if the file has it: `constructor` is a name too. */
function own<V>(map: Record<string, V>, key: string): V | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined
}

function summarise(
  name: string,
  config: Section | undefined,
  credentials: Section | undefined,
): ProfileSummary {
  const merged: Section = { ...config, ...credentials }
  return {
    name,
    region: merged.region ?? null,
    source: config && credentials ? 'both' : config ? 'config' : 'credentials',
    sso: Boolean(merged.sso_session || merged.sso_start_url),
    credentialProcess: Boolean(merged.credential_process),
    assumeRole: Boolean(merged.role_arn),
    endpointUrl: merged.endpoint_url ?? null,
  }
}
