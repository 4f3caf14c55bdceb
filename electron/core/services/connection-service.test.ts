import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { INVOKE_CHANNELS } from '../../../shared/ipc/channels'
import type { ConnectionState } from '../../../shared/models/connection'
import { start, type TestRegistry } from '../../demo-registry/testing'
import { ConnectionService } from './connection-service'
import { ProfilesService } from './profiles-service'
import { SettingsService } from './settings-service'

let demo: TestRegistry
let dir: string | undefined
let service: ConnectionService | null = null

beforeAll(async () => {
  demo = await start({ repositoryCount: 3, accountId: '210987654321' })
})
afterAll(async () => {
  await demo.stop()
})
afterEach(async () => {
  await service?.dispose()
  service = null
  if (dir) await rm(dir, { recursive: true, force: true })
})

// A connection whose AWS side has no credentials anywhere, so it opens on the demo registry, and
// whose demo registry is the test's own.
async function connection(): Promise<{ service: ConnectionService; changes: ConnectionState[] }> {
  const folder = await mkdtemp(join(tmpdir(), 'elb-connection-'))
  dir = folder
  const env = {
    AWS_CONFIG_FILE: join(folder, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  }
  const changes: ConnectionState[] = []
  service = new ConnectionService({
    settings: new SettingsService(join(folder, 'settings.json')),
    profiles: new ProfilesService(env),
    env,
    startDemo: () =>
      Promise.resolve({
        endpoint: demo.endpoint,
        region: demo.region,
        credentials: demo.credentials,
        signingPublicKeyPem: demo.signingPublicKeyPem,
      }),
    credentialChain: () => () => Promise.reject(noCredentials()),
    onChange: (state) => void changes.push(state),
  })
  return { service, changes }
}

function noCredentials(): Error {
  const error = new Error('Could not load credentials from any providers')
  error.name = 'CredentialsProviderError'
  return error
}

describe('the identity', () => {
  it('is built from two calls: the account from DescribeRegistry, the rest from the connection', async () => {
    const { service } = await connection()
    const before = demo.registry.requestCount('DescribeRegistry')
    expect(await service.identity()).toEqual({
      account: '210987654321',
      region: demo.region,
      profile: null,
      kind: 'demo',
    })
    expect(demo.registry.requestCount('DescribeRegistry')).toBe(before + 1)
    // The same answer through the service's own channel.
    expect(await service.handlers()['connection:identity']({})).toEqual({
      account: '210987654321',
      region: demo.region,
      profile: null,
      kind: 'demo',
    })
  })

  it('names the profile and region of an AWS connection, and fails as the call does without keys', async () => {
    const { service } = await connection()
    await service.set({ kind: 'aws', profile: null, region: 'eu-west-1' })
    const error = await service.identity().then(
      () => null,
      (e: unknown) => e as { error?: { code: string } },
    )
    expect(error?.error?.code).toBe('NoCredentials')
  })
})

describe('the demo signing key', () => {
  it('is the running demo registry’s while the demo is the connection, and null under AWS', async () => {
    const { service, changes } = await connection()
    expect(await service.demoKey()).toEqual({ publicKeyPem: demo.signingPublicKeyPem })
    await service.set({ kind: 'aws', profile: null, region: 'us-east-1' })
    expect(changes.at(-1)).toMatchObject({ kind: 'aws' })
    expect(await service.demoKey()).toBeNull()
    await service.set({ kind: 'demo' })
    expect(await service.demoKey()).toEqual({ publicKeyPem: demo.signingPublicKeyPem })
  })
})

describe('the connection: channels', () => {
  it('answers exactly the contract’s connection: channels', () => {
    const names = Object.keys(new ConnectionService({} as never).handlers()).sort()
    expect(names).toEqual(INVOKE_CHANNELS.filter((c) => c.startsWith('connection:')).sort())
  })
})
