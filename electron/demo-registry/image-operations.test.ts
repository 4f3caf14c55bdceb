import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  DescribePullThroughCacheRulesCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  type ImageDetail,
  ListImagesCommand,
} from '@aws-sdk/client-ecr'
import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  DemoRegistry,
  ECR_PUBLIC_UPSTREAM,
  MEDIA_TYPES,
  SAMPLE_REPOSITORIES as REPOS,
  SAMPLE_TAGS as TAGS,
  SCALE_IMAGE_COUNT,
} from './server'
import { rejectionOf } from './testing/requests'

const REGION = 'us-east-1'
const ACCOUNT = '123456789012'
const sha256 = (bytes: Uint8Array | string) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`
const MISSING_DIGEST = `sha256:${'0'.repeat(64)}`

describe('DemoRegistry image and layer operations', () => {
  const registry = new DemoRegistry({ repositoryCount: 40, faults: true })
  let endpoint: string
  let ecr: ECRClient

  beforeAll(async () => {
    ;({ endpoint } = await registry.start())
    ecr = new ECRClient({
      endpoint,
      region: REGION,
      credentials: registry.credentials,
      maxAttempts: 1,
    })
  })
  afterAll(async () => {
    ecr.destroy()
    await registry.stop()
  })
  beforeEach(() => registry.clearRequestLog())
  afterEach(() => {
    registry.clearFaults()
    registry.setUncachedImageErrors('failure')
  })

  describe('DescribeImages', () => {
    it('pages demo/scale-50k in exactly 50 calls of 1000, every digest once', async () => {
      const digests = new Set<string>()
      let untagged = 0
      let nextToken: string | undefined
      do {
        const page = await ecr.send(
          new DescribeImagesCommand({ repositoryName: REPOS.scale, maxResults: 1000, nextToken }),
        )
        expect(page.imageDetails?.length).toBeLessThanOrEqual(1000)
        for (const detail of page.imageDetails ?? []) {
          digests.add(detail.imageDigest ?? '')
          if (detail.imageTags === undefined) untagged++
        }
        nextToken = page.nextToken
      } while (nextToken)

      expect(registry.requestCount('DescribeImages')).toBe(50)
      expect(digests.size).toBe(SCALE_IMAGE_COUNT)
      // About 10% untagged, by construction.
      expect(untagged).toBeGreaterThan(4000)
      expect(untagged).toBeLessThan(6000)
    })

    it('returns 100 images and a nextToken when maxResults is omitted', async () => {
      const page = await ecr.send(new DescribeImagesCommand({ repositoryName: REPOS.scale }))
      expect(page.imageDetails).toHaveLength(100)
      expect(page.nextToken).toEqual(expect.any(String))
    })

    it('filters by tagStatus TAGGED, UNTAGGED and ANY', async () => {
      const list = async (tagStatus: 'TAGGED' | 'UNTAGGED' | 'ANY') =>
        (
          await ecr.send(
            new DescribeImagesCommand({ repositoryName: REPOS.untagged, filter: { tagStatus } }),
          )
        ).imageDetails ?? []
      const tagged = await list('TAGGED')
      const untagged = await list('UNTAGGED')
      const any = await list('ANY')
      expect(tagged.map((d) => d.imageTags)).toEqual([[TAGS.untagged.tagged]])
      expect(untagged).toHaveLength(3)
      expect(untagged.every((d) => d.imageTags === undefined)).toBe(true)
      expect(any).toHaveLength(4)

      const scaleUntagged = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.scale,
          filter: { tagStatus: 'UNTAGGED' },
          maxResults: 1000,
        }),
      )
      expect(scaleUntagged.imageDetails).toHaveLength(1000)
      expect(scaleUntagged.imageDetails?.every((d) => d.imageTags === undefined)).toBe(true)
    })

    it("describes images by tag and digest in ECR's shape, each image once", async () => {
      const { current, previous } = registry.samples().webApp
      const out = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.webApp,
          imageIds: [
            { imageTag: TAGS.webApp.latest },
            { imageDigest: current.imageDigest },
            { imageTag: TAGS.webApp.previous },
          ],
        }),
      )
      expect(out.nextToken).toBeUndefined()
      const [latest, older] = out.imageDetails as [ImageDetail, ImageDetail]
      expect(out.imageDetails).toHaveLength(2)
      expect(latest).toMatchObject({
        registryId: ACCOUNT,
        repositoryName: REPOS.webApp,
        imageDigest: current.imageDigest,
        imageTags: [TAGS.webApp.latest, TAGS.webApp.current],
        imageManifestMediaType: MEDIA_TYPES.dockerManifest,
        artifactMediaType: MEDIA_TYPES.dockerConfig,
        imageScanStatus: { status: 'COMPLETE' },
        imageScanFindingsSummary: {
          findingSeverityCounts: { CRITICAL: 1, HIGH: 3, MEDIUM: 7, LOW: 12, INFORMATIONAL: 2 },
        },
      })
      const layerBytes = current.layers.reduce((sum, l) => sum + l.size, 0)
      expect(latest.imageSizeInBytes).toBe(layerBytes + (current.config?.size ?? 0))
      expect(latest.imagePushedAt).toEqual(current.imagePushedAt)
      expect(latest.lastRecordedPullTime).toBeInstanceOf(Date)
      expect(latest.imageScanFindingsSummary?.imageScanCompletedAt).toBeInstanceOf(Date)
      expect(older.imageDigest).toBe(previous.imageDigest)
      expect(older.lastRecordedPullTime).toBeUndefined()
    })

    it("reports an index's size as its largest child's", async () => {
      const { index, amd64, arm64, attestation } = registry.samples().multiArch
      const out = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.multiArch,
          imageIds: [{ imageTag: TAGS.multiArch.latest }],
        }),
      )
      const detail = out.imageDetails?.[0]
      expect(detail?.imageManifestMediaType).toBe(MEDIA_TYPES.ociIndex)
      expect(detail?.imageTags).toEqual([TAGS.multiArch.latest, TAGS.multiArch.v2])
      expect(detail?.artifactMediaType).toBeUndefined()
      expect(detail?.imageSizeInBytes).toBe(
        Math.max(amd64.imageSizeInBytes, arm64.imageSizeInBytes, attestation.imageSizeInBytes),
      )
      expect(index.imageSizeInBytes).toBe(detail?.imageSizeInBytes)
    })

    it("answers ImageNotFoundException with ECR's wording for an unknown tag", async () => {
      const error = await rejectionOf(
        ecr.send(
          new DescribeImagesCommand({
            repositoryName: REPOS.webApp,
            imageIds: [{ imageTag: 'latest' }, { imageTag: 'nope' }],
          }),
        ),
      )
      expect(error.name).toBe('ImageNotFoundException')
      expect(error.message).toBe(
        `The image with imageId {imageDigest:'null', imageTag:'nope'} does not exist within the repository with name '${REPOS.webApp}' in the registry with id '${ACCOUNT}'`,
      )
    })

    it('rejects imageIds combined with paging, too many imageIds, bad enums and ranges', async () => {
      const combined = await rejectionOf(
        ecr.send(
          new DescribeImagesCommand({
            repositoryName: REPOS.webApp,
            imageIds: [{ imageTag: 'latest' }],
            maxResults: 10,
          }),
        ),
      )
      expect(combined.name).toBe('InvalidParameterException')
      expect(combined.message).toContain('imageIds')

      const many = await rejectionOf(
        ecr.send(
          new DescribeImagesCommand({
            repositoryName: REPOS.webApp,
            imageIds: Array.from({ length: 101 }, (_, i) => ({ imageTag: `t${i}` })),
          }),
        ),
      )
      expect(many.name).toBe('InvalidParameterException')
      expect(many.message).toContain("at 'imageIds' failed to satisfy constraint")

      const status = await rejectionOf(
        ecr.send(
          new DescribeImagesCommand({
            repositoryName: REPOS.webApp,
            filter: { tagStatus: 'SOMETIMES' as 'ANY' },
          }),
        ),
      )
      expect(status.message).toBe(
        "1 validation error detected: Value 'SOMETIMES' at 'filter.tagStatus' failed to satisfy constraint: Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]",
      )

      const range = await rejectionOf(
        ecr.send(new DescribeImagesCommand({ repositoryName: REPOS.webApp, maxResults: 1001 })),
      )
      expect(range.name).toBe('InvalidParameterException')

      const digest = await rejectionOf(
        ecr.send(
          new DescribeImagesCommand({
            repositoryName: REPOS.webApp,
            imageIds: [{ imageDigest: 'sha256:XYZ' }],
          }),
        ),
      )
      expect(digest.name).toBe('InvalidParameterException')
    })

    it('answers RepositoryNotFoundException for a missing repository or another registry', async () => {
      const missing = await rejectionOf(
        ecr.send(new DescribeImagesCommand({ repositoryName: 'demo/missing' })),
      )
      expect(missing.name).toBe('RepositoryNotFoundException')
      expect(missing.message).toBe(
        `The repository with name 'demo/missing' does not exist in the registry with id '${ACCOUNT}'`,
      )
      const foreign = await rejectionOf(
        ecr.send(
          new DescribeImagesCommand({ repositoryName: REPOS.webApp, registryId: '999999999999' }),
        ),
      )
      expect(foreign.name).toBe('RepositoryNotFoundException')
    })

    it('returns an empty list for a repository without images', async () => {
      const out = await ecr.send(new DescribeImagesCommand({ repositoryName: REPOS.api }))
      expect(out.imageDetails).toEqual([])
      expect(out.nextToken).toBeUndefined()
    })
  })

  describe('ListImages', () => {
    it('lists one entry per tag and untagged images once without a tag', async () => {
      const all = await ecr.send(new ListImagesCommand({ repositoryName: REPOS.multiArch }))
      const { index, dockerList } = registry.samples().multiArch
      const tagged = all.imageIds?.filter((id) => id.imageTag !== undefined) ?? []
      expect(tagged).toEqual([
        { imageDigest: dockerList.imageDigest, imageTag: TAGS.multiArch.dockerList },
        { imageDigest: index.imageDigest, imageTag: TAGS.multiArch.latest },
        { imageDigest: index.imageDigest, imageTag: TAGS.multiArch.v2 },
      ])
      const untagged = await ecr.send(
        new ListImagesCommand({
          repositoryName: REPOS.multiArch,
          filter: { tagStatus: 'UNTAGGED' },
        }),
      )
      // amd64, arm64, the attestation and the two Docker children.
      expect(untagged.imageIds).toHaveLength(5)
      expect(untagged.imageIds?.every((id) => id.imageTag === undefined)).toBe(true)
    })

    it('pages demo/scale-50k with maxResults 1000 in 50 calls', async () => {
      let count = 0
      let nextToken: string | undefined
      do {
        const page = await ecr.send(
          new ListImagesCommand({ repositoryName: REPOS.scale, maxResults: 1000, nextToken }),
        )
        count += page.imageIds?.length ?? 0
        nextToken = page.nextToken
      } while (nextToken)
      expect(count).toBe(SCALE_IMAGE_COUNT)
      expect(registry.requestCount('ListImages')).toBe(50)
    })

    it('rejects a nextToken issued for another filter', async () => {
      const first = await ecr.send(
        new ListImagesCommand({ repositoryName: REPOS.scale, maxResults: 10 }),
      )
      const error = await rejectionOf(
        ecr.send(
          new ListImagesCommand({
            repositoryName: REPOS.scale,
            filter: { tagStatus: 'UNTAGGED' },
            nextToken: first.nextToken,
          }),
        ),
      )
      expect(error.name).toBe('InvalidParameterException')
    })
  })

  describe('BatchGetImage', () => {
    it('returns the exact stored manifest by tag, whose sha256 is the digest', async () => {
      const { current } = registry.samples().webApp
      const out = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: REPOS.webApp,
          imageIds: [{ imageTag: TAGS.webApp.latest }],
        }),
      )
      expect(out.failures).toEqual([])
      const image = out.images?.[0]
      expect(image).toEqual({
        registryId: ACCOUNT,
        repositoryName: REPOS.webApp,
        imageId: { imageDigest: current.imageDigest, imageTag: TAGS.webApp.latest },
        imageManifest: current.imageManifest,
        imageManifestMediaType: MEDIA_TYPES.dockerManifest,
      })
      expect(sha256(image?.imageManifest ?? '')).toBe(current.imageDigest)
    })

    it("resolves an index's children by digest, untagged, in the same repository", async () => {
      const { index } = registry.samples().multiArch
      const manifests = (
        JSON.parse(index.imageManifest) as { manifests: { digest: string; mediaType: string }[] }
      ).manifests
      const out = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: REPOS.multiArch,
          imageIds: manifests.map((m) => ({ imageDigest: m.digest })),
          acceptedMediaTypes: [MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex],
        }),
      )
      expect(out.failures).toEqual([])
      expect(out.images?.map((i) => sha256(i.imageManifest ?? ''))).toEqual(
        manifests.map((m) => m.digest),
      )
      expect(out.images?.every((i) => i.imageId?.imageTag === undefined)).toBe(true)
    })

    it('reports each bad image id as a failure with its code', async () => {
      const { current, previous } = registry.samples().webApp
      const out = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: REPOS.webApp,
          imageIds: [
            { imageDigest: 'sha256:NOTHEX' },
            { imageTag: 'bad tag!' },
            { imageTag: TAGS.webApp.latest, imageDigest: previous.imageDigest },
            { imageTag: 'nope' },
            {},
            { imageDigest: current.imageDigest },
          ],
        }),
      )
      expect(out.images?.map((i) => i.imageId?.imageDigest)).toEqual([current.imageDigest])
      expect(out.failures?.map((f) => [f.failureCode, f.failureReason])).toEqual([
        ['InvalidImageDigest', 'Invalid image digest'],
        ['InvalidImageTag', 'Invalid image tag'],
        ['ImageTagDoesNotMatchDigest', 'Image tag does not match digest'],
        ['ImageNotFound', 'Requested image not found'],
        ['MissingDigestAndTag', 'Missing image digest and tag'],
      ])
      expect(out.failures?.[3]?.imageId).toEqual({ imageTag: 'nope' })
    })

    it('never converts: a stored type outside acceptedMediaTypes is ImageNotFound', async () => {
      const { index } = registry.samples().multiArch
      const out = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: REPOS.multiArch,
          imageIds: [{ imageDigest: index.imageDigest }],
          acceptedMediaTypes: [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest],
        }),
      )
      expect(out.images).toEqual([])
      expect(out.failures?.[0]).toMatchObject({
        imageId: { imageDigest: index.imageDigest },
        failureCode: 'ImageNotFound',
      })
    })

    it('validates imageIds and acceptedMediaTypes lengths', async () => {
      const ids = await rejectionOf(
        ecr.send(
          new BatchGetImageCommand({
            repositoryName: REPOS.webApp,
            imageIds: Array.from({ length: 101 }, () => ({ imageTag: 'latest' })),
          }),
        ),
      )
      expect(ids.name).toBe('InvalidParameterException')
      const types = await rejectionOf(
        ecr.send(
          new BatchGetImageCommand({
            repositoryName: REPOS.webApp,
            imageIds: [{ imageTag: 'latest' }],
            acceptedMediaTypes: [],
          }),
        ),
      )
      expect(types.name).toBe('InvalidParameterException')
      expect(types.message).toContain("at 'acceptedMediaTypes'")
    })

    it('serves the cached pull-through image and fails the uncached one as UpstreamUnavailable', async () => {
      const { cached, uncached } = registry.samples().alpine
      const out = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: REPOS.alpine,
          imageIds: [{ imageTag: TAGS.alpine.cached }, { imageTag: TAGS.alpine.uncached }],
        }),
      )
      expect(out.images?.map((i) => i.imageManifest)).toEqual([cached.imageManifest])
      expect(out.failures).toEqual([
        {
          imageId: { imageTag: uncached.tag },
          failureCode: 'UpstreamUnavailable',
          failureReason: expect.any(String) as unknown,
        },
      ])
    })

    it('throws UnableToGetUpstreamImageException when the registry hook says so', async () => {
      registry.setUncachedImageErrors('exception')
      const error = await rejectionOf(
        ecr.send(
          new BatchGetImageCommand({
            repositoryName: REPOS.alpine,
            imageIds: [{ imageTag: TAGS.alpine.uncached }],
          }),
        ),
      )
      expect(error.name).toBe('UnableToGetUpstreamImageException')
      expect(error.message).toContain(ECR_PUBLIC_UPSTREAM)
    })

    it('returns a real manifest for a demo/scale-50k image', async () => {
      const listed = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.scale,
          imageIds: [{ imageTag: 'build-50000' }],
        }),
      )
      const digest = listed.imageDetails?.[0]?.imageDigest
      const out = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: REPOS.scale,
          imageIds: [{ imageDigest: digest }],
        }),
      )
      expect(sha256(out.images?.[0]?.imageManifest ?? '')).toBe(digest)
    })
  })

  describe('BatchCheckLayerAvailability', () => {
    it('reports AVAILABLE, ARCHIVED and UNAVAILABLE layers and failures for bad digests', async () => {
      const { current, archivedLayerDigest } = registry.samples().webApp
      const [first] = current.layers
      const out = await ecr.send(
        new BatchCheckLayerAvailabilityCommand({
          repositoryName: REPOS.webApp,
          layerDigests: [first?.digest ?? '', archivedLayerDigest, MISSING_DIGEST, '', 'nope'],
        }),
      )
      expect(out.layers).toEqual([
        {
          layerDigest: first?.digest,
          layerAvailability: 'AVAILABLE',
          layerSize: first?.size,
          mediaType: MEDIA_TYPES.dockerLayerGzip,
        },
        {
          layerDigest: archivedLayerDigest,
          layerAvailability: 'ARCHIVED',
          layerSize: expect.any(Number) as unknown,
          mediaType: MEDIA_TYPES.dockerLayerGzip,
        },
        { layerDigest: MISSING_DIGEST, layerAvailability: 'UNAVAILABLE' },
      ])
      expect(out.failures?.map((f) => [f.layerDigest, f.failureCode])).toEqual([
        ['', 'MissingLayerDigest'],
        ['nope', 'InvalidLayerDigest'],
      ])
    })

    it('reports the foreign Windows layer as UNAVAILABLE', async () => {
      const { foreignLayer } = registry.samples().windows
      const out = await ecr.send(
        new BatchCheckLayerAvailabilityCommand({
          repositoryName: REPOS.windows,
          layerDigests: [foreignLayer.digest],
        }),
      )
      expect(out.layers?.[0]).toMatchObject({
        layerDigest: foreignLayer.digest,
        layerAvailability: 'UNAVAILABLE',
        mediaType: MEDIA_TYPES.dockerForeignLayer,
      })
    })

    it('rejects more than 100 digests', async () => {
      const error = await rejectionOf(
        ecr.send(
          new BatchCheckLayerAvailabilityCommand({
            repositoryName: REPOS.webApp,
            layerDigests: Array.from({ length: 101 }, () => MISSING_DIGEST),
          }),
        ),
      )
      expect(error.name).toBe('InvalidParameterException')
    })
  })

  describe('DescribePullThroughCacheRules', () => {
    it('describes the ecr-public rule that created the alpine repository', async () => {
      const out = await ecr.send(
        new DescribePullThroughCacheRulesCommand({ ecrRepositoryPrefixes: ['ecr-public'] }),
      )
      expect(out.pullThroughCacheRules).toEqual([
        {
          ecrRepositoryPrefix: 'ecr-public',
          upstreamRegistryUrl: ECR_PUBLIC_UPSTREAM,
          upstreamRegistry: 'ecr-public',
          registryId: ACCOUNT,
          createdAt: expect.any(Date) as unknown,
        },
      ])
    })

    it('pages through every rule', async () => {
      const first = await ecr.send(new DescribePullThroughCacheRulesCommand({ maxResults: 1 }))
      const second = await ecr.send(
        new DescribePullThroughCacheRulesCommand({ maxResults: 1, nextToken: first.nextToken }),
      )
      expect(
        [...(first.pullThroughCacheRules ?? []), ...(second.pullThroughCacheRules ?? [])].map(
          (r) => r.ecrRepositoryPrefix,
        ),
      ).toEqual(['docker-hub', 'ecr-public'])
      expect(second.nextToken).toBeUndefined()
    })

    it('answers PullThroughCacheRuleNotFoundException for an unknown prefix', async () => {
      const error = await rejectionOf(
        ecr.send(new DescribePullThroughCacheRulesCommand({ ecrRepositoryPrefixes: ['quay'] })),
      )
      expect(error.name).toBe('PullThroughCacheRuleNotFoundException')
      expect(error.message).toContain("'quay'")
      const bad = await rejectionOf(
        ecr.send(new DescribePullThroughCacheRulesCommand({ ecrRepositoryPrefixes: ['Bad!'] })),
      )
      expect(bad.name).toBe('InvalidParameterException')
    })
  })

  describe('GetDownloadUrlForLayer', () => {
    it('hands out a pre-signed S3-style URL for a layer and for a config blob', async () => {
      const { current } = registry.samples().webApp
      for (const ref of [current.layers[0], current.config]) {
        const digest = ref?.digest ?? ''
        const out = await ecr.send(
          new GetDownloadUrlForLayerCommand({ repositoryName: REPOS.webApp, layerDigest: digest }),
        )
        expect(out.layerDigest).toBe(digest)
        const url = new URL(out.downloadUrl ?? '')
        expect(`${url.protocol}//${url.host}`).toBe(endpoint)
        expect(url.pathname).toBe(`/blobs/${ACCOUNT}/${REPOS.webApp}/${digest}`)
        expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256')
        expect(url.searchParams.get('X-Amz-Credential')).toMatch(
          new RegExp(`^ASIA[A-Z0-9]+/\\d{8}/${REGION}/s3/aws4_request$`),
        )
        expect(url.searchParams.get('X-Amz-Expires')).toBe('3600')
        expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host')
        expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
        const body = new Uint8Array(await (await fetch(url)).arrayBuffer())
        expect(sha256(body)).toBe(digest)
      }
    })

    it('answers InvalidParameterException for a digest that breaks the pattern', async () => {
      const error = await rejectionOf(
        ecr.send(
          new GetDownloadUrlForLayerCommand({ repositoryName: REPOS.webApp, layerDigest: 'nope' }),
        ),
      )
      expect(error.name).toBe('InvalidParameterException')
      expect(error.message).toBe(
        "1 validation error detected: Value 'nope' at 'layerDigest' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_+.]+:[a-fA-F0-9]+",
      )
    })

    it('answers LayersNotFoundException for unknown, foreign and other-repository digests', async () => {
      const cases: [string, string][] = [
        [REPOS.webApp, MISSING_DIGEST],
        [REPOS.windows, registry.samples().windows.foreignLayer.digest],
        [REPOS.ociZstd, registry.samples().webApp.current.layers[0]?.digest ?? ''],
        [REPOS.multiArch, registry.samples().multiArch.index.imageDigest],
      ]
      for (const [repositoryName, layerDigest] of cases) {
        const error = await rejectionOf(
          ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName, layerDigest })),
        )
        expect(error.name).toBe('LayersNotFoundException')
        expect(error.message).toContain(layerDigest)
      }
    })

    it('answers LayerInaccessibleException for the orphan blob', async () => {
      const error = await rejectionOf(
        ecr.send(
          new GetDownloadUrlForLayerCommand({
            repositoryName: REPOS.webApp,
            layerDigest: registry.samples().webApp.orphanBlobDigest,
          }),
        ),
      )
      expect(error.name).toBe('LayerInaccessibleException')
    })

    it('answers UnableToGetUpstreamLayerException naming the upstream for an uncached layer', async () => {
      const [layerDigest] = registry.samples().alpine.uncached.layerDigests
      const error = await rejectionOf(
        ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName: REPOS.alpine, layerDigest })),
      )
      expect(error.name).toBe('UnableToGetUpstreamLayerException')
      expect(error.message).toContain(ECR_PUBLIC_UPSTREAM)
    })

    it('answers RepositoryNotFoundException and injected ServerException', async () => {
      const missing = await rejectionOf(
        ecr.send(
          new GetDownloadUrlForLayerCommand({
            repositoryName: 'demo/missing',
            layerDigest: MISSING_DIGEST,
          }),
        ),
      )
      expect(missing.name).toBe('RepositoryNotFoundException')

      registry.injectFault({
        operation: 'GetDownloadUrlForLayer',
        error: 'ServerException',
        times: 1,
      })
      const fault = await rejectionOf(
        ecr.send(
          new GetDownloadUrlForLayerCommand({
            repositoryName: REPOS.webApp,
            layerDigest: registry.samples().webApp.current.config?.digest,
          }),
        ),
      )
      expect(fault.name).toBe('ServerException')
      expect(fault.$metadata?.httpStatusCode).toBe(500)
    })

    it('names the action and repository ARN when IAM denies it', async () => {
      const denied = { accessKeyId: 'AKIANOLAYERS00000001', secretAccessKey: 'l'.repeat(40) }
      registry.addCredentials({ ...denied, denyActions: ['ecr:GetDownloadUrlForLayer'] })
      const client = new ECRClient({
        endpoint,
        region: REGION,
        credentials: denied,
        maxAttempts: 1,
      })
      try {
        const error = await rejectionOf(
          client.send(
            new GetDownloadUrlForLayerCommand({
              repositoryName: REPOS.webApp,
              layerDigest: MISSING_DIGEST,
            }),
          ),
        )
        expect(error.name).toBe('AccessDeniedException')
        expect(error.message).toContain(
          `ecr:GetDownloadUrlForLayer on resource: arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${REPOS.webApp}`,
        )
      } finally {
        client.destroy()
      }
    })
  })
})
