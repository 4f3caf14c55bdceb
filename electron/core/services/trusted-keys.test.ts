import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeError } from '../../../shared/errors'
import { invokeContract } from '../../../shared/ipc/contract'
import { MAX_TRUSTED_KEYS } from '../../../shared/schemas'
import { SettingsService } from './settings-service'

// Trusted keys in settings: public keys only, checked in main before anything is saved.
let dir: string
let file: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-trusted-'))
  file = join(dir, 'settings.json')
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' })
const pem = (k: ReturnType<typeof p256>['publicKey']) =>
  k.export({ type: 'spki', format: 'pem' }).toString()

describe('trusted keys', () => {
  it('saves a public key with its name, prefix and time, and keeps it across runs', async () => {
    const { publicKey } = p256()
    const now = new Date('2026-03-01T10:00:00.000Z')
    const service = new SettingsService(file, { now: () => now })
    const saved = await service.addTrustedKey({
      name: 'Release key',
      repositoryPrefix: 'team/',
      publicKeyPem: pem(publicKey),
    })
    const id = saved.trustedKeys[0]?.id ?? ''
    expect(id).toMatch(/^[a-zA-Z0-9_-]{8,64}$/)
    expect(saved.trustedKeys).toEqual([
      {
        id,
        name: 'Release key',
        repositoryPrefix: 'team/',
        publicKeyPem: pem(publicKey),
        addedAt: '2026-03-01T10:00:00.000Z',
      },
    ])
    expect((await new SettingsService(file).get()).trustedKeys).toEqual(saved.trustedKeys)
  })

  it('saves a PKCS#1 RSA public key as the public key it is (SubjectPublicKeyInfo)', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const saved = await new SettingsService(file).addTrustedKey({
      name: 'RSA',
      repositoryPrefix: '',
      publicKeyPem: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    })
    expect(saved.trustedKeys[0]?.publicKeyPem).toBe(pem(publicKey))
  })

  it('refuses a private key, and saves nothing', async () => {
    const { privateKey } = p256()
    const service = new SettingsService(file)
    const refused = await service
      .addTrustedKey({
        name: 'oops',
        repositoryPrefix: 'team/',
        publicKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      })
      .catch((e: unknown) => e)
    expect(refused).toMatchObject({ error: { code: 'InvalidParameter', field: 'publicKeyPem' } })
    const error = (refused as { error: Parameters<typeof describeError>[0] }).error
    expect(describeError(error).explanation).toContain(
      'That is a private key. Paste the public key (cosign.pub), never the private one.',
    )
    expect((await service.get()).trustedKeys).toEqual([])
    await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('refuses text that is not a public key, a weak RSA key and a key already trusted for the prefix', async () => {
    const service = new SettingsService(file)
    const add = (publicKeyPem: string, repositoryPrefix = 'team/') =>
      service
        .addTrustedKey({ name: 'k', repositoryPrefix, publicKeyPem })
        .then(() => 'saved')
        .catch((e: { error: { message: string } }) => e.error.message)
    expect(await add('hello')).toBe(
      'That is not a PEM public key (it should start with -----BEGIN PUBLIC KEY-----). Nothing was saved.',
    )
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey
    expect(await add(pem(weak))).toBe(
      'An RSA key of 1024 bits is too weak to trust. Nothing was saved.',
    )
    const { publicKey } = p256()
    expect(await add(pem(publicKey))).toBe('saved')
    expect(await add(pem(publicKey))).toBe(
      'This key is already trusted for repositories starting with "team/", as "k".',
    )
    // The same key for another prefix is another trust.
    expect(await add(pem(publicKey), '')).toBe('saved')
    expect((await service.get()).trustedKeys.map((k) => k.repositoryPrefix)).toEqual(['team/', ''])
  })

  it(`keeps at most ${MAX_TRUSTED_KEYS} keys, and removes one by id`, async () => {
    const service = new SettingsService(file)
    const key = pem(p256().publicKey)
    for (let i = 0; i < MAX_TRUSTED_KEYS; i++) {
      await service.addTrustedKey({ name: `k${i}`, repositoryPrefix: `p${i}/`, publicKeyPem: key })
    }
    await expect(
      service.addTrustedKey({ name: 'one more', repositoryPrefix: 'x/', publicKeyPem: key }),
    ).rejects.toMatchObject({
      error: {
        code: 'InvalidParameter',
        message: `Settings keep at most ${MAX_TRUSTED_KEYS} trusted keys. Remove one you no longer need first.`,
      },
    })
    const keys = (await service.get()).trustedKeys
    const after = await service.removeTrustedKey(keys[3]!.id)
    expect(after.trustedKeys).toHaveLength(MAX_TRUSTED_KEYS - 1)
    expect(after.trustedKeys.some((k) => k.name === 'k3')).toBe(false)
    expect((await new SettingsService(file).get()).trustedKeys).toHaveLength(MAX_TRUSTED_KEYS - 1)
  })

  it('drops a malformed trustedKeys value in the file rather than trusting it', async () => {
    await writeFile(file, JSON.stringify({ trustedKeys: [{ name: 'no id or key' }] }))
    const service = new SettingsService(file)
    expect((await service.get()).trustedKeys).toEqual([])
    expect((await service.notice())?.message).toContain('trustedKeys')
  })

  it('the channel refuses a prefix that cannot start a repository name, and an empty name', () => {
    const request = invokeContract['settings:add-trusted-key'].request
    const key = pem(p256().publicKey)
    expect(
      request.safeParse({ name: 'k', repositoryPrefix: 'Team/', publicKeyPem: key }).success,
    ).toBe(false)
    expect(
      request.safeParse({ name: ' ', repositoryPrefix: 'team/', publicKeyPem: key }).success,
    ).toBe(false)
    expect(request.safeParse({ name: 'k', repositoryPrefix: '', publicKeyPem: key }).success).toBe(
      true,
    )
  })
})
