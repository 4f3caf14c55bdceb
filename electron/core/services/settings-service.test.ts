import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeError } from '../../../shared/errors'
import { invokeContract } from '../../../shared/ipc/contract'
import { AppErrorException } from '../../../shared/ipc/result'
import { SettingsService } from './settings-service'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-settings-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('SettingsService', () => {
  it('starts from defaults when there is no file', async () => {
    expect(await new SettingsService(join(dir, 'settings.json')).get()).toEqual({
      connection: null,
      repositorySort: 'name',
      registryByProfile: {},
      checkForUpdates: true,
      trustedKeys: [],
      tagStatus: 'ANY',
      imageSort: 'pushed',
      downloadDir: null,
      downloadConcurrency: 3,
      pickedFolders: [],
    })
  })

  it('remembers the connection and preferences across instances', async () => {
    const file = join(dir, 'settings.json')
    const first = new SettingsService(file)
    await first.setConnection({ kind: 'aws', profile: 'dev', region: 'eu-west-1' })
    await first.update({ repositorySort: 'created' })
    expect(await new SettingsService(file).get()).toMatchObject({
      connection: { kind: 'aws', profile: 'dev', region: 'eu-west-1' },
      repositorySort: 'created',
    })
  })

  it('remembers folders the dialog returned, newest last, each once, at most 32', async () => {
    const file = join(dir, 'settings.json')
    const service = new SettingsService(file)
    await service.rememberFolder('/data/a')
    await service.rememberFolder('/data/b')
    await service.rememberFolder('/data/a')
    expect((await new SettingsService(file).get()).pickedFolders).toEqual(['/data/b', '/data/a'])
    for (let i = 0; i < 40; i++) await service.rememberFolder(`/data/f${i}`)
    const kept = (await new SettingsService(file).get()).pickedFolders
    expect(kept).toHaveLength(32)
    expect(kept.at(-1)).toBe('/data/f39')
  })

  it('falls back to defaults for a damaged file, field by field', async () => {
    const file = join(dir, 'settings.json')
    await writeFile(
      file,
      JSON.stringify({
        connection: { kind: 'nope' },
        repositorySort: 'created',
        downloadConcurrency: 99,
      }),
    )
    expect(await new SettingsService(file).get()).toMatchObject({
      connection: null,
      repositorySort: 'created',
      downloadConcurrency: 3,
    })
    await writeFile(file, '{ not json')
    expect((await new SettingsService(file).get()).repositorySort).toBe('name')
  })

  it('leaves a setting alone when a patch omits it, and clears it with null', async () => {
    const service = new SettingsService(join(dir, 'settings.json'))
    await service.update({ downloadDir: '/tmp/x', downloadConcurrency: 5 })
    await service.update({ downloadConcurrency: undefined, repositorySort: 'created' })
    expect(await service.get()).toMatchObject({ downloadDir: '/tmp/x', downloadConcurrency: 5 })
    await service.update({ downloadDir: null })
    expect((await service.get()).downloadDir).toBeNull()
  })

  it('remembers another registry per profile and forgets it with null', async () => {
    const service = new SettingsService(join(dir, 'settings.json'))
    await service.setRegistry('dev', '111122223333')
    await service.setRegistry('', '444455556666')
    await service.setRegistry('dev', null)
    expect((await service.get()).registryByProfile).toEqual({ '': '444455556666' })
  })

  it('writes through a temporary file, leaving only the final file behind', async () => {
    const file = join(dir, 'settings.json')
    const service = new SettingsService(file)
    await Promise.all([
      service.update({ repositorySort: 'created' }),
      service.setConnection({ kind: 'demo' }),
      service.update({ repositorySort: 'name' }),
    ])
    expect(await readdir(dir)).toEqual(['settings.json'])
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      connection: { kind: 'demo' },
      repositorySort: 'name',
    })
  })
})

describe('SettingsService after a crash mid-write', () => {
  // A child process starts a real write and is killed with SIGKILL at the worst moment: the new
  // settings are in the temp file, fsynced, and the rename over settings.json has not happened.
  // Its fs/promises `rename` is swapped (through syncBuiltinESMExports, so the service's own
  // `import { rename }` sees it) for one that reports and never returns; no timing is involved.
  const CHILD = `
    import { syncBuiltinESMExports } from 'node:module'
    import fsp from 'node:fs/promises'
    fsp.rename = () => {
      process.stdout.write('renaming\\n')
      return new Promise(() => {})
    }
    syncBuiltinESMExports()
    const { SettingsService } = await import(process.env.SERVICE)
    const service = new SettingsService(process.env.FILE)
    await service.setConnection({ kind: 'demo' })
  `

  it('leaves the previous settings intact', async () => {
    const { spawn } = await import('node:child_process')
    const file = join(dir, 'settings.json')
    const before = new SettingsService(file)
    await before.setConnection({ kind: 'aws', profile: 'dev', region: 'eu-west-1' })
    await before.update({ repositorySort: 'created' })
    const previous = await readFile(file, 'utf8')

    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      env: {
        ...process.env,
        SERVICE: new URL('./settings-service.ts', import.meta.url).href,
        FILE: file,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    )
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('renaming')) resolve()
      })
      child.once('exit', () => reject(new Error(`child exited before the rename: ${stderr}`)))
    })
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')

    // The crash really happened between the write and the rename: the new settings sit in the
    // temp file, complete.
    const leftovers = (await readdir(dir)).filter((name) => name.endsWith('.tmp'))
    expect(leftovers).toHaveLength(1)
    expect(JSON.parse(await readFile(join(dir, leftovers[0]!), 'utf8'))).toMatchObject({
      connection: { kind: 'demo' },
    })
    // settings.json is byte for byte what it was, and a fresh start reads the previous values.
    expect(await readFile(file, 'utf8')).toBe(previous)
    expect(await new SettingsService(file).get()).toMatchObject({
      connection: { kind: 'aws', profile: 'dev', region: 'eu-west-1' },
      repositorySort: 'created',
    })
  })
})

describe('SettingsService with a damaged or hostile settings.json', () => {
  const at = new Date('2026-12-01T21:30:00.123Z')
  const keptName = 'settings.json.bad-2026-12-01T21-30-00-123Z'
  const make = (file: string, warnings: string[] = []) =>
    new SettingsService(file, {
      log: { warn: (_scope, message) => void warnings.push(message) },
      now: () => at,
    })

  it('keeps a file that is not JSON beside it, logs it, and tells the user once', async () => {
    const file = join(dir, 'settings.json')
    await writeFile(file, '{ "repositorySort": "created", oops')
    const warnings: string[] = []
    const service = make(file, warnings)
    expect(await service.get()).toMatchObject({ repositorySort: 'name', connection: null })
    const notice = await service.notice()
    expect(notice).toMatchObject({ keptAs: join(dir, keptName) })
    expect(notice?.message).toContain('settings.json was damaged: it is not valid JSON')
    expect(notice?.message).toContain(`kept the damaged file as ${join(dir, keptName)}`)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(keptName)
    // The damaged bytes are kept as they were, and a save does not touch them.
    expect(await readFile(join(dir, keptName), 'utf8')).toBe('{ "repositorySort": "created", oops')
    await service.update({ repositorySort: 'created' })
    expect(await readFile(join(dir, keptName), 'utf8')).toBe('{ "repositorySort": "created", oops')
    expect((await readdir(dir)).sort()).toEqual(['settings.json', keptName])
    // Told once: dismissed, it is gone for this run; the next run has a good file and no notice.
    expect(service.dismissNotice()).toBeNull()
    expect(await service.notice()).toBeNull()
    expect(await make(file).notice()).toBeNull()
  })

  it('refuses a relative downloadDir from the file: ignored with a notice, never resolved', async () => {
    const file = join(dir, 'settings.json')
    const original = JSON.stringify({ downloadDir: 'downloads', repositorySort: 'created' })
    await writeFile(file, original)
    const service = make(file)
    expect(await service.get()).toMatchObject({ downloadDir: null, repositorySort: 'created' })
    const notice = await service.notice()
    expect(notice?.message).toContain('reset to their defaults: downloadDir')
    expect(notice?.message).toContain('"downloads" is not an absolute path')
    expect(notice?.nextStep).toContain('Choose the download folder again')
    // The file as it was is kept, since the next save drops the refused value.
    expect(await readFile(join(dir, keptName), 'utf8')).toBe(original)
    expect(await readFile(file, 'utf8')).toBe(original)
  })

  it('the settings:update request refuses a relative downloadDir before the service runs', () => {
    const schema = invokeContract['settings:update'].request
    for (const downloadDir of ['downloads', './downloads', '../x', 'C:downloads', '~/Downloads']) {
      expect(schema.safeParse({ downloadDir }).success).toBe(false)
    }
    expect(schema.safeParse({ downloadDir: '/data/blobs' }).success).toBe(true)
    expect(schema.safeParse({ downloadDir: null }).success).toBe(true)
  })

  it('a folder at settings.json: defaults, a notice, and a save refused with UnsafeFile', async () => {
    const file = join(dir, 'settings.json')
    await mkdir(file)
    const service = make(file)
    expect((await service.get()).repositorySort).toBe('name')
    expect((await service.notice())?.message).toContain(`${file} is a folder`)
    const error = await service.update({ repositorySort: 'created' }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppErrorException)
    expect((error as AppErrorException).error).toMatchObject({ code: 'UnsafeFile' })
    expect((error as AppErrorException).error.message).toContain(`${file} is a folder`)
    expect(describeError((error as AppErrorException).error).title).toBe(
      'Something else is at this path',
    )
    expect(await readdir(dir)).toEqual(['settings.json'])
  })

  describe('planted at settings.json before a save', () => {
    let victim: string
    let before: { text: string; mtimeMs: number }
    beforeEach(async () => {
      await mkdir(join(dir, 'outside'))
      victim = join(dir, 'outside', 'victim.json')
      await writeFile(victim, '{"repositorySort":"created"}')
      before = { text: await readFile(victim, 'utf8'), mtimeMs: (await stat(victim)).mtimeMs }
    })
    const unchanged = async () => {
      expect(await readFile(victim, 'utf8')).toBe(before.text)
      expect((await stat(victim)).mtimeMs).toBe(before.mtimeMs)
    }

    it('a symbolic link is not read through: moved aside as damaged, then a file of our own', async () => {
      const file = join(dir, 'settings.json')
      await symlink(victim, file)
      const service = make(file)
      // The victim says "created"; a link is not read, so the defaults apply.
      expect((await service.get()).repositorySort).toBe('name')
      expect((await service.notice())?.message).toContain('it is a symbolic link')
      expect(await readlink(join(dir, keptName))).toBe(victim)
      await service.update({ tagStatus: 'TAGGED' })
      expect((await lstat(file)).isFile()).toBe(true)
      await unchanged()
    })

    it('a hard link is replaced by a new file, the victim keeping its bytes', async () => {
      const file = join(dir, 'settings.json')
      await link(victim, file)
      const service = make(file)
      await service.update({ tagStatus: 'TAGGED' })
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ tagStatus: 'TAGGED' })
      expect((await stat(file)).nlink).toBe(1)
      await unchanged()
    })
  })
})
