import { createHash } from 'node:crypto'
import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ECRClient } from '@aws-sdk/client-ecr'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { describeError } from '../../../shared/errors'
import { blobFileName } from '../../../shared/file-names'
import { AppErrorException } from '../../../shared/ipc/result'
import { DemoRegistry } from '../../demo-registry/testing'
import { fakePlatform } from '../testing/app-harness'
import { BlobDownloader } from './blob-downloader'
import { DownloadService, type DownloadRequest } from './download-service'
import { EcrService } from './ecr-service'
import { Operations } from '../operations/operations'

// Files planted in the download folder before (or during) a download: a symbolic link to a victim
// outside it, a hard link to the victim, or a folder, at the `.partial`, its `.partial.json`
// sidecar, or the final name. Whatever happens, the victim keeps its bytes and mtime, nothing
// unverified reaches the final name, and a refusal says what is in the way (UnsafeFile).

const REPO = 'bench/planted'
const SIZE = 2 * 1024 * 1024
const BLOB_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip'

let registry: DemoRegistry
let client: ECRClient
let ecr: EcrService
let blob: { digest: string; size: number }
let bytes: Buffer
let root: string
let dir: string
let victim: string
let victimBefore: { bytes: Buffer; mtimeMs: number }
let sequence = 0

beforeAll(async () => {
  registry = new DemoRegistry({ repositoryCount: 2, faults: true })
  const { endpoint } = await registry.start()
  client = new ECRClient({
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    maxAttempts: 1,
  })
  blob = await registry.addSyntheticBlob({ repositoryName: REPO, size: SIZE, seed: 'planted' })
  bytes = registry.blob(blob.digest)!
  ecr = new EcrService(() => Promise.resolve({ client, registryId: undefined }))
})
afterAll(async () => {
  client.destroy()
  await registry.stop()
})

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'elb-planted-'))
  dir = join(root, 'downloads')
  await mkdir(dir)
  await mkdir(join(root, 'outside'))
  victim = join(root, 'outside', 'victim')
  // The victim starts like the blob, so a resume that appended to it would look plausible.
  await writeFile(victim, bytes.subarray(0, SIZE / 4))
  victimBefore = { bytes: await readFile(victim), mtimeMs: (await stat(victim)).mtimeMs }
  registry.clearBlobFaults()
  registry.clearBlobRequestLog()
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A service whose downloader runs `between` once, at its first retry (after a dropped body). */
function makeService(between?: () => Promise<void>) {
  let ran = false
  return new DownloadService({
    downloader: new BlobDownloader({
      retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, maxUrlRefreshes: 3 },
      sleep: async () => {
        if (between && !ran) {
          ran = true
          await between()
        }
      },
    }),
    getUrl: ({ digest, ...image }) => ecr.downloadUrl(image, digest),
    defaultDirectory: () => Promise.resolve(dir),
    concurrency: () => Promise.resolve(2),
    operations: new Operations({ platform: fakePlatform(dir) }),
    emit: () => undefined,
  })
}

const request = (overrides: Partial<DownloadRequest> = {}): DownloadRequest => ({
  operationId: `planted-${String(++sequence).padStart(6, '0')}`,
  repositoryName: REPO,
  digest: blob.digest,
  mediaType: BLOB_TYPE,
  size: SIZE,
  onExisting: 'ask',
  ...overrides,
})

const finalPath = () => join(dir, blobFileName(REPO, blob.digest, BLOB_TYPE))
const partialPath = () => `${finalPath()}.partial`
const sidecarPath = () => `${partialPath()}.json`
const gets = () => registry.blobRequestLog().filter((entry) => entry.method === 'GET')
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

const plants = {
  'a symbolic link to a victim': {
    plant: (path: string) => symlink(victim, path),
    says: /symbolic link/,
  },
  'a hard link to a victim': { plant: (path: string) => link(victim, path), says: /hard links/ },
  'a folder': { plant: (path: string) => mkdir(path), says: /folder/ },
} as const

async function expectVictimUnchanged() {
  // Buffer.equals, not toEqual: a deep compare of half a megabyte takes seconds.
  expect((await readFile(victim)).equals(victimBefore.bytes)).toBe(true)
  expect((await stat(victim)).mtimeMs).toBe(victimBefore.mtimeMs)
}

async function expectRefused(promise: Promise<unknown>, path: string, says: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppErrorException)
  const appError = (error as AppErrorException).error
  expect(appError.code).toBe('UnsafeFile')
  expect(appError.message).toContain(path)
  expect(appError.message).toMatch(says)
  expect(describeError(appError).title).toBe('Something else is at this path')
}

/** The final name holds the verified blob as a regular file, or nothing at all. */
async function expectFinalVerifiedOrAbsent() {
  const stats = await lstat(finalPath()).catch(() => null)
  if (stats === null) return
  expect(stats.isFile()).toBe(true)
  expect(sha256(await readFile(finalPath()))).toBe(blob.digest.slice(7))
}

describe('planted at the .partial name before a fresh download', () => {
  for (const [what, { plant, says }] of Object.entries(plants)) {
    it(`${what}: refused before any byte is fetched, the victim untouched`, async () => {
      await plant(partialPath())
      await expectRefused(makeService().download(request()), partialPath(), says)
      expect(gets()).toHaveLength(0)
      await expectVictimUnchanged()
      expect(await lstat(finalPath()).catch(() => null)).toBeNull()
      // The sidecar the service wrote is gone; a planted link or folder is left as it was.
      expect(await lstat(sidecarPath()).catch(() => null)).toBeNull()
      if (what !== 'a hard link to a victim') {
        expect(await lstat(partialPath()).catch(() => null)).not.toBeNull()
      }
    })
  }
})

describe('planted at the .partial name of a download being resumed', () => {
  // An earlier run's sidecar is there, so the service would resume the partial: appending to the
  // victim (Range honoured) or truncating it (Range ignored) is what the old code did.
  for (const fault of ['range honoured', 'range ignored'] as const) {
    for (const [what, { plant, says }] of Object.entries(plants)) {
      it(`${what}, ${fault}: refused, the victim untouched, nothing at the final name`, async () => {
        await plant(partialPath())
        await writeFile(
          sidecarPath(),
          JSON.stringify({
            repositoryName: REPO,
            registryId: null,
            digest: blob.digest,
            mediaType: BLOB_TYPE,
            size: SIZE,
          }),
        )
        if (fault === 'range ignored') registry.injectBlobFault({ kind: 'ignore-range' })
        const service = makeService()
        if (what === 'a symbolic link to a victim') expect(await service.listPartials()).toEqual([])
        await expectRefused(service.download(request()), partialPath(), says)
        expect(gets()).toHaveLength(0)
        await expectVictimUnchanged()
        expect(await lstat(finalPath()).catch(() => null)).toBeNull()
      })
    }
  }
})

describe('swapped in at the .partial name while the download runs', () => {
  // The body drops half way; before the resume, "someone" replaces the partial's name. The bytes
  // keep going into the file that was opened, and that file's identity no longer matches the
  // name, so nothing is renamed into place.
  for (const fault of ['range honoured', 'range ignored'] as const) {
    for (const [what, { plant, says }] of Object.entries(plants)) {
      it(`${what}, ${fault}: the victim untouched, nothing moved into place`, async () => {
        registry.injectBlobFault({ kind: 'truncate', afterBytes: SIZE / 2 })
        if (fault === 'range ignored') registry.injectBlobFault({ kind: 'ignore-range' })
        const service = makeService(async () => {
          await rm(partialPath())
          await plant(partialPath())
        })
        const error = await service.download(request()).then(
          () => null,
          (e: unknown) => e as AppErrorException,
        )
        expect(error?.error.code).toBe('UnsafeFile')
        expect(error?.error.message).toContain(partialPath())
        expect(error?.error.message).toMatch(says)
        const statuses = gets().map((g) => g.status)
        expect(statuses).toEqual(fault === 'range honoured' ? [200, 206] : [200, 200])
        await expectVictimUnchanged()
        expect(await lstat(finalPath()).catch(() => null)).toBeNull()
      })
    }
  }
})

describe('planted at the .partial.json sidecar name', () => {
  for (const [what, { plant, says }] of Object.entries(plants)) {
    const safe = what !== 'a folder'
    it(`${what}: ${safe ? 'replaced, never written through; the download completes' : 'refused before any fetch'}`, async () => {
      await plant(sidecarPath())
      const download = makeService().download(request())
      if (safe) {
        expect((await download).status).toBe('downloaded')
        expect(await readdir(dir)).toEqual([blobFileName(REPO, blob.digest, BLOB_TYPE)])
      } else {
        await expectRefused(download, sidecarPath(), says)
        expect(gets()).toHaveLength(0)
        expect((await lstat(sidecarPath())).isDirectory()).toBe(true)
      }
      await expectVictimUnchanged()
      await expectFinalVerifiedOrAbsent()
    })
  }
})

describe('a sidecar planted as a link beside a partial of ours', () => {
  it('is not read through: the partial is not listed; a download replaces the link and completes', async () => {
    await writeFile(partialPath(), bytes.subarray(0, SIZE / 4))
    const elsewhere = join(root, 'outside', 'sidecar.json')
    await writeFile(
      elsewhere,
      JSON.stringify({
        repositoryName: REPO,
        registryId: null,
        digest: blob.digest,
        mediaType: BLOB_TYPE,
        size: SIZE,
      }),
    )
    await symlink(elsewhere, sidecarPath())
    const service = makeService()
    expect(await service.listPartials()).toEqual([])
    expect((await service.download(request())).status).toBe('downloaded')
    expect(await readdir(dir)).toEqual([blobFileName(REPO, blob.digest, BLOB_TYPE)])
    await expectVictimUnchanged()
  })
})

describe('planted at the final name', () => {
  for (const [what, { plant }] of Object.entries(plants)) {
    if (what === 'a folder') continue
    it(`${what}: asked about as a different file, then replaced by the verified blob itself`, async () => {
      await plant(finalPath())
      const service = makeService()
      expect((await service.download(request())).status).toBe('conflict')
      const replaced = await service.download(request({ onExisting: 'replace' }))
      expect(replaced.status).toBe('downloaded')
      expect((await lstat(finalPath())).isFile()).toBe(true)
      await expectFinalVerifiedOrAbsent()
      await expectVictimUnchanged()
      expect(await readdir(dir)).toEqual([blobFileName(REPO, blob.digest, BLOB_TYPE)])
    })
  }

  it('a folder: refused before any fetch, whatever the choice', async () => {
    await plants['a folder'].plant(finalPath())
    for (const onExisting of ['ask', 'replace', 'keep-both', 'skip'] as const) {
      await expectRefused(makeService().download(request({ onExisting })), finalPath(), /folder/)
    }
    expect(gets()).toHaveLength(0)
    expect((await lstat(finalPath())).isDirectory()).toBe(true)
    expect(await readdir(dir)).toEqual([blobFileName(REPO, blob.digest, BLOB_TYPE)])
  })

  it('a link that happens to point at the very blob is not "already verified": it is replaced', async () => {
    await writeFile(victim, bytes)
    victimBefore = { bytes: await readFile(victim), mtimeMs: (await stat(victim)).mtimeMs }
    await symlink(victim, finalPath())
    const service = makeService()
    expect((await service.download(request())).status).toBe('conflict')
    expect((await service.download(request({ onExisting: 'replace' }))).status).toBe('downloaded')
    expect((await lstat(finalPath())).isFile()).toBe(true)
    await expectVictimUnchanged()
  })
})
