import type {
  ConnectionChoice,
  ConnectionState,
  ProfilesList,
} from '../../../../shared/models/connection'
import { ECR_REGIONS } from '../../../../shared/regions'

/** Option values of the Profile select. Profile names cannot contain spaces, so no clash. */
export const DEFAULT_CHAIN_VALUE = 'default-chain'
export const DEMO_VALUE = 'demo'
const PROFILE_PREFIX = 'profile:'

export interface SelectOption {
  value: string
  label: string
}

/** The Profile select's value for the connection in use. */
export function profileValue(connection: ConnectionState): string {
  if (connection.kind === 'demo') return DEMO_VALUE
  return connection.profile === null ? DEFAULT_CHAIN_VALUE : PROFILE_PREFIX + connection.profile
}

/** The default chain, every profile (SSO ones marked), and the demo registry. */
export function profileOptions(
  connection: ConnectionState,
  profiles: ProfilesList | undefined,
): SelectOption[] {
  const named = (profiles?.profiles ?? []).map((profile) => ({
    value: PROFILE_PREFIX + profile.name,
    label: profile.sso ? `${profile.name} (SSO)` : profile.name,
  }))
  // The profile in use stays selectable even if the files no longer list it (or failed to load).
  if (
    connection.kind === 'aws' &&
    connection.profile !== null &&
    !named.some((option) => option.value === PROFILE_PREFIX + connection.profile)
  ) {
    named.unshift({ value: PROFILE_PREFIX + connection.profile, label: connection.profile })
  }
  return [
    { value: DEFAULT_CHAIN_VALUE, label: 'Default credential chain' },
    ...named,
    { value: DEMO_VALUE, label: 'Demo registry' },
  ]
}

/**
 * What to ask main for when the user picks a Profile option. Like the AWS CLI, a profile brings
 * its own region when it names one; otherwise the region on screen is kept.
 */
export function choiceForProfile(
  value: string,
  connection: ConnectionState,
  profiles: ProfilesList | undefined,
): ConnectionChoice {
  if (value === DEMO_VALUE) return { kind: 'demo' }
  const currentRegion = connection.region
  if (value === DEFAULT_CHAIN_VALUE) {
    const defaultProfile = profiles?.profiles.find((profile) => profile.name === 'default')
    return {
      kind: 'aws',
      profile: null,
      region: profiles?.environmentRegion ?? defaultProfile?.region ?? currentRegion,
    }
  }
  const name = value.startsWith(PROFILE_PREFIX) ? value.slice(PROFILE_PREFIX.length) : value
  const profile = profiles?.profiles.find((candidate) => candidate.name === name)
  return { kind: 'aws', profile: name, region: profile?.region ?? currentRegion }
}

/** The Region select's options; the region in use is kept even if the list does not know it. */
export function regionOptions(current: string): string[] {
  const regions: string[] = [...ECR_REGIONS]
  return regions.includes(current) ? regions : [current, ...regions]
}

/** A short name for the profile in use, for the identity line. */
export function profileLabel(kind: ConnectionState['kind'], profile: string | null): string {
  if (kind === 'demo') return 'demo registry'
  return profile ?? 'default chain'
}
