import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DownloadHistoryEntry } from '../../../shared/models/download-history'
import { DownloadHistoryService, historyEntry } from './download-history'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-history-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const entry = (n: number, patch: Partial<DownloadHistoryEntry> = {}): DownloadHistoryEntry => ({
  id: `op-${n}`,
  endedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  outcome: 'downloaded',
  registryId: null,
  repositoryName: 'demo/web-app',
  digest: `sha256:${n.toString(16).padStart(64, '0')}`,
  mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  size: 100 + n,
  path: `/home/me/Downloads/file-${n}.tar.gz`,
  errorCode: null,
  errorMessage: null,
  ...patch,
})

describe('DownloadHistoryService', () => {
  it('keeps finished, failed and cancelled downloads, newest first, across instances', async () => {
    const file = join(dir, 'download-history.json')
    const first = new DownloadHistoryService(file)
    await first.record(entry(1))
    await first.record(
      entry(2, { outcome: 'failed', path: null, errorCode: 'DigestMismatch', errorMessage: 'x' }),
    )
    await first.record(entry(3, { outcome: 'cancelled', path: null }))
    const again = await new DownloadHistoryService(file).list()
    expect(again.map((e) => [e.id, e.outcome])).toEqual([
      ['op-3', 'cancelled'],
      ['op-2', 'failed'],
      ['op-1', 'downloaded'],
    ])
    expect(again[2]!.path).toBe('/home/me/Downloads/file-1.tar.gz')
    expect(again[1]!.errorCode).toBe('DigestMismatch')
  })

  it('is bounded: the oldest entries go first', async () => {
    const file = join(dir, 'download-history.json')
    const history = new DownloadHistoryService(file, 5)
    for (let n = 1; n <= 8; n++) await history.record(entry(n))
    const ids = (await new DownloadHistoryService(file, 5).list()).map((e) => e.id)
    expect(ids).toEqual(['op-8', 'op-7', 'op-6', 'op-5', 'op-4'])
  })

  it('a retried operation replaces its earlier entry', async () => {
    const history = new DownloadHistoryService(join(dir, 'download-history.json'))
    await history.record(entry(1, { outcome: 'failed', path: null, errorCode: 'Throttling' }))
    await history.record(entry(1))
    expect((await history.list()).map((e) => e.outcome)).toEqual(['downloaded'])
  })

  it('a list asked while the file is first read already has a download recorded just before', async () => {
    const file = join(dir, 'download-history.json')
    await new DownloadHistoryService(file).record(entry(1))
    const history = new DownloadHistoryService(file)
    const recorded = history.record(entry(2))
    expect((await history.list()).map((e) => e.id)).toEqual(['op-2', 'op-1'])
    await recorded
  })

  it('clears to an empty list that stays empty after a restart', async () => {
    const file = join(dir, 'download-history.json')
    const history = new DownloadHistoryService(file)
    await history.record(entry(1))
    expect(await history.clear()).toEqual([])
    expect(await new DownloadHistoryService(file).list()).toEqual([])
  })

  it('reads a damaged file as hostile: bad entries are dropped, a non-array is empty', async () => {
    const file = join(dir, 'download-history.json')
    await writeFile(file, JSON.stringify([entry(1), { id: 'x', outcome: 'exploded' }, 42]))
    expect((await new DownloadHistoryService(file).list()).map((e) => e.id)).toEqual(['op-1'])
    await writeFile(file, '{"not": "a list"}')
    expect(await new DownloadHistoryService(file).list()).toEqual([])
    await writeFile(file, 'not json')
    expect(await new DownloadHistoryService(file).list()).toEqual([])
  })

  it('writes atomically, leaving no temporary file, and replaces a planted link instead of following it', async () => {
    const file = join(dir, 'download-history.json')
    const victim = join(dir, 'victim.txt')
    await writeFile(victim, 'keep me')
    await symlink(victim, file)
    const history = new DownloadHistoryService(file)
    await history.record(entry(1))
    expect(await readFile(victim, 'utf8')).toBe('keep me')
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveLength(1)
    expect((await readdir(dir)).sort()).toEqual(['download-history.json', 'victim.txt'])
  })
})

describe('historyEntry', () => {
  const asked = {
    operationId: 'op-9',
    repositoryName: 'demo/web-app',
    digest: `sha256:${'a'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    size: 10,
  }
  const now = new Date('2026-01-02T03:04:05.000Z')
  const result = {
    path: '/home/me/Downloads/x.tar.gz',
    digest: asked.digest,
    size: 10,
    bytesTransferred: 10,
    resumedFrom: null,
  }

  it('keeps the path of a verified file', () => {
    expect(historyEntry(asked, { ...result, status: 'downloaded' }, null, now)).toEqual({
      id: 'op-9',
      endedAt: '2026-01-02T03:04:05.000Z',
      outcome: 'downloaded',
      registryId: null,
      repositoryName: 'demo/web-app',
      digest: asked.digest,
      mediaType: asked.mediaType,
      size: 10,
      path: '/home/me/Downloads/x.tar.gz',
      errorCode: null,
      errorMessage: null,
    })
  })

  it('a cancelled download has no path; a failure keeps its catalog code and message', () => {
    expect(historyEntry(asked, { ...result, status: 'cancelled' }, null, now)).toMatchObject({
      outcome: 'cancelled',
      path: null,
    })
    expect(
      historyEntry(
        { ...asked, registryId: '123456789012' },
        null,
        {
          code: 'DigestMismatch',
          message: 'the bytes do not match',
        },
        now,
      ),
    ).toMatchObject({
      outcome: 'failed',
      registryId: '123456789012',
      path: null,
      errorCode: 'DigestMismatch',
      errorMessage: 'the bytes do not match',
    })
  })
})
