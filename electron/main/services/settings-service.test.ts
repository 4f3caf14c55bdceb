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
      tagStatus: 'ANY',
      imageSort: 'pushed',
      downloadDir: null,
      downloadConcurrency: 3,
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
