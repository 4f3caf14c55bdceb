import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ECRClient } from '@aws-sdk/client-ecr'
import { ImageExporter } from '../electron/core/export/image-export'
import { Operations } from '../electron/core/operations/operations'
import { EcrService } from '../electron/core/services/ecr-service'
import { createBlobHttp } from '../electron/core/services/http'
import { fakePlatform } from '../electron/core/testing/app-harness'

// One "Save image…" as an OCI layout folder through the app's own exporter, in a fresh process so
// its peak RSS is its own, after a warm-up export of a small image. Prints one JSON line.
const [endpoint, region, accessKeyId, secretAccessKey, repositoryName, tag, warmTag, concurrency] =
  process.argv.slice(2)
const dir = await mkdtemp(join(tmpdir(), 'elb-bench-export-'))
const client = new ECRClient({
  endpoint: endpoint!,
  region: region!,
  credentials: { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! },
})
const http = createBlobHttp({})
const ecr = new EcrService(() => Promise.resolve({ client, registryId: undefined }), { http })
const exporter = new ImageExporter({
  pipeline: { http },
  operations: new Operations({ platform: fakePlatform(dir) }),
  emit: () => undefined,
  concurrency: () => Promise.resolve(Number(concurrency) || 3),
  candidates: () => Promise.resolve([]),
})
const source = {
  manifest: (ref: { imageTag?: string; imageDigest?: string }) =>
    ecr.getManifest({ repositoryName: repositoryName!, ...ref }),
  getUrl: (digest: string) => ecr.downloadUrl({ repositoryName: repositoryName! }, digest),
}
const save = (imageTag: string, name: string) =>
  exporter.save(source, {
    operationId: `bench-${name}`,
    repositoryName: repositoryName!,
    repositoryUri: repositoryName!,
    imageTag,
    platform: 'all',
    includeReferrers: false,
    format: 'oci-dir',
    target: join(dir, name),
  })
await save(warmTag!, 'warm-up')
const started = performance.now()
const result = await save(tag!, 'layout')
const seconds = (performance.now() - started) / 1000
console.log(
  JSON.stringify({
    seconds,
    status: result.status,
    summary: result.verified?.summary ?? null,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
)
client.destroy()
await rm(dir, { recursive: true, force: true })
