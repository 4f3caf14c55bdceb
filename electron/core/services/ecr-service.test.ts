import { ECRClient } from '@aws-sdk/client-ecr'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ErrorCode } from '../../../shared/errors'
import { AppErrorException } from '../../../shared/ipc/result'
import { DemoRegistry, SAMPLE_REPOSITORIES, SAMPLE_TAGS } from '../../demo-registry/testing'
import { toAppError } from '../ipc/to-app-error'
import { BlobHttp } from './blob-http'
import { EcrService } from './ecr-service'

// The issue 3 reads, run for real against the demo registry over HTTP (SigV4, JSON 1.1).
let registry: DemoRegistry
let client: ECRClient
let ecr: EcrService
let registryId: string | undefined

beforeAll(async () => {
  registry = new DemoRegistry({ repositoryCount: 10, faults: true })
  const { endpoint } = await registry.start()
  client = new ECRClient({
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    maxAttempts: 1,
  })
  ecr = new EcrService(() => Promise.resolve({ client, registryId }))
})
afterAll(async () => {
  client.destroy()
  await registry.stop()
})
beforeEach(() => {
  registryId = undefined
  registry.clearRequestLog()
  registry.clearBlobFaults()
})

// Services throw catalog errors; the IPC dispatcher adds the context, so the test maps them too.
async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'no error'> {
  try {
    await promise
  } catch (error) {
    return toAppError(error).code
  }
  return 'no error'
}

describe('errors', () => {
  it('are thrown as catalog errors, mapped from the SDK error where the call failed', async () => {
    const error = await ecr
      .listImages({ repositoryName: 'no-such/repository', tagStatus: 'ANY' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppErrorException)
    expect((error as AppErrorException).error).toMatchObject({
      code: 'RepositoryNotFound',
      awsName: 'RepositoryNotFoundException',
    })
  })
})

describe('DescribeImages', () => {
  it('pages 50,000 images in 50 calls of 1,000, each image once', async () => {
    const digests = new Set<string>()
    let nextToken: string | undefined
    do {
      const page = await ecr.listImages({
        repositoryName: SAMPLE_REPOSITORIES.scale,
        tagStatus: 'ANY',
        ...(nextToken ? { nextToken } : {}),
      })
      for (const image of page.items) digests.add(image.digest)
      nextToken = page.nextToken ?? undefined
    } while (nextToken)
    expect(digests.size).toBe(50_000)
    expect(registry.requestCount('DescribeImages')).toBe(50)
  })

  it('passes the tag status filter and maps every shown field', async () => {
    const untagged = await ecr.listImages({
      repositoryName: SAMPLE_REPOSITORIES.untagged,
      tagStatus: 'UNTAGGED',
    })
    expect(untagged.items.length).toBe(registry.samples().untagged.untagged.length)
    expect(untagged.items.every((image) => image.tags.length === 0)).toBe(true)

    const [current] = (
      await ecr.listImages({ repositoryName: SAMPLE_REPOSITORIES.webApp, tagStatus: 'TAGGED' })
    ).items.filter((image) => image.tags.includes(SAMPLE_TAGS.webApp.current))
    expect(current).toMatchObject({
      digest: registry.samples().webApp.current.imageDigest,
      manifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      scanStatus: 'COMPLETE',
    })
    expect(current!.pushedAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(current!.lastRecordedPullTime).not.toBeNull()
    expect(current!.sizeInBytes).toBe(registry.samples().webApp.current.imageSizeInBytes)
  })

  it('sizes an index as its largest child, as ECR does', async () => {
    const { multiArch } = registry.samples()
    const summary = await ecr.describeImage({
      repositoryName: SAMPLE_REPOSITORIES.multiArch,
      imageDigest: multiArch.index.imageDigest,
    })
    expect(summary.sizeInBytes).toBe(
      Math.max(
        multiArch.amd64.imageSizeInBytes,
        multiArch.arm64.imageSizeInBytes,
        multiArch.attestation.imageSizeInBytes,
      ),
    )
  })
})

describe('BatchGetImage', () => {
  it('returns a multi-arch index unconverted, by tag, with its platforms', async () => {
    const index = await ecr.getManifest({
      repositoryName: SAMPLE_REPOSITORIES.multiArch,
      imageTag: SAMPLE_TAGS.multiArch.latest,
    })
    expect(index.kind).toBe('index')
    if (index.kind !== 'index') return
    expect(index.raw).toBe(registry.samples().multiArch.index.imageManifest)
    expect(index.platforms.filter((p) => !p.attestation).map((p) => p.architecture)).toEqual([
      'amd64',
      'arm64',
    ])
    expect(index.platforms.some((p) => p.attestation)).toBe(true)
  })

  it('reads a Docker manifest list and an OCI manifest with zstd layers', async () => {
    const list = await ecr.getManifest({
      repositoryName: SAMPLE_REPOSITORIES.multiArch,
      imageTag: SAMPLE_TAGS.multiArch.dockerList,
    })
    expect(list.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json')
    const oci = await ecr.getManifest({
      repositoryName: SAMPLE_REPOSITORIES.ociZstd,
      imageTag: SAMPLE_TAGS.ociZstd.latest,
    })
    expect(oci.kind === 'image' && oci.layers.map((l) => l.compression)).toEqual(
      expect.arrayContaining(['zstd', 'gzip', 'none']),
    )
  })

  it.each([
    ['ImageNotFound', { imageDigest: `sha256:${'0'.repeat(64)}` }],
    ['InvalidImageDigest', { imageDigest: 'sha256:nothex' }],
    [
      'ImageTagDoesNotMatchDigest',
      { imageTag: SAMPLE_TAGS.webApp.previous, useCurrentDigest: true },
    ],
    ['MissingDigestAndTag', {}],
  ])('turns the failure %s into its catalog code', async (code, ids) => {
    const { useCurrentDigest, ...rest } = ids as {
      useCurrentDigest?: boolean
      imageDigest?: string
      imageTag?: string
    }
    const request = {
      repositoryName: SAMPLE_REPOSITORIES.webApp,
      ...rest,
      ...(useCurrentDigest ? { imageDigest: registry.samples().webApp.current.imageDigest } : {}),
    }
    expect(await codeOf(ecr.getManifest(request))).toBe(code)
  })

  it('names the upstream registry when a pull-through image is not cached', async () => {
    const failure = await ecr
      .getManifest({
        repositoryName: SAMPLE_REPOSITORIES.alpine,
        imageTag: SAMPLE_TAGS.alpine.uncached,
      })
      .catch((e: AppErrorException) => e.error)
    expect(failure).toMatchObject({ code: 'UpstreamUnavailable', resource: 'public.ecr.aws' })

    registry.setUncachedImageErrors('exception')
    try {
      const thrown = await ecr
        .getManifest({
          repositoryName: SAMPLE_REPOSITORIES.alpine,
          imageTag: SAMPLE_TAGS.alpine.uncached,
        })
        .catch((e: AppErrorException) => e.error)
      expect(thrown).toMatchObject({ code: 'UnableToGetUpstreamImage', resource: 'public.ecr.aws' })
    } finally {
      registry.setUncachedImageErrors('failure')
    }
  })

  it('names the upstream registry when a pull-through layer is not cached', async () => {
    const layer = registry.samples().alpine.uncached.layerDigests[0]!
    const error = await ecr
      .downloadUrl({ repositoryName: SAMPLE_REPOSITORIES.alpine }, layer)
      .catch((e: AppErrorException) => e.error)
    expect(error).toMatchObject({ code: 'UnableToGetUpstreamLayer', resource: 'public.ecr.aws' })
  })
})

describe('config blobs through GetDownloadUrlForLayer', () => {
  it('downloads, verifies and parses the arm64 config with its history', async () => {
    const { arm64 } = registry.samples().multiArch
    const config = await ecr.getConfig({
      repositoryName: SAMPLE_REPOSITORIES.multiArch,
      digest: arm64.config!.digest,
    })
    expect(config).toMatchObject({ os: 'linux', architecture: 'arm64', variant: 'v8' })
    expect(config.history.some((h) => h.createdBy?.endsWith('# arm64'))).toBe(true)
    expect(registry.requestCount('GetDownloadUrlForLayer')).toBe(1)
  })

  it('refreshes an expired URL and retries a 5xx, as layer downloads do', async () => {
    const { current } = registry.samples().webApp
    const patient = new EcrService(() => Promise.resolve({ client, registryId }), {
      http: new BlobHttp(),
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxUrlRefreshes: 2 },
    })
    const digest = current.config!.digest
    registry.injectBlobFault({ kind: 'expired', digest })
    registry.injectBlobFault({ kind: 'status', status: 500, digest })
    const config = await patient.getConfig({ repositoryName: SAMPLE_REPOSITORIES.webApp, digest })
    expect(config.os).toBe('linux')
    expect(registry.requestCount('GetDownloadUrlForLayer')).toBe(2)
  })

  it('stops a URL that stays expired with AccessDenied, not Unknown', async () => {
    const { current } = registry.samples().webApp
    const digest = current.config!.digest
    registry.injectBlobFault({ kind: 'expired', digest, times: 10 })
    expect(
      await codeOf(ecr.getConfig({ repositoryName: SAMPLE_REPOSITORIES.webApp, digest })),
    ).toBe('AccessDenied')
  })

  it('refuses a config whose bytes do not match its digest', async () => {
    const { current } = registry.samples().webApp
    registry.injectBlobFault({ kind: 'corrupt', offset: 5, digest: current.config!.digest })
    expect(
      await codeOf(
        ecr.getConfig({
          repositoryName: SAMPLE_REPOSITORIES.webApp,
          digest: current.config!.digest,
        }),
      ),
    ).toBe('DigestMismatch')
  })

  it.each([
    [
      'LayersNotFound',
      'an unknown digest',
      SAMPLE_REPOSITORIES.webApp,
      () => `sha256:${'1'.repeat(64)}`,
    ],
    [
      'LayerInaccessible',
      'a blob no image references',
      SAMPLE_REPOSITORIES.webApp,
      () => registry.samples().webApp.orphanBlobDigest,
    ],
    [
      'LayersNotFound',
      'a foreign layer',
      SAMPLE_REPOSITORIES.windows,
      () => registry.samples().windows.foreignLayer.digest,
    ],
  ])('GetDownloadUrlForLayer answers %s for %s', async (code, _what, repositoryName, digest) => {
    expect(await codeOf(ecr.downloadUrl({ repositoryName }, digest()))).toBe(code)
  })
})

describe('BatchCheckLayerAvailability and pull-through rules', () => {
  it('reports an archived layer and an unavailable foreign layer', async () => {
    const { previous, archivedLayerDigest } = registry.samples().webApp
    const previousLayers = await ecr.checkLayers({
      repositoryName: SAMPLE_REPOSITORIES.webApp,
      layerDigests: previous.layers.map((l) => l.digest),
    })
    expect(previousLayers.find((l) => l.digest === archivedLayerDigest)?.availability).toBe(
      'ARCHIVED',
    )
    const foreign = await ecr.checkLayers({
      repositoryName: SAMPLE_REPOSITORIES.windows,
      layerDigests: [registry.samples().windows.foreignLayer.digest],
    })
    expect(foreign[0]?.availability).toBe('UNAVAILABLE')
  })

  it('splits more than 100 digests into calls of 100', async () => {
    const digests = Array.from(
      { length: 250 },
      (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`,
    )
    const result = await ecr.checkLayers({
      repositoryName: SAMPLE_REPOSITORIES.webApp,
      layerDigests: digests,
    })
    expect(result).toHaveLength(250)
    expect(registry.requestCount('BatchCheckLayerAvailability')).toBe(3)
  })

  it('lists the pull-through cache rules with their upstreams', async () => {
    const rules = await ecr.listPullThroughRules()
    expect(rules.map((r) => [r.prefix, r.upstreamRegistryUrl])).toEqual(
      expect.arrayContaining([['ecr-public', 'public.ecr.aws']]),
    )
  })
})

describe("another account's registry", () => {
  it('passes the chosen registryId on every call', async () => {
    registryId = '999988887777'
    expect(
      await codeOf(
        ecr.listImages({ repositoryName: SAMPLE_REPOSITORIES.webApp, tagStatus: 'ANY' }),
      ),
    ).toBe('RepositoryNotFound')
    registryId = registry.accountId
    const page = await ecr.listImages({
      repositoryName: SAMPLE_REPOSITORIES.webApp,
      tagStatus: 'ANY',
    })
    expect(page.items.length).toBeGreaterThan(0)
  })
})
