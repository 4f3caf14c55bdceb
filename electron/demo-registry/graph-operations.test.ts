import {
  BatchCheckLayerAvailabilityCommand,
  DescribeImageSigningStatusCommand,
  DescribeImagesCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  ListImageReferrersCommand,
  type ListImageReferrersCommandInput,
  ListImagesCommand,
  UpdateImageStorageClassCommand,
} from '@aws-sdk/client-ecr'
import { describe, expect, it } from 'vitest'
import {
  DemoRegistry,
  ECR_PUBLIC_UPSTREAM,
  SAMPLE_REPOSITORIES as REPOS,
  SAMPLE_TAGS as TAGS,
} from './server'
import { rejectionOf } from './testing/requests'
import { withEcrClient } from './testing/ecr-client'

// The registry as a graph: image status, OCI 1.1 referrers, managed signing, storage classes.
describe('DemoRegistry graph operations', () => {
  const registry = new DemoRegistry({ repositoryCount: 40 })
  let ecr!: ECRClient
  withEcrClient(registry, (client) => (ecr = client))

  const tagsOf = async (imageStatus?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | 'ANY') => {
    const out = await ecr.send(
      new DescribeImagesCommand({
        repositoryName: REPOS.archive,
        ...(imageStatus ? { filter: { imageStatus } } : {}),
      }),
    )
    return (out.imageDetails ?? []).map((d) => [d.imageTags?.[0], d.imageStatus])
  }

  describe('DescribeImages filter.imageStatus', () => {
    it('lists only ACTIVE images without the filter, as ECR does', async () => {
      expect(await tagsOf()).toEqual([
        [TAGS.archive.current, 'ACTIVE'],
        [TAGS.archive.restored, 'ACTIVE'],
      ])
    })

    it('lists every state with ANY, each with its status and dates', async () => {
      const out = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.archive,
          filter: { imageStatus: 'ANY' },
        }),
      )
      const byTag = new Map(out.imageDetails?.map((d) => [d.imageTags?.[0], d]))
      const { archived, activating, restored } = registry.samples().archive
      expect(byTag.get(TAGS.archive.archived)).toMatchObject({
        imageStatus: 'ARCHIVED',
        lastArchivedAt: archived.lastArchivedAt,
      })
      expect(byTag.get(TAGS.archive.archived)?.lastActivatedAt).toBeUndefined()
      expect(byTag.get(TAGS.archive.activating)).toMatchObject({
        imageStatus: 'ACTIVATING',
        lastArchivedAt: activating.lastArchivedAt,
      })
      expect(byTag.get(TAGS.archive.restored)).toMatchObject({
        imageStatus: 'ACTIVE',
        lastArchivedAt: restored.lastArchivedAt,
        lastActivatedAt: restored.lastActivatedAt,
      })
      expect(byTag.size).toBe(4)
    })

    it('narrows to one status, keeps tagStatus, and pages within the narrowed list', async () => {
      expect(await tagsOf('ARCHIVED')).toEqual([[TAGS.archive.archived, 'ARCHIVED']])
      expect(await tagsOf('ACTIVATING')).toEqual([[TAGS.archive.activating, 'ACTIVATING']])
      const untagged = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.archive,
          filter: { imageStatus: 'ANY', tagStatus: 'UNTAGGED' },
        }),
      )
      expect(untagged.imageDetails).toEqual([])
      const first = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.archive,
          filter: { imageStatus: 'ANY' },
          maxResults: 3,
        }),
      )
      expect(first.imageDetails).toHaveLength(3)
      const rest = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.archive,
          filter: { imageStatus: 'ANY' },
          nextToken: first.nextToken,
        }),
      )
      expect(rest.imageDetails?.map((d) => d.imageTags?.[0])).toEqual([TAGS.archive.archived])
    })

    it('answers the 50,000 ACTIVE images of demo/scale-50k with ANY and none with ARCHIVED', async () => {
      const any = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.scale,
          filter: { imageStatus: 'ANY' },
          maxResults: 1000,
        }),
      )
      expect(any.imageDetails).toHaveLength(1000)
      expect(any.imageDetails?.every((d) => d.imageStatus === 'ACTIVE')).toBe(true)
      const archived = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.scale,
          filter: { imageStatus: 'ARCHIVED' },
        }),
      )
      expect(archived.imageDetails).toEqual([])
    })

    it('refuses an unknown imageStatus with the model enum', async () => {
      const error = await rejectionOf(
        ecr.send(
          new DescribeImagesCommand({
            repositoryName: REPOS.archive,
            filter: { imageStatus: 'FROZEN' as 'ANY' },
          }),
        ),
      )
      expect(error.name).toBe('InvalidParameterException')
      expect(error.message).toContain("'filter.imageStatus'")
    })

    it('applies the same default and filter to ListImages', async () => {
      const active = await ecr.send(new ListImagesCommand({ repositoryName: REPOS.archive }))
      expect(active.imageIds?.map((i) => i.imageTag)).toEqual([
        TAGS.archive.current,
        TAGS.archive.restored,
      ])
      const any = await ecr.send(
        new ListImagesCommand({ repositoryName: REPOS.archive, filter: { imageStatus: 'ANY' } }),
      )
      expect(any.imageIds).toHaveLength(4)
    })

    it('reports subjectManifestDigest and the artifact type on a referrer', async () => {
      const { sbom, subject } = registry.samples().supplyChain
      const out = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: REPOS.supplyChain,
          imageIds: [{ imageDigest: sbom.imageDigest }],
        }),
      )
      expect(out.imageDetails?.[0]).toMatchObject({
        subjectManifestDigest: subject.imageDigest,
        artifactMediaType: 'application/spdx+json',
        imageStatus: 'ACTIVE',
      })
      expect(out.imageDetails?.[0]?.imageTags).toBeUndefined()
    })
  })

  describe('archived layers', () => {
    it('refuses a layer only archived images have with ImageArchivedException', async () => {
      const { archivedOnlyLayer } = registry.samples().archive
      const error = await rejectionOf(
        ecr.send(
          new GetDownloadUrlForLayerCommand({
            repositoryName: REPOS.archive,
            layerDigest: archivedOnlyLayer.digest,
          }),
        ),
      )
      expect(error.name).toBe('ImageArchivedException')
      expect(error.message).toContain('STANDARD')
    })

    it('serves a layer an ACTIVE image shares with the archived one', async () => {
      const { sharedLayer } = registry.samples().archive
      const out = await ecr.send(
        new GetDownloadUrlForLayerCommand({
          repositoryName: REPOS.archive,
          layerDigest: sharedLayer.digest,
        }),
      )
      expect(out.layerDigest).toBe(sharedLayer.digest)
    })

    it('reports the archived-only layer as ARCHIVED in BatchCheckLayerAvailability', async () => {
      const { archivedOnlyLayer } = registry.samples().archive
      const out = await ecr.send(
        new BatchCheckLayerAvailabilityCommand({
          repositoryName: REPOS.archive,
          layerDigests: [archivedOnlyLayer.digest],
        }),
      )
      expect(out.layers?.[0]?.layerAvailability).toBe('ARCHIVED')
    })
  })

  describe('ListImageReferrers', () => {
    it('lists the ACTIVE referrers of a subject by default', async () => {
      const { subject, sbom } = registry.samples().supplyChain
      const out = await ecr.send(
        new ListImageReferrersCommand({
          repositoryName: REPOS.supplyChain,
          subjectId: { imageDigest: subject.imageDigest },
        }),
      )
      expect(out.referrers).toEqual([
        {
          digest: sbom.imageDigest,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: 'application/spdx+json',
          size: Buffer.byteLength(sbom.imageManifest),
          annotations: sbom.annotations,
          artifactStatus: 'ACTIVE',
        },
      ])
      expect(out.nextToken).toBeUndefined()
    })

    it('filters by artifactStatus and artifactTypes', async () => {
      const { subject, archivedSbom } = registry.samples().supplyChain
      const list = async (filter: {
        artifactStatus?: 'ACTIVE' | 'ARCHIVED' | 'ANY'
        artifactTypes?: string[]
      }) =>
        (
          await ecr.send(
            new ListImageReferrersCommand({
              repositoryName: REPOS.supplyChain,
              subjectId: { imageDigest: subject.imageDigest },
              filter,
            }),
          )
        ).referrers ?? []
      expect((await list({ artifactStatus: 'ARCHIVED' })).map((r) => r.digest)).toEqual([
        archivedSbom.imageDigest,
      ])
      expect(await list({ artifactStatus: 'ANY' })).toHaveLength(2)
      expect(
        await list({ artifactStatus: 'ANY', artifactTypes: ['application/spdx+json'] }),
      ).toHaveLength(2)
      expect(await list({ artifactTypes: ['application/vnd.cyclonedx+json'] })).toEqual([])
    })

    it('pages with maxResults and nextToken, every referrer once', async () => {
      const { subject } = registry.samples().supplyChain
      const seen: string[] = []
      let nextToken: string | undefined
      let calls = 0
      do {
        const out = await ecr.send(
          new ListImageReferrersCommand({
            repositoryName: REPOS.supplyChain,
            subjectId: { imageDigest: subject.imageDigest },
            filter: { artifactStatus: 'ANY' },
            maxResults: 1,
            nextToken,
          }),
        )
        expect(out.referrers?.length).toBeLessThanOrEqual(1)
        seen.push(...(out.referrers ?? []).map((r) => r.digest ?? ''))
        nextToken = out.nextToken
        calls++
      } while (nextToken)
      expect(calls).toBe(2)
      expect(new Set(seen).size).toBe(2)
    })

    it('answers an empty list for a subject without referrers', async () => {
      const { previous } = registry.samples().supplyChain
      const out = await ecr.send(
        new ListImageReferrersCommand({
          repositoryName: REPOS.supplyChain,
          subjectId: { imageDigest: previous.imageDigest },
        }),
      )
      expect(out.referrers).toEqual([])
    })

    it('validates maxResults 1–50, the status enum, the digest and empty artifactTypes', async () => {
      const { subject } = registry.samples().supplyChain
      const base = {
        repositoryName: REPOS.supplyChain,
        subjectId: { imageDigest: subject.imageDigest },
      }
      for (const [input, member] of [
        [{ ...base, maxResults: 51 }, "'maxResults'"],
        [{ ...base, maxResults: 0 }, "'maxResults'"],
        [{ ...base, filter: { artifactStatus: 'GONE' as 'ANY' } }, "'filter.artifactStatus'"],
        [{ ...base, filter: { artifactTypes: [] } }, "'filter.artifactTypes'"],
        [{ ...base, subjectId: { imageDigest: 'sha256:nothex' } }, "'imageDigest'"],
      ] as [ListImageReferrersCommandInput, string][]) {
        const error = await rejectionOf(ecr.send(new ListImageReferrersCommand(input)))
        expect(error.name).toBe('InvalidParameterException')
        expect(error.message).toContain(member)
      }
    })

    it('refuses a stale token from another subject', async () => {
      const { subject, previous } = registry.samples().supplyChain
      const first = await ecr.send(
        new ListImageReferrersCommand({
          repositoryName: REPOS.supplyChain,
          subjectId: { imageDigest: subject.imageDigest },
          filter: { artifactStatus: 'ANY' },
          maxResults: 1,
        }),
      )
      const error = await rejectionOf(
        ecr.send(
          new ListImageReferrersCommand({
            repositoryName: REPOS.supplyChain,
            subjectId: { imageDigest: previous.imageDigest },
            filter: { artifactStatus: 'ANY' },
            nextToken: first.nextToken,
          }),
        ),
      )
      expect(error.name).toBe('InvalidParameterException')
    })

    it('answers UnableToListUpstreamImageReferrersException for an image only the upstream has', async () => {
      const { uncached } = registry.samples().alpine
      const error = await rejectionOf(
        ecr.send(
          new ListImageReferrersCommand({
            repositoryName: REPOS.alpine,
            subjectId: { imageDigest: uncached.digest },
          }),
        ),
      )
      expect(error.name).toBe('UnableToListUpstreamImageReferrersException')
      expect(error.message).toContain(ECR_PUBLIC_UPSTREAM)
    })
  })

  describe('DescribeImageSigningStatus', () => {
    it('answers an empty list for an image no signing rule covered', async () => {
      const out = await ecr.send(
        new DescribeImageSigningStatusCommand({
          repositoryName: REPOS.supplyChain,
          imageId: { imageTag: TAGS.supplyChain.subject },
        }),
      )
      expect(out.signingStatuses).toEqual([])
      expect(out.imageId?.imageDigest).toBe(registry.samples().supplyChain.subject.imageDigest)
    })

    it('answers ImageNotFoundException for a missing image', async () => {
      const error = await rejectionOf(
        ecr.send(
          new DescribeImageSigningStatusCommand({
            repositoryName: REPOS.supplyChain,
            imageId: { imageTag: 'nope' },
          }),
        ),
      )
      expect(error.name).toBe('ImageNotFoundException')
    })
  })

  describe('UpdateImageStorageClass', () => {
    it('refuses to restore an image that is not archived', async () => {
      const error = await rejectionOf(
        ecr.send(
          new UpdateImageStorageClassCommand({
            repositoryName: REPOS.archive,
            imageId: { imageTag: TAGS.archive.activating },
            targetStorageClass: 'STANDARD',
          }),
        ),
      )
      expect(error.name).toBe('ImageStorageClassUpdateNotSupportedException')
    })

    it('starts restoring an archived image: it is ACTIVATING afterwards, in this registry only', async () => {
      const other = new DemoRegistry({ repositoryCount: 40 })
      const { endpoint } = await other.start()
      const client = new ECRClient({
        endpoint,
        region: 'us-east-1',
        credentials: other.credentials,
        maxAttempts: 1,
      })
      try {
        const out = await client.send(
          new UpdateImageStorageClassCommand({
            repositoryName: REPOS.archive,
            imageId: { imageTag: TAGS.archive.archived },
            targetStorageClass: 'STANDARD',
          }),
        )
        expect(out.imageStatus).toBe('ACTIVATING')
        const listed = await client.send(
          new DescribeImagesCommand({
            repositoryName: REPOS.archive,
            filter: { imageStatus: 'ACTIVATING' },
          }),
        )
        expect(listed.imageDetails?.map((d) => d.imageTags?.[0]).sort()).toEqual(
          [TAGS.archive.activating, TAGS.archive.archived].sort(),
        )
        expect(await tagsOf('ARCHIVED')).toEqual([[TAGS.archive.archived, 'ARCHIVED']])
      } finally {
        client.destroy()
        await other.stop()
      }
    })
  })
})
