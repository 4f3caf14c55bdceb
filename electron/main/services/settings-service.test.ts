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
    })
  })

  it('remembers the connection and preferences across instances', async () => {
    const file = join(dir, 'settings.json')
    const first = new SettingsService(file)
    await first.setConnection({ kind: 'aws', profile: 'dev', region: 'eu-west-1' })
    await first.update({ repositorySort: 'created' })
    expect(await new SettingsService(file).get()).toEqual({
      connection: { kind: 'aws', profile: 'dev', region: 'eu-west-1' },
      repositorySort: 'created',
    })
  })

  it('falls back to defaults for a damaged file, field by field', async () => {
    const file = join(dir, 'settings.json')
    await writeFile(
      file,
      JSON.stringify({ connection: { kind: 'nope' }, repositorySort: 'created' }),
    )
    expect(await new SettingsService(file).get()).toEqual({
      connection: null,
      repositorySort: 'created',
    })
    await writeFile(file, '{ not json')
    expect((await new SettingsService(file).get()).repositorySort).toBe('name')
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
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      connection: { kind: 'demo' },
      repositorySort: 'name',
    })
  })
})
