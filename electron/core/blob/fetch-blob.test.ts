import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ECRClient } from '@aws-sdk/client-ecr'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AppErrorException } from '../../../shared/ipc/result'
import { DemoRegistry } from '../../demo-registry/testing'
import { BlobHttp } from '../services/blob-http'
import { EcrService } from '../services/ecr-service'
import { blobAnswer } from './answer'
import { fetchBlob, type FetchPhase, type PipelineDeps } from './fetch-blob'
import { filePartialSink } from './file-sink'
import { memorySink } from './memory-sink'

const REPO = 'pipeline/blobs'
const SIZE = 2 * 1024 * 1024

let registry: DemoRegistry
let client: ECRClient
let ecr: EcrService
let blob: { digest: string; size: number }
let bytes: Buffer
let dir: string

beforeAll(async () => {
  registry = new DemoRegistry({ repositoryCount: 10, faults: true })
  const { endpoint } = await registry.start()
  client = new ECRClient({
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    maxAttempts: 1,
  })
  blob = await registry.addSyntheticBlob({ repositoryName: REPO, size: SIZE, seed: 'pipeline' })
  ecr = new EcrService(() => Promise.resolve({ client, registryId: undefined }))
  bytes = await fetchAll()
})
afterAll(async () => {
  client.destroy()
  await registry.stop()
})
beforeEach(async () => {
  registry.clearBlobFaults()
  registry.clearBlobRequestLog()
  registry.clearRequestLog()
  dir = await mkdtemp(join(tmpdir(), 'elb-pipeline-'))
  return () => rm(dir, { recursive: true, force: true })
})

const deps = (http = new BlobHttp()): PipelineDeps => ({
  http,
  retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxUrlRefreshes: 2 },
})
const getUrl = () => ecr.downloadUrl({ repositoryName: REPO }, blob.digest)
const gets = () => registry.blobRequestLog().filter((entry) => entry.method === 'GET')
const memory = () =>
  memorySink(SIZE, () => ({ code: 'InvalidManifest', message: 'too large for memory' }))

async function fetchAll(): Promise<Buffer> {
  const response = await fetch(await getUrl())
  return Buffer.from(await response.arrayBuffer())
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppErrorException)
  return (error as AppErrorException).error
}

describe('blobAnswer: the one map from a blob URL answer to the catalog', () => {
  it('reads 200 and 206 as the body, an expired URL as a refresh, and the rest as errors', () => {
    const expired = '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>'
    expect(blobAnswer(200)).toEqual({ kind: 'body' })
    expect(blobAnswer(206)).toEqual({ kind: 'body' })
    expect(blobAnswer(403, expired)).toMatchObject({
      kind: 'expired',
      error: { code: 'AccessDenied' },
    })
    const refused = blobAnswer(403, '<Error><Code>AccessDenied</Code></Error>')
    expect(refused).toMatchObject({ kind: 'fail', error: { code: 'AccessDenied' } })
    expect(refused.kind !== 'body' && refused.error.message).toContain('AccessDenied')
    expect(blobAnswer(404)).toMatchObject({ kind: 'fail', error: { code: 'LayersNotFound' } })
    expect(blobAnswer(500)).toMatchObject({ kind: 'retry', error: { code: 'ServerException' } })
    expect(blobAnswer(408)).toMatchObject({ kind: 'retry', error: { code: 'ServerException' } })
    expect(blobAnswer(429)).toMatchObject({ kind: 'retry', error: { code: 'Throttling' } })
    expect(blobAnswer(503, '<Error><Code>SlowDown</Code></Error>')).toMatchObject({
      kind: 'retry',
      error: { code: 'Throttling' },
    })
    expect(blobAnswer(416)).toMatchObject({ kind: 'fail', error: { code: 'Unknown' } })
  })
})

describe.each([
  { path: 'a connection of its own', http: () => new BlobHttp() },
  { path: 'undici', http: () => new BlobHttp({ proxied: () => true }) },
])('fetchBlob over $path', ({ http }) => {
  describe('into memory', () => {
    it('returns the verified bytes, asking for the URL once', async () => {
      const phases: FetchPhase[] = []
      const outcome = await fetchBlob(deps(http()), {
        digest: blob.digest,
        expectedSize: SIZE,
        getUrl,
        sink: memory(),
        signal: new AbortController().signal,
        onPhase: (phase) => phases.push(phase),
      })
      expect(outcome.value.equals(bytes)).toBe(true)
      expect(outcome).toMatchObject({ size: SIZE, bytesTransferred: SIZE, resumedFrom: null })
      expect(phases).toEqual(['downloading', 'verifying'])
      expect(registry.requestCount('GetDownloadUrlForLayer')).toBe(1)
    })

    it('resumes a reset connection with Range, keeping what arrived', async () => {
      registry.injectBlobFault({ kind: 'reset', afterBytes: SIZE / 2 })
      const outcome = await fetchBlob(deps(http()), {
        digest: blob.digest,
        expectedSize: SIZE,
        getUrl,
        sink: memory(),
        signal: new AbortController().signal,
      })
      expect(outcome.value.equals(bytes)).toBe(true)
      expect(outcome.bytesTransferred).toBe(SIZE)
      expect(gets()).toHaveLength(2)
      expect(gets()[1]!.range).toMatch(/^bytes=\d+-$/)
    })

    it('refreshes an expired URL, then gives up with AccessDenied past the bound', async () => {
      registry.injectBlobFault({ kind: 'expired' })
      const outcome = await fetchBlob(deps(http()), {
        digest: blob.digest,
        expectedSize: SIZE,
        getUrl,
        sink: memory(),
        signal: new AbortController().signal,
      })
      expect(outcome.urlRefreshes).toBe(1)
      expect(registry.requestCount('GetDownloadUrlForLayer')).toBe(2)

      registry.injectBlobFault({ kind: 'expired', times: 5 })
      const error = await failure(
        fetchBlob(deps(http()), {
          digest: blob.digest,
          expectedSize: SIZE,
          getUrl,
          sink: memory(),
          signal: new AbortController().signal,
        }),
      )
      expect(error.code).toBe('AccessDenied')
      expect(error.message).toContain('Request has expired')
    })

    it('retries 5xx with backoff up to the bound, then stops with ServerException', async () => {
      registry.injectBlobFault({ kind: 'status', status: 500, times: 3 })
      const error = await failure(
        fetchBlob(deps(http()), {
          digest: blob.digest,
          expectedSize: SIZE,
          getUrl,
          sink: memory(),
          signal: new AbortController().signal,
        }),
      )
      expect(error.code).toBe('ServerException')
      expect(gets().map((g) => g.status)).toEqual([500, 500, 500])
    })

    it('stops at the cap with the sink’s own error, and on more bytes than the manifest says', async () => {
      const small = memorySink(SIZE - 1, () => ({ code: 'InvalidManifest', message: 'capped' }))
      const capped = await failure(
        fetchBlob(deps(http()), {
          digest: blob.digest,
          expectedSize: null,
          getUrl,
          sink: small,
          signal: new AbortController().signal,
        }),
      )
      expect(capped).toMatchObject({ code: 'InvalidManifest', message: 'capped' })
      const longer = await failure(
        fetchBlob(deps(http()), {
          digest: blob.digest,
          expectedSize: SIZE - 10,
          getUrl,
          sink: memory(),
          signal: new AbortController().signal,
        }),
      )
      expect(longer.code).toBe('DigestMismatch')
      expect(longer.message).toContain(`manifest says ${SIZE - 10} bytes`)
    })

    it('fails a corrupted byte on the digest', async () => {
      registry.injectBlobFault({ kind: 'corrupt', offset: 12345 })
      const error = await failure(
        fetchBlob(deps(http()), {
          digest: blob.digest,
          expectedSize: SIZE,
          getUrl,
          sink: memory(),
          signal: new AbortController().signal,
        }),
      )
      expect(error.code).toBe('DigestMismatch')
      expect(error.message).toContain(`expected ${blob.digest}`)
    })
  })

  describe('into a partial file', () => {
    it('continues a leftover partial, re-hashing it, and fsyncs before it commits', async () => {
      const partialPath = join(dir, 'blob.partial')
      await writeFile(partialPath, bytes.subarray(0, 1000))
      const phases: FetchPhase[] = []
      const outcome = await fetchBlob(deps(http()), {
        digest: blob.digest,
        expectedSize: SIZE,
        getUrl,
        sink: filePartialSink({ partialPath }),
        signal: new AbortController().signal,
        onPhase: (phase) => phases.push(phase),
      })
      expect(outcome).toMatchObject({
        value: { path: partialPath, size: SIZE },
        resumedFrom: 1000,
        bytesTransferred: SIZE - 1000,
      })
      expect(phases).toEqual(['rehashing', 'downloading', 'verifying'])
      expect(gets().map((g) => g.range)).toEqual(['bytes=1000-'])
      expect(
        createHash('sha256')
          .update(await readFile(partialPath))
          .digest('hex'),
      ).toBe(blob.digest.slice(7))
    })

    it('resumes a reset connection with Range, appending where the stored bytes end', async () => {
      const partialPath = join(dir, 'reset.partial')
      registry.injectBlobFault({ kind: 'reset', afterBytes: SIZE / 2 })
      registry.injectBlobFault({ kind: 'truncate', afterBytes: SIZE / 4 })
      const outcome = await fetchBlob(deps(http()), {
        digest: blob.digest,
        expectedSize: SIZE,
        getUrl,
        sink: filePartialSink({ partialPath }),
        signal: new AbortController().signal,
      })
      expect(outcome).toMatchObject({ size: SIZE, bytesTransferred: SIZE })
      expect(gets()).toHaveLength(3)
      expect((await readFile(partialPath)).equals(bytes)).toBe(true)
    })

    it('restarts from zero when a resume is answered with 200 or the wrong Content-Range', async () => {
      for (const kind of ['ignore-range', 'wrong-content-range'] as const) {
        const partialPath = join(dir, `${kind}.partial`)
        registry.clearBlobRequestLog()
        registry.injectBlobFault({ kind: 'truncate', afterBytes: SIZE / 2 })
        registry.injectBlobFault({ kind })
        const outcome = await fetchBlob(deps(http()), {
          digest: blob.digest,
          expectedSize: SIZE,
          getUrl,
          sink: filePartialSink({ partialPath }),
          signal: new AbortController().signal,
        })
        expect((await stat(partialPath)).size).toBe(SIZE)
        expect(outcome.size).toBe(SIZE)
        const log = gets()
        expect(log[1]!.range).toMatch(/^bytes=[1-9]\d*-$/)
        if (kind === 'ignore-range') {
          // The whole body came back with 200 and was read from its first byte, not appended.
          expect(log.map((g) => g.status)).toEqual([200, 200])
        } else {
          // The 206 for the wrong range was dropped, and the file started over from zero.
          expect(log.map((g) => g.range)).toEqual([undefined, log[1]!.range, undefined])
        }
        expect(outcome.bytesTransferred).toBe(SIZE + Number(/\d+/.exec(log[1]!.range!)![0]))
      }
    })

    it('stops at once when cancelled, with the signal’s reason', async () => {
      registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 256 * 1024 })
      const controller = new AbortController()
      const reason = new AppErrorException({ code: 'Cancelled', message: 'Cancelled.' })
      const started = fetchBlob(deps(http()), {
        digest: blob.digest,
        expectedSize: SIZE,
        getUrl,
        sink: filePartialSink({ partialPath: join(dir, 'cancel.partial') }),
        signal: controller.signal,
        onBytes: (received) => {
          if (received > 0) controller.abort(reason)
        },
      })
      expect((await failure(started)).code).toBe('Cancelled')
    })
  })
})
