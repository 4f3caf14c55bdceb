import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProfilesService } from './profiles-service'

let dir: string
let env: NodeJS.ProcessEnv

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-profiles-'))
  await writeFile(
    join(dir, 'config'),
    [
      '[default]',
      'region = eu-west-1',
      '[profile dev]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = Dev',
      'region = us-west-2',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = us-east-1',
      '[profile tool]',
      'credential_process = /bin/false',
      'endpoint_url = http://127.0.0.1:9',
      '[profile deploy]',
      'role_arn = arn:aws:iam::111122223333:role/deploy',
      'source_profile = ci',
      'services = local',
      '[services local]',
      'ecr =',
      '  endpoint_url = http://127.0.0.1:7',
      '',
    ].join('\n'),
  )
  await writeFile(
    join(dir, 'credentials'),
    '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n[ci]\naws_access_key_id = A\naws_secret_access_key = B\n',
  )
  env = {
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  }
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value)
})
afterEach(async () => {
  vi.unstubAllEnvs()
  await rm(dir, { recursive: true, force: true })
})

describe('ProfilesService', () => {
  it('lists profiles from both files, default first, without sso-session or services sections', async () => {
    const list = await new ProfilesService(env).list()
    expect(list.profiles.map((p) => p.name)).toEqual(['default', 'ci', 'deploy', 'dev', 'tool'])
    expect(list.configFile).toBe(join(dir, 'config'))
    expect(list.credentialsFile).toBe(join(dir, 'credentials'))
    expect(list.environmentCredentials).toBe(false)
  })

  it('describes how each profile gets credentials', async () => {
    const byName = Object.fromEntries(
      (await new ProfilesService(env).list()).profiles.map((p) => [p.name, p]),
    )
    expect(byName.default).toMatchObject({ source: 'both', region: 'eu-west-1', sso: false })
    expect(byName.dev).toMatchObject({ source: 'config', sso: true, region: 'us-west-2' })
    expect(byName.tool).toMatchObject({
      credentialProcess: true,
      endpointUrl: 'http://127.0.0.1:9',
    })
    expect(byName.deploy).toMatchObject({ assumeRole: true })
    expect(byName.ci).toMatchObject({ source: 'credentials' })
  })

  it('resolves the ECR endpoint as the AWS CLI does: env first, then services, then endpoint_url', async () => {
    const service = new ProfilesService(env)
    expect(await service.endpointOf('tool')).toBe('http://127.0.0.1:9')
    expect(await service.endpointOf('deploy')).toBe('http://127.0.0.1:7')
    expect(await service.endpointOf('dev')).toBeNull()
    const withEnv = new ProfilesService({
      ...env,
      AWS_ENDPOINT_URL: 'http://global',
      AWS_ENDPOINT_URL_ECR: 'http://ecr',
    })
    expect(await withEnv.endpointOf('tool')).toBe('http://ecr')
    const ignoring = new ProfilesService({ ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })
    expect(await ignoring.endpointOf('tool')).toBeNull()
  })

  it('reports environment credentials and region', async () => {
    const list = await new ProfilesService({
      ...env,
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_DEFAULT_REGION: 'ap-south-1',
    }).list()
    expect(list.environmentCredentials).toBe(true)
    expect(list.environmentRegion).toBe('ap-south-1')
  })
})
