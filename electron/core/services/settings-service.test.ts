import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
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
