import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ECRClient } from '@aws-sdk/client-ecr'
import { BlobDownloader } from '../electron/core/services/blob-downloader'
import { DownloadService } from '../electron/core/services/download-service'
import { EcrService } from '../electron/core/services/ecr-service'
import { Operations } from '../electron/core/operations/operations'
import { BlobHttp } from '../electron/core/services/blob-http'
import { createBlobHttp, createDownloadDispatcher } from '../electron/core/services/http'
import { fakePlatform } from '../electron/core/testing/app-harness'

// One download through the app's own path (GetDownloadUrlForLayer, stream, hash, fsync, rename),
// in a fresh process so its peak RSS is its own. Prints one JSON line.
const [
  endpoint,
  region,
  accessKeyId,
  secretAccessKey,
  repositoryName,
  digest,
  size,
  warmDigest,
  warmSize,
  via,
] = process.argv.slice(2)
const dir = await mkdtemp(join(tmpdir(), 'elb-bench-dl-'))
const client = new ECRClient({
  endpoint: endpoint!,
  region: region!,
  credentials: { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! },
})
const ecr = new EcrService(() => Promise.resolve({ client, registryId: undefined }))
const service = new DownloadService({
  // `undici`: every body through undici, as a URL behind a proxy goes (the library the app's own
  // blob HTTP is measured against); otherwise the app's default.
  downloader: new BlobDownloader({
    http:
      via === 'undici'
        ? new BlobHttp({ dispatcher: createDownloadDispatcher({}), proxied: () => true })
        : createBlobHttp({}),
  }),
  getUrl: ({ digest: d, ...image }) => ecr.downloadUrl(image, d),
  defaultDirectory: () => Promise.resolve(dir),
  concurrency: () => Promise.resolve(1),
  emit: () => undefined,
  operations: new Operations({ platform: fakePlatform(dir) }),
})
// Warm up on a small blob first: the app's main process is long-running, so its download path is
// compiled and its connection pool open by the time a user downloads a layer.
await service.download({
  operationId: 'bench-warm-up',
  repositoryName: repositoryName!,
  digest: warmDigest!,
  mediaType: 'application/vnd.oci.image.layer.v1.tar',
  size: Number(warmSize),
  onExisting: 'replace',
})
const started = performance.now()
// CPU of this whole process (every thread: the hash worker's too) over the timed download only.
const cpuBefore = process.cpuUsage()
const result = await service.download({
  operationId: 'bench-download',
  repositoryName: repositoryName!,
  digest: digest!,
  mediaType: 'application/vnd.oci.image.layer.v1.tar',
  size: Number(size),
  onExisting: 'replace',
})
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpuBefore)
console.log(
  JSON.stringify({
    seconds,
    status: result.status,
    size: result.size,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    userSeconds: cpu.user / 1e6,
    systemSeconds: cpu.system / 1e6,
  }),
)
client.destroy()
await rm(dir, { recursive: true, force: true })
