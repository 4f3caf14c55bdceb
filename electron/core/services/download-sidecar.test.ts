import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ECRClient } from '@aws-sdk/client-ecr'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { AppErrorException } from '../../../shared/ipc/result'
import { DemoRegistry } from '../../demo-registry/testing'
import { withEcrClient } from '../../demo-registry/testing/ecr-client'
import * as safeFile from '../fs/safe-file'
import { Operations } from '../operations/operations'
import { fakePlatform } from '../testing/app-harness'
import { BlobDownloader } from './blob-downloader'
import { DownloadService } from './download-service'
import { EcrService } from './ecr-service'

// The partial's sidecar is written while the first bytes arrive, not before them. When it cannot
// be written, the download stops: a partial no later run could resume is not kept.

vi.mock('../fs/safe-file', async (importOriginal) => {
  const actual = await importOriginal<typeof safeFile>()
  return { ...actual, writeFileAtomic: vi.fn(actual.writeFileAtomic) }
})

const REPO = 'bench/sidecar'
const SIZE = 1024 * 1024
const registry = new DemoRegistry({ repositoryCount: 1, faults: true })
let client: ECRClient
let blob: { digest: string; size: number }
let root: string

withEcrClient(registry, (ecr) => (client = ecr))
beforeAll(async () => {
  blob = await registry.addSyntheticBlob({ repositoryName: REPO, size: SIZE, seed: 'sidecar' })
  root = await mkdtemp(join(tmpdir(), 'elb-sidecar-'))
})
afterAll(() => rm(root, { recursive: true, force: true }))

it('a sidecar that fails to write while the bytes arrive stops the download and keeps nothing', async () => {
  const ecr = new EcrService(() => Promise.resolve({ client, registryId: undefined }))
  const service = new DownloadService({
    downloader: new BlobDownloader(),
    getUrl: ({ digest, ...image }) => ecr.downloadUrl(image, digest),
    defaultDirectory: () => Promise.resolve(root),
    concurrency: () => Promise.resolve(1),
    operations: new Operations({ platform: fakePlatform(root) }),
    emit: () => undefined,
  })
  // The body crawls, and the sidecar's write fails only once its GET is under way.
  registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 64 * 1024, digest: blob.digest })
  let failSidecar!: (error: Error) => void
  vi.mocked(safeFile.writeFileAtomic).mockImplementationOnce(
    () => new Promise((_resolve, reject) => (failSidecar = reject)),
  )
  const download = service.download({
    operationId: 'sidecar-000001',
    repositoryName: REPO,
    digest: blob.digest,
    mediaType: 'application/vnd.oci.image.layer.v1.tar',
    size: SIZE,
    onExisting: 'ask',
  })
  const gets = () => registry.blobRequestLog().filter((entry) => entry.method === 'GET')
  await vi.waitFor(() => expect(gets()).toHaveLength(1))
  failSidecar(new AppErrorException({ code: 'DiskFull', message: 'no space left for the sidecar' }))

  const error = await download.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppErrorException)
  expect((error as AppErrorException).error.code).toBe('DiskFull')
  // Stopped, not finished at the crawl's pace: far fewer bytes than the blob were sent.
  expect(gets()[0]!.bytesSent).toBeLessThan(SIZE)
  expect(await readdir(root)).toEqual([])
})
