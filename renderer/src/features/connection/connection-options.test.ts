import { describe, expect, it } from 'vitest'
import type {
  ConnectionState,
  ProfileSummary,
  ProfilesList,
} from '../../../../shared/models/connection'
import {
  DEFAULT_CHAIN_VALUE,
  DEMO_VALUE,
  choiceForProfile,
  profileLabel,
  profileOptions,
  profileValue,
  regionOptions,
} from './connection-options'

const aws = (profile: string | null, region = 'eu-west-1'): ConnectionState => ({
  kind: 'aws',
  profile,
  region,
  credentialsFound: true,
  showWelcome: false,
  endpoint: null,
  registryId: null,
})

const profile = (name: string, extra: Partial<ProfileSummary> = {}): ProfileSummary => ({
  name,
  region: null,
  source: 'config',
  sso: false,
  credentialProcess: false,
  assumeRole: false,
  endpointUrl: null,
  ...extra,
})

const list = (
  profiles: ProfileSummary[],
  environmentRegion: string | null = null,
): ProfilesList => ({
  profiles,
  configFile: '/home/me/.aws/config',
  credentialsFile: '/home/me/.aws/credentials',
  environmentCredentials: false,
  environmentRegion,
})

describe('profile options', () => {
  it('lists the default chain, each profile with SSO marked, and the demo registry', () => {
    const options = profileOptions(
      aws(null),
      list([profile('default'), profile('dev', { sso: true })]),
    )
    expect(options.map((option) => option.label)).toEqual([
      'Default credential chain',
      'default',
      'dev (SSO)',
      'Demo registry',
    ])
  })

  it('keeps the profile in use when the files do not list it', () => {
    const options = profileOptions(aws('gone'), undefined)
    expect(options.map((option) => option.label)).toEqual([
      'Default credential chain',
      'gone',
      'Demo registry',
    ])
    expect(options.map((option) => option.value)).toContain(profileValue(aws('gone')))
  })

  it('maps the connection to its option value', () => {
    expect(profileValue(aws(null))).toBe(DEFAULT_CHAIN_VALUE)
    expect(profileValue({ ...aws(null), kind: 'demo' })).toBe(DEMO_VALUE)
    expect(profileValue(aws('dev'))).toBe('profile:dev')
  })
})

describe('choiceForProfile', () => {
  const profiles = list([profile('dev', { region: 'ap-south-1' }), profile('ops')])

  it('uses the profile region when it has one, else keeps the current region', () => {
    expect(choiceForProfile('profile:dev', aws(null), profiles)).toEqual({
      kind: 'aws',
      profile: 'dev',
      region: 'ap-south-1',
    })
    expect(choiceForProfile('profile:ops', aws(null), profiles)).toEqual({
      kind: 'aws',
      profile: 'ops',
      region: 'eu-west-1',
    })
  })

  it('gives the default chain the environment region first', () => {
    expect(choiceForProfile(DEFAULT_CHAIN_VALUE, aws('dev'), list([], 'us-west-2'))).toEqual({
      kind: 'aws',
      profile: null,
      region: 'us-west-2',
    })
    expect(
      choiceForProfile(
        DEFAULT_CHAIN_VALUE,
        aws('dev'),
        list([profile('default', { region: 'ca-central-1' })]),
      ),
    ).toEqual({ kind: 'aws', profile: null, region: 'ca-central-1' })
  })

  it('picks the demo registry', () => {
    expect(choiceForProfile(DEMO_VALUE, aws('dev'), profiles)).toEqual({ kind: 'demo' })
  })
})

describe('regionOptions', () => {
  it('lists ECR regions and keeps an unknown current one', () => {
    expect(regionOptions('eu-west-1')).not.toContain('xx-none-1')
    expect(regionOptions('xx-none-1')[0]).toBe('xx-none-1')
  })
})

describe('profileLabel', () => {
  it('names the demo registry and the default chain', () => {
    expect(profileLabel('demo', null)).toBe('demo registry')
    expect(profileLabel('aws', null)).toBe('default chain')
    expect(profileLabel('aws', 'dev')).toBe('dev')
  })
})
