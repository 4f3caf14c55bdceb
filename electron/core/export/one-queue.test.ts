import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseManifest } from '../../../shared/manifest'
import { Operations } from '../operations/operations'
import { BlobDownloader } from '../services/blob-downloader'
import { BlobHttp } from '../services/blob-http'
import { DownloadService } from '../services/download-service'
import { ImageExporter, type ExportSource } from './image-export'

// Issue 15: exports run through the same operations runtime and the same queue as downloads,
// under the same concurrency setting. A fake registry serves every blob in small slices over a
// few hundred milliseconds and counts the bodies it is sending at once: an export and three layer
// downloads started together, under a limit of 2, never have more than 2 bodies open.

const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip'
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

interface FakeRegistry {
  base: string
  blobs: Map<string, Buffer>
  open: number
  peak: number
  served: number
  urlCalls: number
  close(): Promise<void>
}

async function fakeRegistry(): Promise<FakeRegistry> {
  const state = {
    blobs: new Map<string, Buffer>(),
    open: 0,
    peak: 0,
    served: 0,
    urlCalls: 0,
  }
  const server: Server = createServer((req, res) => {
    const digest = decodeURIComponent(req.url?.slice('/blobs/'.length) ?? '')
    const bytes = state.blobs.get(digest)
    if (!bytes) {
      res.writeHead(404).end()
      return
    }
    state.open++
    state.peak = Math.max(state.peak, state.open)
    let closed = false
    const done = () => {
      if (closed) return
      closed = true
      state.open--
    }
    res.on('close', done)
    res.writeHead(200, { 'content-length': String(bytes.length) })
    // A slow body: 8 slices, one every 25 ms, so bodies started together are open together.
    let offset = 0
    const slice = Math.ceil(bytes.length / 8)
    const timer = setInterval(() => {
      const chunk = bytes.subarray(offset, offset + slice)
      offset += chunk.length
      if (offset >= bytes.length) {
        clearInterval(timer)
        state.served++
        res.end(chunk, done)
      } else {
        res.write(chunk)
      }
    }, 25)
    res.on('close', () => clearInterval(timer))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const extra: Pick<FakeRegistry, 'base' | 'close'> = {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  return Object.assign(state, extra)
}

let registry: FakeRegistry
let dir: string

beforeEach(async () => {
  registry = await fakeRegistry()
  dir = await mkdtemp(join(tmpdir(), 'elb-one-queue-'))
})
afterEach(async () => {
  await registry.close()
  await rm(dir, { recursive: true, force: true })
})

function blob(seed: string, size: number): { digest: string; size: number } {
  const bytes = Buffer.alloc(size, seed)
  const digest = sha256(bytes)
  registry.blobs.set(digest, bytes)
  return { digest, size }
}

describe('one queue for downloads and exports', () => {
  it('an export and layer downloads started together share the download concurrency: at most 2 bodies at once under a limit of 2', async () => {
    const concurrency = () => Promise.resolve(2)
    const operations = new Operations()
    const downloader = new BlobDownloader({ http: new BlobHttp() })
    const url = (digest: string) => {
      registry.urlCalls++
      return Promise.resolve(`${registry.base}/blobs/${encodeURIComponent(digest)}`)
    }
    const downloads = new DownloadService({
      downloader,
      getUrl: ({ digest }) => url(digest),
      defaultDirectory: () => Promise.resolve(join(dir, 'downloads')),
      concurrency,
      operations,
      emit: () => undefined,
    })
    const exporter = new ImageExporter({
      pipeline: downloader.pipeline,
      operations,
      emit: () => undefined,
      concurrency,
      candidates: () => Promise.resolve([]),
    })

    const config = blob('c', 2_000)
    const layers = [blob('a', 64_000), blob('b', 64_000), blob('d', 64_000)]
    const raw = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((l) => ({ mediaType: LAYER, ...l })),
    })
    const manifest = parseManifest(raw, sha256(Buffer.from(raw)), null)
    const source: ExportSource = {
      manifest: () => Promise.resolve(manifest),
      getUrl: url,
    }
    const others = [blob('x', 64_000), blob('y', 64_000), blob('z', 64_000)]

    const [saved, ...downloaded] = await Promise.all([
      exporter.save(source, {
        operationId: 'export-1',
        repositoryName: 'demo/app',
        repositoryUri: 'demo/app',
        imageTag: '1.0',
        platform: 'all',
        includeReferrers: false,
        format: 'oci-dir',
        target: join(dir, 'layout'),
      }),
      ...others.map((b, i) =>
        downloads.download({
          operationId: `download-${i}`,
          repositoryName: 'demo/app',
          digest: b.digest,
          mediaType: LAYER,
          size: b.size,
          onExisting: 'replace',
        }),
      ),
    ])

    expect(saved.status).toBe('done')
    expect(saved.fetched).toBe(4)
    expect(downloaded.map((d) => d.status)).toEqual(['downloaded', 'downloaded', 'downloaded'])
    // Every blob was served once, and never more than the limit at a time, across both kinds.
    expect(registry.served).toBe(7)
    expect(registry.peak).toBe(2)
    expect(operations.slotsTaken('transfers')).toBe(0)
  })

  it('fetches an export’s blobs concurrently, up to the limit: their GetDownloadUrlForLayer calls and bodies overlap', async () => {
    const operations = new Operations()
    const downloader = new BlobDownloader({ http: new BlobHttp() })
    let urlsInFlight = 0
    let urlPeak = 0
    const exporter = new ImageExporter({
      pipeline: downloader.pipeline,
      operations,
      emit: () => undefined,
      concurrency: () => Promise.resolve(3),
      candidates: () => Promise.resolve([]),
    })
    const config = blob('c', 2_000)
    const layers = [blob('a', 64_000), blob('b', 64_000)]
    const raw = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((l) => ({ mediaType: LAYER, ...l })),
    })
    const manifest = parseManifest(raw, sha256(Buffer.from(raw)), null)
    // GetDownloadUrlForLayer answers only once three calls are waiting: they must overlap.
    const waiting: (() => void)[] = []
    const result = await exporter.save(
      {
        manifest: () => Promise.resolve(manifest),
        getUrl: async (digest) => {
          urlsInFlight++
          urlPeak = Math.max(urlPeak, urlsInFlight)
          await new Promise<void>((resolve) => {
            waiting.push(resolve)
            if (waiting.length === 3) for (const wake of waiting.splice(0)) wake()
          })
          urlsInFlight--
          return `${registry.base}/blobs/${encodeURIComponent(digest)}`
        },
      },
      {
        operationId: 'export-2',
        repositoryName: 'demo/app',
        repositoryUri: 'demo/app',
        imageTag: '1.0',
        platform: 'all',
        includeReferrers: false,
        format: 'oci-dir',
        target: join(dir, 'layout-2'),
      },
    )
    expect(result.status).toBe('done')
    expect(urlPeak).toBe(3)
    expect(registry.peak).toBe(3)
  })
})
