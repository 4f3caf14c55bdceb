import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppErrorException } from '../../../shared/ipc/result'
import { hashFile, hashInto } from './hash-file'

let dir: string
let path: string
const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7)
const sha256 = `sha256:${createHash('sha256').update(data).digest('hex')}`

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-hash-'))
  path = join(dir, 'blob')
  await writeFile(path, data)
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('hashFile', () => {
  it('says whether a file matches, with its size, its digest and progress', async () => {
    const seen: number[] = []
    const result = await hashFile(path, sha256, { onBytes: (n) => seen.push(n) })
    expect(result).toEqual({ size: data.length, actualDigest: sha256, matches: true })
    expect(seen.at(-1)).toBe(data.length)
    expect(seen.length).toBeGreaterThan(1)
    const other = `sha256:${'0'.repeat(64)}`
    expect(await hashFile(path, other)).toMatchObject({ matches: false, actualDigest: sha256 })
  })

  it('hashes in the digest’s own algorithm, and refuses one it cannot check', async () => {
    const sha512 = `sha512:${createHash('sha512').update(data).digest('hex')}`
    expect((await hashFile(path, sha512)).matches).toBe(true)
    const error = await hashFile(path, 'md5:abc').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppErrorException)
    expect((error as AppErrorException).error.code).toBe('InvalidParameter')
  })

  it('stops with the signal’s reason when aborted mid-file', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    const result = hashFile(path, sha256, {
      signal: controller.signal,
      onBytes: () => controller.abort(reason),
    })
    await expect(result).rejects.toBe(reason)
  })

  it('hashes only a prefix into a running hash when given a length', async () => {
    const hash = createHash('sha256')
    expect(await hashInto(hash, path, { length: 1000 })).toBe(1000)
    expect(hash.digest('hex')).toBe(
      createHash('sha256').update(data.subarray(0, 1000)).digest('hex'),
    )
  })
})
