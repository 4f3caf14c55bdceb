import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { describeError, type ErrorCode } from '../../shared/errors'
import type { Result } from '../../shared/ipc/result'
import type { ConnectionState } from '../../shared/models/connection'
import type { Page, Repository } from '../../shared/models/repository'
import { startHarness, stubProcessEnv, type Harness } from './testing/app-harness'

let harness: Harness | null = null
let restoreEnv: (() => void) | null = null

afterEach(async () => {
  restoreEnv?.()
  restoreEnv = null
  await harness?.close()
  harness = null
})

const AWS = { connection: { kind: 'aws' as const, profile: null, region: 'us-east-1' } }

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options)
  restoreEnv = stubProcessEnv(harness.env)
  return harness
}

function expectError(result: Result<unknown>, code: ErrorCode) {
  expect(result.ok, JSON.stringify(result)).toBe(false)
  if (result.ok) throw new Error('unreachable')
  expect(result.error.code).toBe(code)
  return result.error
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('the AWS connection', () => {
  it('uses environment keys and AWS_ENDPOINT_URL_ECR, and pages every repository', async () => {
    const { app, registry } = await start({ repositoryCount: 2500, settings: AWS })
    const names: string[] = []
    let nextToken: string | undefined
    do {
      const result = (await app.dispatch('ecr:list-repositories', {
        maxResults: 1000,
        ...(nextToken ? { nextToken } : {}),
      })) as Result<Page<Repository>>
      if (!result.ok) throw new Error(result.error.message)
      names.push(...result.value.items.map((r) => r.repositoryName))
      nextToken = result.value.nextToken ?? undefined
    } while (nextToken)
    expect(names).toHaveLength(2500)
    expect(new Set(names).size).toBe(2500)
    expect(registry.requestCount('DescribeRepositories')).toBe(3)
  })

  it('shows who the user is: account from DescribeRegistry, caller ARN from STS', async () => {
    const { app, registry } = await start({ settings: AWS })
    expect(await app.dispatch('connection:identity', {})).toEqual({
      ok: true,
      value: { account: registry.accountId, region: 'us-east-1', profile: null, kind: 'aws' },
    })
    expect(await app.dispatch('connection:caller-identity', {})).toEqual({
      ok: true,
      value: { arn: `arn:aws:iam::${registry.accountId}:user/demo` },
    })
  })

  it('gives a null caller ARN, not an error, when STS does not answer', async () => {
    const port = await closedPort()
    const { app } = await start({
      settings: AWS,
      env: (registry) => ({
        AWS_ACCESS_KEY_ID: registry.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: registry.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_ECR: registry.endpoint,
        AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`,
      }),
    })
    expect(await app.dispatch('connection:caller-identity', {})).toEqual({
      ok: true,
      value: { arn: null },
    })
  })

  it("honours a profile's endpoint_url and keys from the shared files", async () => {
    const { app, registry } = await start({
      settings: { connection: { kind: 'aws', profile: 'local', region: 'us-east-1' } },
      env: (registry, dir) => ({
        AWS_CONFIG_FILE: join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      }),
    })
    await writeFile(
      join(harness!.dataDir, 'config'),
      `[profile local]\nregion = us-east-1\nendpoint_url = ${registry.endpoint}\n`,
    )
    await writeFile(
      join(harness!.dataDir, 'credentials'),
      `[local]\naws_access_key_id = ${registry.credentials.accessKeyId}\naws_secret_access_key = ${registry.credentials.secretAccessKey}\n`,
    )
    const state = (await app.dispatch('connection:get', {})) as Result<ConnectionState>
    expect(state).toMatchObject({
      ok: true,
      value: { kind: 'aws', profile: 'local', endpoint: registry.endpoint, credentialsFound: true },
    })
    const page = await app.dispatch('ecr:list-repositories', {})
    expect(page.ok, JSON.stringify(page)).toBe(true)
    expect(registry.requestLog().at(-1)?.accessKeyId).toBe(registry.credentials.accessKeyId)
  })

  it('opens on the demo registry behind the welcome screen when no credentials exist', async () => {
    const { app, registry } = await start({ env: () => ({}) })
    const state = (await app.dispatch('connection:get', {})) as Result<ConnectionState>
    expect(state).toMatchObject({ ok: true, value: { kind: 'demo', showWelcome: true } })
    const page = (await app.dispatch('ecr:list-repositories', {})) as Result<Page<Repository>>
    expect(page.ok && page.value.items.length).toBeGreaterThan(0)
    // The app's own in-process demo registry answered, not the test's.
    expect(registry.requestCount()).toBe(0)
  })

  it('switches connection, remembers it in settings without secrets, and emits the change', async () => {
    const { app, registry, dataDir, events } = await start({ settings: AWS })
    const demo = (await app.dispatch('connection:set', { kind: 'demo' })) as Result<ConnectionState>
    expect(demo).toMatchObject({ ok: true, value: { kind: 'demo', showWelcome: false } })
    expect(events).toEqual([{ channel: 'connection:changed', payload: demo.ok && demo.value }])
    const saved = await readFile(join(dataDir, 'settings.json'), 'utf8')
    expect(JSON.parse(saved)).toMatchObject({ connection: { kind: 'demo' } })
    expect(saved).not.toContain(registry.credentials.secretAccessKey)
    expect(saved).not.toContain(registry.credentials.accessKeyId)

    await app.dispatch('connection:set', { kind: 'aws', profile: null, region: 'us-east-1' })
    expect((await app.dispatch('ecr:list-repositories', {})).ok).toBe(true)
    expect(registry.requestCount('DescribeRepositories')).toBe(1)
  })
})

describe('a profile named after an Object.prototype member', () => {
  it('connection:set to __proto__ carries no registry from Object.prototype, and set-registry saves', async () => {
    const { app, dataDir } = await start({ settings: AWS })
    for (const profile of ['__proto__', 'constructor', 'toString']) {
      const set = (await app.dispatch('connection:set', {
        kind: 'aws',
        profile,
        region: 'us-east-1',
      })) as Result<ConnectionState>
      expect(set, profile).toMatchObject({ ok: true, value: { profile, registryId: null } })

      const chosen = (await app.dispatch('connection:set-registry', {
        registryId: '123456789012',
      })) as Result<ConnectionState>
      expect(chosen).toMatchObject({ ok: true, value: { profile, registryId: '123456789012' } })
      const saved = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as {
        registryByProfile: Record<string, string>
      }
      expect(Object.hasOwn(saved.registryByProfile, profile), profile).toBe(true)
      expect(saved.registryByProfile[profile]).toBe('123456789012')
    }
    // Remembered across a reconnect, per profile.
    await app.dispatch('connection:set', { kind: 'aws', profile: null, region: 'us-east-1' })
    const back = (await app.dispatch('connection:set', {
      kind: 'aws',
      profile: '__proto__',
      region: 'us-east-1',
    })) as Result<ConnectionState>
    expect(back).toMatchObject({ ok: true, value: { registryId: '123456789012' } })
    const cleared = (await app.dispatch('connection:set-registry', {
      registryId: null,
    })) as Result<ConnectionState>
    expect(cleared).toMatchObject({ ok: true, value: { registryId: null } })
    const saved = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as {
      registryByProfile: Record<string, string>
    }
    expect(Object.keys(saved.registryByProfile).sort()).toEqual(['constructor', 'toString'])
  })
})

describe('paths from the renderer are honoured only if the user chose them', () => {
  const sha = `sha256:${'0'.repeat(64)}`
  let ids = 0
  const op = () => `op-paths-${String(++ids).padStart(4, '0')}`

  async function startWithFiles() {
    const h = await start({ settings: AWS })
    const downloads = join(h.dataDir, 'downloads')
    await mkdir(downloads, { recursive: true })
    const inside = join(downloads, 'blob.tar.gz')
    await writeFile(inside, 'inside')
    const outsideDir = await mkdtemp(join(tmpdir(), 'elb-outside-'))
    const outside = join(outsideDir, 'secret.txt')
    await writeFile(outside, 'secret')
    outsideDirs.push(outsideDir)
    return { h, downloads, inside, outsideDir, outside }
  }
  const outsideDirs: string[] = []
  afterEach(async () => {
    for (const dir of outsideDirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })

  it('verify-file, index-file and show-in-folder refuse /etc/shadow and a typed path outside, saying what to do', async () => {
    const { h, downloads, outside } = await startWithFiles()
    for (const path of ['/etc/shadow', outside, join(downloads, '..', 'settings.json')]) {
      for (const [channel, request] of [
        ['downloads:verify-file', { operationId: op(), path, digest: sha }],
        ['contents:index-file', { operationId: op(), path, mediaType: 'application/x-tar' }],
        ['dialogs:show-in-folder', { path }],
      ] as const) {
        const error = expectError(await h.app.dispatch(channel, request), 'PathNotChosen')
        expect(error.field, `${channel} ${path}`).toBe('path')
        expect(error.message).toContain(path)
        expect(error.message).toContain('choose the file with Choose file…')
        expect(error.message).toContain(downloads)
        expect(error.folder).toBe(downloads)
        expect(describeError(error).nextStep).toBe(
          `Choose the file with Choose file…, or put it in the download folder (${downloads}), then try again.`,
        )
      }
    }
    // Nothing was read: no progress, no size or hash of the file in any answer.
    expect(h.events.filter((e) => e.channel !== 'connection:changed')).toEqual([])
    expect(h.platform.shown).toEqual([])
  })

  it('honours files under the download folder, and a file the dialog returned wherever it is', async () => {
    const { h, inside, outside } = await startWithFiles()
    const insideDigest = `sha256:${createHash('sha256').update('inside').digest('hex')}`
    const verified = await h.app.dispatch('downloads:verify-file', {
      operationId: op(),
      path: inside,
      digest: insideDigest,
    })
    expect(verified).toMatchObject({ ok: true, value: { matches: true, size: 6 } })

    h.platform.chosenFile = outside
    await h.app.dispatch('dialogs:choose-file', {})
    const secretDigest = `sha256:${createHash('sha256').update('secret').digest('hex')}`
    const chosen = await h.app.dispatch('downloads:verify-file', {
      operationId: op(),
      path: outside,
      digest: secretDigest,
    })
    expect(chosen).toMatchObject({ ok: true, value: { matches: true } })
    expect(await h.app.dispatch('dialogs:show-in-folder', { path: outside })).toEqual({
      ok: true,
      value: null,
    })
    expect(h.platform.shown).toEqual([outside])
    // Only that file: its neighbour is still refused.
    const neighbour = join(dirname(outside), 'other.txt')
    await writeFile(neighbour, 'x')
    expectError(
      await h.app.dispatch('downloads:verify-file', {
        operationId: op(),
        path: neighbour,
        digest: sha,
      }),
      'PathNotChosen',
    )
  })

  it('follows links: a link planted in the download folder that leads outside is refused', async () => {
    const { h, downloads, outside, outsideDir } = await startWithFiles()
    await symlink('/etc/shadow', join(downloads, 'shadow.tar.gz'))
    await symlink(outside, join(downloads, 'secret.tar.gz'))
    await symlink(outsideDir, join(downloads, 'elsewhere'))
    await symlink(join(downloads, 'nowhere'), join(downloads, 'dangling'))
    for (const path of [
      join(downloads, 'shadow.tar.gz'),
      join(downloads, 'secret.tar.gz'),
      join(downloads, 'elsewhere', 'secret.txt'),
      join(downloads, 'dangling'),
    ]) {
      expectError(
        await h.app.dispatch('downloads:verify-file', { operationId: op(), path, digest: sha }),
        'PathNotChosen',
      )
    }
    const error = expectError(
      await h.app.dispatch('downloads:start', {
        operationId: op(),
        repositoryName: 'demo/web-app',
        digest: sha,
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        size: null,
        directory: join(downloads, 'elsewhere', 'new'),
      }),
      'PathNotChosen',
    )
    expect(error.field).toBe('directory')
    expect(existsSync(join(outsideDir, 'new'))).toBe(false)
  })

  it('downloads:start creates no folder outside, and downloads under the download folder or a picked folder', async () => {
    const { h, downloads, outsideDir } = await startWithFiles()
    const { current } = h.registry.samples().webApp
    const layer = current.layers[0]!
    const request = {
      repositoryName: 'demo/web-app',
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
    }
    const urls = h.registry.requestCount('GetDownloadUrlForLayer')
    for (const directory of ['/etc/elb-planted', join(outsideDir, 'a', 'b')]) {
      const error = expectError(
        await h.app.dispatch('downloads:start', { operationId: op(), ...request, directory }),
        'PathNotChosen',
      )
      expect(error.message).toContain('Change… under Settings → Download folder')
      expect(describeError(error).nextStep).toContain('Choose the folder with Change…')
      expect(existsSync(directory)).toBe(false)
    }
    expect(existsSync(join(outsideDir, 'a'))).toBe(false)
    expect(h.registry.requestCount('GetDownloadUrlForLayer')).toBe(urls)

    const sub = join(downloads, 'sub', 'dir')
    const underDownloads = await h.app.dispatch('downloads:start', {
      operationId: op(),
      ...request,
      directory: sub,
    })
    expect(underDownloads).toMatchObject({ ok: true, value: { status: 'downloaded' } })

    // The folder dialog returns a folder outside: it is honoured now and remembered for later runs.
    h.platform.chooseFolder = () => Promise.resolve(outsideDir)
    expect(await h.app.dispatch('dialogs:choose-folder', {})).toEqual({
      ok: true,
      value: { path: outsideDir },
    })
    const picked = await h.app.dispatch('downloads:start', {
      operationId: op(),
      ...request,
      directory: join(outsideDir, 'layers'),
    })
    expect(picked).toMatchObject({ ok: true, value: { status: 'downloaded' } })
    const saved = JSON.parse(await readFile(join(h.dataDir, 'settings.json'), 'utf8')) as {
      pickedFolders: string[]
    }
    expect(saved.pickedFolders).toEqual([outsideDir])
  })

  it('settings:update takes as download folder only a folder the dialog returned', async () => {
    const { h, outsideDir } = await startWithFiles()
    const error = expectError(
      await h.app.dispatch('settings:update', { downloadDir: '/etc' }),
      'PathNotChosen',
    )
    expect(error.field).toBe('downloadDir')
    expect(await h.app.dispatch('downloads:folder', {})).toMatchObject({
      ok: true,
      value: { path: join(h.dataDir, 'downloads') },
    })
    h.platform.chooseFolder = () => Promise.resolve(outsideDir)
    await h.app.dispatch('dialogs:choose-folder', {})
    expect(await h.app.dispatch('settings:update', { downloadDir: outsideDir })).toMatchObject({
      ok: true,
      value: { downloadDir: outsideDir },
    })
    expect(await h.app.dispatch('settings:update', { downloadDir: null })).toMatchObject({
      ok: true,
    })
  })

  it('without a file dialog (the web bridge) typed paths must be under the download folder, and it says so', async () => {
    const { h, downloads, outside } = await startWithFiles()
    h.platform.canChooseFile = false
    const error = expectError(
      await h.app.dispatch('downloads:verify-file', {
        operationId: op(),
        path: outside,
        digest: sha,
      }),
      'PathNotChosen',
    )
    expect(error.message).toContain(
      `there is no file dialog here, so typed paths must be under the download folder: put the file in ${downloads}`,
    )
    expect(error.picker).toBe(false)
    expect(describeError(error).nextStep).toBe(
      `There is no file dialog here: put the file in the download folder (${downloads}) and type its path there.`,
    )
  })
})

describe('every catalog error, produced for real through the demo registry', () => {
  it('NoCredentials: nothing in the environment or the shared files', async () => {
    const { app } = await start({ env: () => ({}) })
    await app.dispatch('connection:set', { kind: 'aws', profile: null, region: 'us-east-1' })
    const error = expectError(await app.dispatch('ecr:list-repositories', {}), 'NoCredentials')
    expect(error.region).toBe('us-east-1')
  })

  it('SsoTokenExpired: an SSO profile whose cached token has expired', async () => {
    const { app, dataDir } = await start({
      settings: { connection: { kind: 'aws', profile: 'sso-dev', region: 'us-east-1' } },
      env: (_registry, dir) => ({ AWS_CONFIG_FILE: join(dir, 'config'), HOME: dir }),
    })
    process.env.HOME = dataDir
    const startUrl = 'https://corp.awsapps.com/start'
    await writeFile(
      join(dataDir, 'config'),
      `[profile sso-dev]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Dev\n`,
    )
    const cache = join(dataDir, '.aws', 'sso', 'cache')
    await mkdir(cache, { recursive: true })
    await writeFile(
      join(cache, `${createHash('sha1').update(startUrl).digest('hex')}.json`),
      JSON.stringify({
        accessToken: 'x',
        expiresAt: '2020-01-01T00:00:00Z',
        region: 'us-east-1',
        startUrl,
      }),
    )
    const error = expectError(await app.dispatch('ecr:list-repositories', {}), 'SsoTokenExpired')
    expect(error.profile).toBe('sso-dev')
  })

  it('ExpiredToken: a session whose token has expired', async () => {
    const { app } = await start({
      settings: AWS,
      env: (registry) => {
        registry.addCredentials({
          accessKeyId: 'ASIAEXPIRED000000001',
          secretAccessKey: 'expired-secret',
          sessionToken: 'expired-token',
          expired: true,
        })
        return {
          AWS_ACCESS_KEY_ID: 'ASIAEXPIRED000000001',
          AWS_SECRET_ACCESS_KEY: 'expired-secret',
          AWS_SESSION_TOKEN: 'expired-token',
          AWS_ENDPOINT_URL_ECR: registry.endpoint,
        }
      },
    })
    expectError(await app.dispatch('ecr:list-repositories', {}), 'ExpiredToken')
  })

  it('UnrecognizedClient: an access key the registry does not know', async () => {
    const { app } = await start({
      settings: AWS,
      env: (registry) => ({
        AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN000000000',
        AWS_SECRET_ACCESS_KEY: 'whatever',
        AWS_ENDPOINT_URL_ECR: registry.endpoint,
      }),
    })
    expectError(await app.dispatch('ecr:list-repositories', {}), 'UnrecognizedClient')
  })

  it('InvalidSignature: the right key ID with the wrong secret', async () => {
    const { app } = await start({
      settings: AWS,
      env: (registry) => ({
        AWS_ACCESS_KEY_ID: registry.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: 'not-the-secret',
        AWS_ENDPOINT_URL_ECR: registry.endpoint,
      }),
    })
    expectError(await app.dispatch('ecr:list-repositories', {}), 'InvalidSignature')
  })

  it('AccessDenied: names the missing IAM action', async () => {
    const { app } = await start({
      settings: AWS,
      env: (registry) => {
        registry.addCredentials({
          accessKeyId: 'AKIADENIED0000000001',
          secretAccessKey: 'denied-secret',
          denyActions: ['ecr:DescribeRepositories'],
        })
        return {
          AWS_ACCESS_KEY_ID: 'AKIADENIED0000000001',
          AWS_SECRET_ACCESS_KEY: 'denied-secret',
          AWS_ENDPOINT_URL_ECR: registry.endpoint,
        }
      },
    })
    const error = expectError(await app.dispatch('ecr:list-repositories', {}), 'AccessDenied')
    expect(error.action).toBe('ecr:DescribeRepositories')
    expect(error.resource).toMatch(/^arn:aws:ecr:/)
  })

  it('Throttling: shown once the SDK has retried', async () => {
    const { app, registry } = await start({ settings: AWS })
    registry.injectFault({
      operation: 'DescribeRepositories',
      error: 'ThrottlingException',
      times: 10,
    })
    expectError(await app.dispatch('ecr:list-repositories', {}), 'Throttling')
    expect(registry.requestCount('DescribeRepositories')).toBeGreaterThan(1)
  })

  it('ServerException: shown once the SDK has retried', async () => {
    const { app, registry } = await start({ settings: AWS })
    registry.injectFault({ operation: 'DescribeRepositories', error: 'ServerException', times: 10 })
    expectError(await app.dispatch('ecr:list-repositories', {}), 'ServerException')
    expect(registry.requestCount('DescribeRepositories')).toBeGreaterThan(1)
  })

  it('a transient ServerException is retried away', async () => {
    const { app, registry } = await start({ settings: AWS })
    registry.injectFault({ operation: 'DescribeRepositories', error: 'ServerException', times: 1 })
    expect((await app.dispatch('ecr:list-repositories', {})).ok).toBe(true)
    expect(registry.requestCount('DescribeRepositories')).toBe(2)
  })

  it('NetworkUnreachable: an endpoint nothing listens on', async () => {
    const port = await closedPort()
    const { app } = await start({
      settings: AWS,
      env: (registry) => ({
        AWS_ACCESS_KEY_ID: registry.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: registry.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${port}`,
      }),
    })
    expectError(await app.dispatch('ecr:list-repositories', {}), 'NetworkUnreachable')
  })

  it('RepositoryNotFound: a name the registry does not have', async () => {
    const { app } = await start({ settings: AWS })
    const error = expectError(
      await app.dispatch('ecr:describe-repository', { repositoryName: 'missing/repo' }),
      'RepositoryNotFound',
    )
    expect(error.message).toContain("'missing/repo'")
  })

  it('InvalidParameter: a page token the registry rejects', async () => {
    const { app } = await start({ settings: AWS })
    expectError(
      await app.dispatch('ecr:list-repositories', { nextToken: 'not-a-real-token' }),
      'InvalidParameter',
    )
  })
})

describe('dialogs:choose-file', () => {
  it('answers the file picked in the dialog, which starts at the given path', async () => {
    const { app, platform } = await start({ settings: AWS })
    platform.chosenFile = '/home/me/blobs/layer.tar.gz'
    expect(
      await app.dispatch('dialogs:choose-file', { defaultPath: '/home/me/blobs/old.tar.gz' }),
    ).toEqual({ ok: true, value: { path: '/home/me/blobs/layer.tar.gz', picker: true } })
    expect(platform.fileDialogs).toEqual([
      { title: 'Choose a file to verify', defaultPath: '/home/me/blobs/old.tar.gz' },
    ])
  })

  it('answers null when cancelled, the dialog having started in the download folder', async () => {
    const { app, platform, dataDir } = await start({ settings: AWS })
    expect(await app.dispatch('dialogs:choose-file', {})).toEqual({
      ok: true,
      value: { path: null, picker: true },
    })
    expect(platform.fileDialogs).toEqual([
      { title: 'Choose a file to verify', defaultPath: join(dataDir, 'downloads') },
    ])
  })

  it('says there is no picker where the platform has no file dialog, and shows none', async () => {
    const { app, platform } = await start({ settings: AWS })
    platform.canChooseFile = false
    platform.chosenFile = '/never/shown'
    expect(await app.dispatch('dialogs:choose-file', {})).toEqual({
      ok: true,
      value: { path: null, picker: false },
    })
    expect(platform.fileDialogs).toEqual([])
  })

  it('answers InvalidParameter to a malformed request, without showing a dialog', async () => {
    const { app, platform } = await start({ settings: AWS })
    const cases: [unknown, string][] = [
      [{ defaultPath: 42 }, 'defaultPath'],
      [{ defaultPath: null }, 'defaultPath'],
      [{ defaultPath: '' }, 'defaultPath'],
      [{ defaultPath: 'relative/blob.tar.gz' }, 'defaultPath'],
      [{ defaultPath: '/tmp/a\u0000b' }, 'defaultPath'],
      [{ defaultPath: ['/tmp'] }, 'defaultPath'],
      [{ path: '/tmp/x' }, 'path'],
      [null, 'request'],
      ['/tmp/x', 'request'],
      [[], 'request'],
    ]
    for (const [request, field] of cases) {
      const error = expectError(
        await app.dispatch('dialogs:choose-file', request),
        'InvalidParameter',
      )
      expect(error.field, JSON.stringify(request)).toBe(field)
    }
    expect(platform.fileDialogs).toEqual([])
  })
})
