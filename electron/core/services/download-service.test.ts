import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { ECRClient } from '@aws-sdk/client-ecr'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { blobFileName } from '../../../shared/file-names'
import { AppErrorException } from '../../../shared/ipc/result'
import type { DownloadProgress, DownloadResult } from '../../../shared/models/download'
import { DemoRegistry } from '../../demo-registry/testing'
import { fakePlatform } from '../testing/app-harness'
import { fillDiskAfter } from '../testing/full-disk'
import { describeError } from '../../../shared/errors'
import { BlobDownloader } from './blob-downloader'
import { BlobHttp } from './blob-http'
import { DownloadService, describeUrl, type DownloadRequest } from './download-service'
import { EcrService } from './ecr-service'
import { Operations } from '../operations/operations'

const REPO = 'bench/blobs'
const SIZE = 4 * 1024 * 1024
const BLOB_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip'

let registry: DemoRegistry
let client: ECRClient
let blob: { digest: string; size: number }
let blobSha: string
let dir: string
let events: DownloadProgress[]
let platform: ReturnType<typeof fakePlatform>
let service: DownloadService
let ecr: EcrService
let sequence = 0
let operations: Operations
// How blobs are fetched; each block of tests below runs once per way.
let blobHttp = new BlobHttp()

beforeAll(async () => {
  registry = new DemoRegistry({ repositoryCount: 10, faults: true })
  const { endpoint } = await registry.start()
  client = new ECRClient({
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    maxAttempts: 1,
  })
  blob = await registry.addSyntheticBlob({ repositoryName: REPO, size: SIZE, seed: 'matrix' })
  blobSha = blob.digest.slice('sha256:'.length)
  ecr = new EcrService(() => Promise.resolve({ client, registryId: undefined }))
})
afterAll(async () => {
  client.destroy()
  await registry.stop()
})

function makeService(concurrency = 3) {
  events = []
  platform = fakePlatform(dir)
  operations = new Operations({ platform })
  return new DownloadService({
    // Tiny backoff: retries are exercised for real, without waiting for real.
    downloader: new BlobDownloader({
      http: blobHttp,
      retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, maxUrlRefreshes: 3 },
    }),
    getUrl: ({ digest, ...image }) => ecr.downloadUrl(image, digest),
    defaultDirectory: () => Promise.resolve(dir),
    concurrency: () => Promise.resolve(concurrency),
    operations,
    emit: (channel, payload) => {
      if (channel === 'downloads:progress') events.push(payload as DownloadProgress)
    },
  })
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-downloads-'))
  service = makeService()
  registry.clearBlobFaults()
  registry.clearBlobRequestLog()
  registry.clearRequestLog()
})
afterEach(async () => {
  expect(service.activeCount()).toBe(0)
  await rm(dir, { recursive: true, force: true })
})

const request = (overrides: Partial<DownloadRequest> = {}): DownloadRequest => ({
  operationId: `op-${String(++sequence).padStart(6, '0')}`,
  repositoryName: REPO,
  digest: blob.digest,
  mediaType: BLOB_TYPE,
  size: SIZE,
  onExisting: 'ask',
  ...overrides,
})

const finalPath = () => join(dir, blobFileName(REPO, blob.digest, BLOB_TYPE))
const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
const rangeStart = (entry: { range: string | undefined }) =>
  Number(/^bytes=(\d+)-$/.exec(entry.range ?? '')?.[1] ?? 0)
const gets = () => registry.blobRequestLog().filter((entry) => entry.method === 'GET')

async function expectVerified(result: DownloadResult) {
  expect(result.status).toBe('downloaded')
  expect(result.path).toBe(finalPath())
  expect(await sha256(finalPath())).toBe(blobSha)
  expect(await readdir(dir)).toEqual([blobFileName(REPO, blob.digest, BLOB_TYPE)])
}

async function expectFailure(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppErrorException)
  expect((error as AppErrorException).error.code).toBe(code)
  return (error as AppErrorException).error
}

const positions = { start: 1, middle: SIZE / 2, end: SIZE - 1 }

// Every case runs on both ways a blob is fetched: directly over a connection of its own (no proxy),
// and through undici, which is what a URL behind a proxy uses.
describe.each([
  { path: 'a connection of its own', http: () => new BlobHttp() },
  { path: 'undici, as behind a proxy', http: () => new BlobHttp({ proxied: () => true }) },
])('fetched over $path', ({ http }) => {
  beforeAll(() => {
    blobHttp = http()
  })

  describe('a clean download', () => {
    it('streams, verifies and renames into place, reporting throttled progress', async () => {
      const result = await service.download(request())
      await expectVerified(result)
      expect(result).toMatchObject({ size: SIZE, bytesTransferred: SIZE, resumedFrom: null })
      expect(gets()).toHaveLength(1)
      expect(registry.requestCount('GetDownloadUrlForLayer')).toBe(1)
      expect(events[0]).toMatchObject({ phase: 'queued', receivedBytes: 0 })
      expect(events.at(-1)).toMatchObject({ phase: 'done', receivedBytes: SIZE, totalBytes: SIZE })
      expect(platform.progress.at(-1)).toBeNull()
      expect(platform.notifications).toEqual([{ title: 'Downloads finished', body: '1 verified.' }])
    })
  })

  describe('the fault matrix: every fault at the start, middle and end of a blob', () => {
    for (const [where, at] of Object.entries(positions)) {
      // A dropped connection can lose bytes already sent but not yet read, so a resume starts at or
      // before the fault's offset, and after the first byte once more than a byte was sent.
      const expectResumedWithin = (offset: number) => {
        expect(offset).toBeLessThanOrEqual(at)
        if (at > 1) expect(offset).toBeGreaterThan(0)
      }

      it(`a reset connection at the ${where} resumes with Range, sending each byte once`, async () => {
        registry.injectBlobFault({ kind: 'reset', afterBytes: at })
        const result = await service.download(request())
        await expectVerified(result)
        expect(result.bytesTransferred).toBe(SIZE)
        const [, second] = gets()
        expect(gets()).toHaveLength(2)
        expectResumedWithin(rangeStart(second!))
        expect(second!.bytesSent).toBe(SIZE - rangeStart(second!))
      })

      it(`a body that ends early at the ${where} resumes from where it stopped`, async () => {
        registry.injectBlobFault({ kind: 'truncate', afterBytes: at })
        const result = await service.download(request())
        await expectVerified(result)
        expect(result.bytesTransferred).toBe(SIZE)
        const [, second] = gets()
        expect(gets()).toHaveLength(2)
        expectResumedWithin(rangeStart(second!))
        expect(second!.bytesSent).toBe(SIZE - rangeStart(second!))
      })

      it(`a corrupted byte at the ${where} fails the digest and leaves nothing behind`, async () => {
        registry.injectBlobFault({ kind: 'corrupt', offset: at })
        const error = await expectFailure(service.download(request()), 'DigestMismatch')
        expect(error.message).toContain(`expected sha256:${blobSha}`)
        expect(error.message).toMatch(/got sha256:[0-9a-f]{64}/)
        expect(await readdir(dir)).toEqual([])
      })

      it(`a 500 burst after a drop at the ${where} is retried, then resumes`, async () => {
        registry.injectBlobFault({ kind: 'reset', afterBytes: at })
        registry.injectBlobFault({ kind: 'status', status: 500, times: 2 })
        const result = await service.download(request())
        await expectVerified(result)
        expect(result.bytesTransferred).toBe(SIZE)
        const log = gets()
        expect(log.map((g) => g.status)).toEqual([
          200,
          500,
          500,
          rangeStart(log[3]!) > 0 ? 206 : 200,
        ])
      })

      it(`throttling after a drop at the ${where} is retried, then resumes`, async () => {
        registry.injectBlobFault({ kind: 'reset', afterBytes: at })
        registry.injectBlobFault({ kind: 'throttle', times: 2 })
        const result = await service.download(request())
        await expectVerified(result)
        expect(result.bytesTransferred).toBe(SIZE)
        expect(
          gets()
            .map((g) => g.status)
            .slice(0, 3),
        ).toEqual([200, 503, 503])
      })

      it(`an expired URL after a drop at the ${where} is refreshed and resumed with Range`, async () => {
        registry.injectBlobFault({ kind: 'reset', afterBytes: at })
        registry.injectBlobFault({ kind: 'expired' })
        const result = await service.download(request())
        await expectVerified(result)
        expect(result.bytesTransferred).toBe(SIZE)
        expect(registry.requestCount('GetDownloadUrlForLayer')).toBe(2)
        const log = gets()
        expect(log.map((g) => g.status).slice(0, 2)).toEqual([200, 403])
        expectResumedWithin(rangeStart(log[2]!))
      })

      it(`a wrong Content-Range after a drop at the ${where} restarts cleanly from zero`, async () => {
        registry.injectBlobFault({ kind: 'truncate', afterBytes: at })
        registry.injectBlobFault({ kind: 'wrong-content-range' })
        const result = await service.download(request())
        await expectVerified(result)
        const log = gets()
        const resumedAt = rangeStart(log[1]!)
        expectResumedWithin(resumedAt)
        if (resumedAt > 0) {
          // The 206 for the wrong range was dropped, and the file started over from zero.
          expect(log.map((g) => rangeStart(g))).toEqual([0, resumedAt, 0])
          expect(result.bytesTransferred).toBe(resumedAt + SIZE)
        }
      })

      it(`a Range answered with 200 after a drop at the ${where} is not trusted as a resume`, async () => {
        registry.injectBlobFault({ kind: 'truncate', afterBytes: at })
        registry.injectBlobFault({ kind: 'ignore-range' })
        const result = await service.download(request())
        await expectVerified(result)
        const log = gets()
        const resumedAt = rangeStart(log[1]!)
        expectResumedWithin(resumedAt)
        // The whole body came back with 200 and was read from its first byte, not appended.
        expect(log.map((g) => g.status)).toEqual([200, 200])
        expect(result.bytesTransferred).toBe(resumedAt + SIZE)
      })
    }

    it('an expired URL at the start is refreshed', async () => {
      registry.injectBlobFault({ kind: 'expired' })
      await expectVerified(await service.download(request()))
      expect(registry.requestCount('GetDownloadUrlForLayer')).toBe(2)
    })

    it('a burst of 5xx longer than the retry bound stops with ServerException and no file', async () => {
      registry.injectBlobFault({ kind: 'status', status: 500, times: 10 })
      const error = await expectFailure(service.download(request()), 'ServerException')
      expect(error.message).toContain('HTTP 500')
      expect(gets()).toHaveLength(4)
      expect(
        (await readdir(dir)).filter(
          (name) => !name.endsWith('.partial') && !name.endsWith('.json'),
        ),
      ).toEqual([])
    })

    it('throttling longer than the retry bound stops with Throttling', async () => {
      registry.injectBlobFault({ kind: 'throttle', times: 10 })
      await expectFailure(service.download(request()), 'Throttling')
      expect(await readdir(dir)).not.toContain(blobFileName(REPO, blob.digest, BLOB_TYPE))
    })

    it('a full disk stops with DiskFull, "the disk is full", and removes the partial file', async () => {
      // The disk fills up half way: one short write, then ENOSPC, as the kernel does. (A link to
      // /dev/full at the partial's name would be refused now: the app never writes through one.)
      const restore = await fillDiskAfter(SIZE / 2 + 123)
      try {
        const error = await expectFailure(service.download(request()), 'DiskFull')
        expect(error.message).toBe(
          `Writing ${finalPath()}.partial failed: the disk is full (ENOSPC).`,
        )
        expect(describeError(error).title).toBe('The disk is full')
      } finally {
        restore()
      }
      expect(await readdir(dir)).toEqual([])
    })

    it('a size that disagrees with the manifest fails before the digest, leaving nothing', async () => {
      const error = await expectFailure(
        service.download(request({ size: SIZE + 1 })),
        'DigestMismatch',
      )
      expect(error.message).toContain(`manifest says ${SIZE + 1} bytes`)
      expect(await readdir(dir)).toEqual([])
    })
  })

  describe('cancel', () => {
    it('cancelling mid-download aborts at once and removes the partial file', async () => {
      registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 512 * 1024 })
      const op = request()
      const started = service.download(op)
      await waitFor(() =>
        events.some((e) => e.operationId === op.operationId && e.receivedBytes > 0),
      )
      expect(operations.cancel(op.operationId)).toEqual({ cancelled: true })
      const result = await started
      expect(result.status).toBe('cancelled')
      expect(events.at(-1)).toMatchObject({ operationId: op.operationId, phase: 'cancelled' })
      expect(await readdir(dir)).toEqual([])
    })

    it("writes a slow link's bytes to the partial file as they come, not a batch at a time", async () => {
      // 20 kB/s fills no 1 MiB batch for most of a minute; the bytes still reach the disk at once,
      // so a crash or a quit loses almost nothing.
      registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 20_000 })
      const op = request()
      const started = service.download(op)
      const partial = `${finalPath()}.partial`
      await waitFor(async () => ((await stat(partial).catch(() => null))?.size ?? 0) >= 5_000)
      expect(operations.cancel(op.operationId)).toEqual({ cancelled: true })
      expect((await started).status).toBe('cancelled')
      expect(await readdir(dir)).toEqual([])
    })

    it('cancelling a queued download never starts it', async () => {
      service = makeService(1)
      registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 1024 * 1024 })
      const first = request()
      const second = request()
      const running = service.download(first)
      const queued = service.download(second)
      await waitFor(() =>
        events.some((e) => e.operationId === first.operationId && e.receivedBytes > 0),
      )
      expect(operations.cancel(second.operationId).cancelled).toBe(true)
      expect((await queued).status).toBe('cancelled')
      operations.cancel(first.operationId)
      await running
      expect(gets()).toHaveLength(1)
    })

    it('cancelling after the end changes nothing', async () => {
      const op = request()
      await expectVerified(await service.download(op))
      expect(operations.cancel(op.operationId)).toEqual({ cancelled: false })
      expect(await sha256(finalPath())).toBe(blobSha)
    })
  })

  describe('an existing file at the final path', () => {
    it('is reported as already there and verified, without downloading', async () => {
      await service.download(request())
      registry.clearBlobRequestLog()
      const again = await service.download(request())
      expect(again).toMatchObject({ status: 'already-verified', size: SIZE, bytesTransferred: 0 })
      expect(gets()).toHaveLength(0)
    })

    it('asks before touching a different file, then replaces, keeps both or skips as told', async () => {
      await writeFile(finalPath(), 'not the blob')
      expect((await service.download(request())).status).toBe('conflict')
      expect(await readFile(finalPath(), 'utf8')).toBe('not the blob')

      expect((await service.download(request({ onExisting: 'skip' }))).status).toBe('skipped')
      expect(await readFile(finalPath(), 'utf8')).toBe('not the blob')

      const both = await service.download(request({ onExisting: 'keep-both' }))
      expect(both.status).toBe('downloaded')
      expect(both.path).toBe(finalPath().replace('.tar.gz', ' (2).tar.gz'))
      expect(await sha256(both.path)).toBe(blobSha)
      expect(await readFile(finalPath(), 'utf8')).toBe('not the blob')

      const replaced = await service.download(request({ onExisting: 'replace' }))
      expect(replaced.path).toBe(finalPath())
      expect(await sha256(finalPath())).toBe(blobSha)
    })
  })

  describe('resuming a partial file left by an earlier run', () => {
    it('lists it, re-hashes the bytes already there and fetches only the rest', async () => {
      const sample = registry.samples().webApp.current.layers[1]!
      const bytes = registry.blob(sample.digest)!
      const name = blobFileName('demo/web-app', sample.digest, sample.mediaType)
      const half = Math.floor(bytes.length / 2)
      await writeFile(join(dir, `${name}.partial`), bytes.subarray(0, half))
      await writeFile(
        join(dir, `${name}.partial.json`),
        JSON.stringify({
          repositoryName: 'demo/web-app',
          registryId: null,
          digest: sample.digest,
          mediaType: sample.mediaType,
          size: sample.size,
        }),
      )
      const [partial] = await service.listPartials()
      // A sidecar of an earlier version, which had no imageDigest, still lists.
      expect(partial).toMatchObject({
        bytesOnDisk: half,
        digest: sample.digest,
        size: sample.size,
        imageDigest: null,
      })

      const result = await service.download(
        request({
          repositoryName: 'demo/web-app',
          digest: sample.digest,
          mediaType: sample.mediaType,
          size: sample.size,
        }),
      )
      expect(result).toMatchObject({
        status: 'downloaded',
        resumedFrom: half,
        bytesTransferred: bytes.length - half,
      })
      expect(gets().map((g) => g.range)).toEqual([`bytes=${half}-`])
      expect(events.some((e) => e.phase === 'rehashing')).toBe(true)
      expect(await readFile(result.path)).toEqual(bytes)
      expect(await service.listPartials()).toEqual([])
    })

    it('keeps the partial file when the network gives up, so it can be resumed later', async () => {
      registry.injectBlobFault({ kind: 'truncate', afterBytes: SIZE / 2 })
      registry.injectBlobFault({ kind: 'status', status: 503, times: 10 })
      const imageDigest = `sha256:${'e'.repeat(64)}`
      await expectFailure(service.download(request({ imageDigest })), 'Throttling')
      const [partial] = await service.listPartials()
      // The image it was opened from is kept for the resume (an archived image's restore command).
      expect(partial!.imageDigest).toBe(imageDigest)
      expect(partial!.bytesOnDisk).toBeGreaterThan(0)
      expect(partial!.bytesOnDisk).toBeLessThanOrEqual(SIZE / 2)
      expect(await readdir(dir)).not.toContain(blobFileName(REPO, blob.digest, BLOB_TYPE))
      registry.clearBlobFaults()
      const resumed = await service.download(request())
      await expectVerified(resumed)
      expect(resumed.resumedFrom).toBe(partial!.bytesOnDisk)
      expect(gets().at(-1)?.range).toBe(`bytes=${partial!.bytesOnDisk}-`)
    })
  })

  describe('resuming a leftover partial file by its path (resumePartial)', () => {
    const secondCopy = () => finalPath().replace('.tar.gz', ' (2).tar.gz')
    const thirdCopy = () => finalPath().replace('.tar.gz', ' (3).tar.gz')
    const sidecar = (digest = blob.digest) =>
      JSON.stringify({
        repositoryName: REPO,
        registryId: null,
        digest,
        mediaType: BLOB_TYPE,
        size: SIZE,
      })
    const leavePartial = async (path: string, bytes: number, digest = blob.digest) => {
      await writeFile(`${path}.partial`, registry.blob(blob.digest)!.subarray(0, bytes))
      await writeFile(`${path}.partial.json`, sidecar(digest))
    }

    it('continues a keep-both download cut off by the network, at its own "(2)" name', async () => {
      await writeFile(finalPath(), 'not the blob')
      registry.injectBlobFault({ kind: 'truncate', afterBytes: SIZE / 2 })
      registry.injectBlobFault({ kind: 'status', status: 503, times: 10 })
      await expectFailure(service.download(request({ onExisting: 'keep-both' })), 'Throttling')
      const [partial] = await service.listPartials()
      expect(partial).toMatchObject({ path: `${secondCopy()}.partial`, finalPath: secondCopy() })
      const left = partial!.bytesOnDisk
      expect(left).toBeGreaterThan(0)
      expect(left).toBeLessThanOrEqual(SIZE / 2)

      // A later run: the faults are gone, and the banner resumes that file, asking as usual.
      registry.clearBlobFaults()
      registry.clearBlobRequestLog()
      registry.clearRequestLog()
      service = makeService()
      const resumed = await service.download(request({ resumePartial: partial!.path }))
      expect(resumed).toMatchObject({
        status: 'downloaded',
        path: secondCopy(),
        size: SIZE,
        resumedFrom: left,
        bytesTransferred: SIZE - left,
      })
      expect(events.some((e) => e.phase === 'rehashing')).toBe(true)
      expect(gets().map((g) => [g.range, g.status, g.bytesSent])).toEqual([
        [`bytes=${left}-`, 206, SIZE - left],
      ])
      expect(await sha256(secondCopy())).toBe(blobSha)
      expect(await readFile(finalPath(), 'utf8')).toBe('not the blob')
      expect((await readdir(dir)).sort()).toEqual(
        [blobFileName(REPO, blob.digest, BLOB_TYPE), secondCopy().slice(dir.length + 1)].sort(),
      )
      expect(await service.listPartials()).toEqual([])
    })

    it('never overwrites a different file that took its name: asks, then keeps both', async () => {
      await writeFile(finalPath(), 'not the blob')
      await leavePartial(secondCopy(), SIZE / 4)
      await writeFile(secondCopy(), 'another file')
      const resumePartial = `${secondCopy()}.partial`

      const asked = await service.download(request({ resumePartial }))
      expect(asked).toMatchObject({ status: 'conflict', path: secondCopy() })
      expect((await service.listPartials()).map((p) => p.path)).toEqual([resumePartial])
      expect(gets()).toHaveLength(0)

      const both = await service.download(request({ resumePartial, onExisting: 'keep-both' }))
      // The partial moved along to the free name, and only the rest came over the network.
      expect(both).toMatchObject({ status: 'downloaded', path: thirdCopy(), resumedFrom: SIZE / 4 })
      expect(gets().map((g) => g.range)).toEqual([`bytes=${SIZE / 4}-`])
      expect(await sha256(thirdCopy())).toBe(blobSha)
      expect(await readFile(finalPath(), 'utf8')).toBe('not the blob')
      expect(await readFile(secondCopy(), 'utf8')).toBe('another file')
      expect(await readdir(dir)).toHaveLength(3)
      expect(await service.listPartials()).toEqual([])
    })

    it('drops the partial, downloading nothing, when the blob is already verified at its name', async () => {
      await leavePartial(secondCopy(), SIZE / 4)
      await writeFile(secondCopy(), registry.blob(blob.digest)!)
      const result = await service.download(request({ resumePartial: `${secondCopy()}.partial` }))
      expect(result).toMatchObject({ status: 'already-verified', path: secondCopy(), size: SIZE })
      expect(gets()).toHaveLength(0)
      expect(await readdir(dir)).toEqual([secondCopy().slice(dir.length + 1)])
    })

    it('refuses a path outside the folder, not a partial, or of another digest, before any call', async () => {
      const elsewhere = await mkdtemp(join(tmpdir(), 'elb-elsewhere-'))
      try {
        await leavePartial(join(elsewhere, 'x.tar.gz'), 10)
        await leavePartial(secondCopy(), 10, `sha256:${'0'.repeat(64)}`)
        await writeFile(join(dir, 'notes.txt'), 'mine')
        await writeFile(join(dir, 'notes.txt.json'), sidecar())
        await symlink(join(elsewhere, 'x.tar.gz.partial'), join(dir, 'link.tar.gz.partial'))
        await writeFile(join(dir, 'link.tar.gz.partial.json'), sidecar())
        const refused = [
          join(elsewhere, 'x.tar.gz.partial'),
          join(dir, '..', basename(elsewhere), 'x.tar.gz.partial'),
          `${secondCopy()}.partial`,
          join(dir, 'notes.txt'),
          join(dir, 'missing.tar.gz.partial'),
          join(dir, 'link.tar.gz.partial'),
          'relative.tar.gz.partial',
        ]
        for (const resumePartial of refused) {
          const error = await expectFailure(
            service.download(request({ resumePartial, onExisting: 'replace' })),
            'InvalidParameter',
          )
          expect(error.field).toBe('resumePartial')
        }
        expect(gets()).toHaveLength(0)
        expect(registry.requestCount('GetDownloadUrlForLayer')).toBe(0)
        // Nothing was touched: the partials are as they were, and no file reached a final path.
        expect((await readFile(join(elsewhere, 'x.tar.gz.partial'))).length).toBe(10)
        expect((await readFile(`${secondCopy()}.partial`)).length).toBe(10)
        expect(await readdir(dir)).not.toContain(blobFileName(REPO, blob.digest, BLOB_TYPE))
        expect(await readdir(dir)).not.toContain(secondCopy().slice(dir.length + 1))
      } finally {
        await rm(elsewhere, { recursive: true, force: true })
      }
    })
  })

  describe('the queue', () => {
    it('runs at most the configured number at once, each with its own progress', async () => {
      service = makeService(2)
      const sample = registry.samples().webApp.current
      const blobs = [...sample.layers, sample.config!]
      const requests = blobs.map((b) =>
        request({
          repositoryName: 'demo/web-app',
          digest: b.digest,
          mediaType: b.mediaType,
          size: b.size,
        }),
      )
      const active = new Set<string>()
      let peak = 0
      const results = await Promise.all(
        requests.map((r) => {
          const promise = service.download(r)
          return promise
        }),
      )
      for (const event of events) {
        if (event.phase === 'downloading') active.add(event.operationId)
        if (event.phase === 'done' || event.phase === 'failed') active.delete(event.operationId)
        peak = Math.max(peak, active.size)
      }
      expect(peak).toBeLessThanOrEqual(2)
      expect(results.map((r) => r.status)).toEqual(blobs.map(() => 'downloaded'))
      for (const [i, r] of results.entries()) {
        expect(
          createHash('sha256')
            .update(await readFile(r.path))
            .digest('hex'),
        ).toBe(blobs[i]!.digest.slice(7))
        const mine = events.filter((e) => e.operationId === requests[i]!.operationId)
        expect(mine.at(-1)).toMatchObject({ phase: 'done', receivedBytes: blobs[i]!.size })
      }
      expect(platform.notifications).toEqual([
        { title: 'Downloads finished', body: `${blobs.length} verified.` },
      ])
    })

    it('sends at most about ten progress events a second per download', async () => {
      registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 4 * 1024 * 1024 })
      const op = request()
      const started = performance.now()
      await service.download(op)
      const seconds = (performance.now() - started) / 1000
      const byteEvents = events.filter(
        (e) => e.operationId === op.operationId && e.phase === 'downloading',
      )
      expect(seconds).toBeGreaterThan(0.5)
      // Phase changes always go out; byte updates are spaced 100 ms apart.
      expect(byteEvents.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2)
      expect(byteEvents.some((e) => e.bytesPerSecond > 0 && e.etaSeconds !== null)).toBe(true)
    })
  })

  describe('other channels', () => {
    it('reads the expiry out of the pre-signed URL', async () => {
      const info = await service.downloadUrl({ repositoryName: REPO, digest: blob.digest })
      expect(info.url).toContain('X-Amz-Signature=')
      expect(info.expiresInSeconds).toBe(3600)
      expect(Date.parse(info.expiresAt!) - Date.parse(info.issuedAt!)).toBe(3600 * 1000)
      expect(describeUrl('https://x/?a=b')).toMatchObject({ issuedAt: null, expiresAt: null })
    })

    it('reads X-Amz-Date as SigV4 does: an impossible date is no date', () => {
      expect(describeUrl('https://x/?X-Amz-Date=20240229T120000Z&X-Amz-Expires=60')).toEqual({
        url: 'https://x/?X-Amz-Date=20240229T120000Z&X-Amz-Expires=60',
        issuedAt: '2024-02-29T12:00:00.000Z',
        expiresAt: '2024-02-29T12:01:00.000Z',
        expiresInSeconds: 60,
      })
      // Date.UTC would roll 30 February into March; the URL's expiry is then unknown, not wrong.
      expect(describeUrl('https://x/?X-Amz-Date=20240230T120000Z&X-Amz-Expires=60')).toEqual({
        url: 'https://x/?X-Amz-Date=20240230T120000Z&X-Amz-Expires=60',
        issuedAt: null,
        expiresAt: null,
        expiresInSeconds: 60,
      })
    })

    it('verifies a file on disk as a stream and reports a mismatch as data', async () => {
      const { path } = await service.download(request())
      const ok = await service.verifyFile({ operationId: 'verify-0001', path, digest: blob.digest })
      expect(ok).toMatchObject({ matches: true, size: SIZE, actualDigest: blob.digest })
      const other = join(dir, 'other.bin')
      await writeFile(other, 'hello')
      const bad = await service.verifyFile({
        operationId: 'verify-0002',
        path: other,
        digest: blob.digest,
      })
      expect(bad.matches).toBe(false)
      expect(bad.actualDigest).toBe(`sha256:${createHash('sha256').update('hello').digest('hex')}`)
      await expectFailure(
        service.verifyFile({
          operationId: 'verify-0003',
          path: join(dir, 'missing'),
          digest: blob.digest,
        }),
        'InvalidParameter',
      )
    })

    it('refuses a digest algorithm it cannot verify before any network call', async () => {
      await mkdir(dir, { recursive: true })
      await expectFailure(service.download(request({ digest: 'md5:abcd' })), 'InvalidParameter')
      expect(gets()).toHaveLength(0)
    })
  })

  /** Resolves once `condition` holds, checking on each progress event's turn of the event loop. */
  async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
    while (!(await condition())) await new Promise((resolve) => setImmediate(resolve))
  }
})

describe('GetDownloadUrlForLayer overlaps the preparation of the file', () => {
  it('asks for the URL before the sidecar is written, once, and downloads with that URL', async () => {
    const sidecar = `${finalPath()}.partial.json`
    const calls: { sidecarThere: boolean }[] = []
    const overlapped = new DownloadService({
      downloader: new BlobDownloader({ http: blobHttp }),
      getUrl: ({ digest, ...image }) => {
        calls.push({ sidecarThere: existsSync(sidecar) })
        return ecr.downloadUrl(image, digest)
      },
      defaultDirectory: () => Promise.resolve(dir),
      concurrency: () => Promise.resolve(1),
      operations: new Operations({ platform: fakePlatform(dir) }),
      emit: () => undefined,
    })
    await expectVerified(await overlapped.download(request()))
    expect(calls).toEqual([{ sidecarThere: false }])
    // An existing verified file needs no URL at all.
    await overlapped.download(request())
    expect(calls).toHaveLength(1)
  })
})
