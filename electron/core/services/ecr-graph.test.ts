import { ECRClient, UpdateImageStorageClassCommand } from '@aws-sdk/client-ecr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ErrorCode } from '../../../shared/errors'
import { describeError } from '../../../shared/errors'
import { DemoRegistry, SAMPLE_REPOSITORIES, SAMPLE_TAGS } from '../../demo-registry/testing'
import { awsError } from '../aws/aws-errors'
import { toAppError } from '../ipc/to-app-error'
import { EcrService } from './ecr-service'

// Issue 13's reads of the registry as a graph, against the demo registry over HTTP.
let registry: DemoRegistry
let client: ECRClient
let ecr: EcrService

beforeAll(async () => {
  registry = new DemoRegistry({ repositoryCount: 15 })
  const { endpoint } = await registry.start()
  client = new ECRClient({
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    maxAttempts: 1,
  })
  ecr = new EcrService(() => Promise.resolve({ client, registryId: undefined }))
})
afterAll(async () => {
  client.destroy()
  await registry.stop()
})

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return toAppError(error)
  }
  throw new Error('expected the call to fail')
}

describe('listImages', () => {
  it('lists archived and activating images too, with their status and dates', async () => {
    const page = await ecr.listImages({
      repositoryName: SAMPLE_REPOSITORIES.archive,
      tagStatus: 'ANY',
    })
    const byTag = new Map(page.items.map((i) => [i.tags[0], i]))
    const { archived, activating, restored } = registry.samples().archive
    expect(byTag.get(SAMPLE_TAGS.archive.archived)).toMatchObject({
      imageStatus: 'ARCHIVED',
      lastArchivedAt: archived.lastArchivedAt?.toISOString(),
      lastActivatedAt: null,
    })
    expect(byTag.get(SAMPLE_TAGS.archive.activating)).toMatchObject({
      imageStatus: 'ACTIVATING',
      lastArchivedAt: activating.lastArchivedAt?.toISOString(),
    })
    expect(byTag.get(SAMPLE_TAGS.archive.restored)).toMatchObject({
      imageStatus: 'ACTIVE',
      lastActivatedAt: restored.lastActivatedAt?.toISOString(),
    })
    expect(page.items).toHaveLength(4)
  })

  it('keeps the tag status filter alongside the image status', async () => {
    const page = await ecr.listImages({
      repositoryName: SAMPLE_REPOSITORIES.supplyChain,
      tagStatus: 'UNTAGGED',
    })
    const { sbom, archivedSbom, subject } = registry.samples().supplyChain
    expect(page.items.map((i) => i.digest).sort()).toEqual(
      [sbom.imageDigest, archivedSbom.imageDigest].sort(),
    )
    expect(page.items.every((i) => i.subjectDigest === subject.imageDigest)).toBe(true)
  })
})

describe('listReferrers', () => {
  it('lists every referrer of a subject in every status, across pages', async () => {
    const { subject, sbom, archivedSbom } = registry.samples().supplyChain
    const referrers = await ecr.listReferrers({
      repositoryName: SAMPLE_REPOSITORIES.supplyChain,
      imageDigest: subject.imageDigest,
    })
    expect(referrers.map((r) => [r.digest, r.status]).sort()).toEqual(
      [
        [sbom.imageDigest, 'ACTIVE'],
        [archivedSbom.imageDigest, 'ARCHIVED'],
      ].sort(),
    )
    expect(referrers.find((r) => r.digest === sbom.imageDigest)).toMatchObject({
      artifactType: 'application/spdx+json',
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: Buffer.byteLength(sbom.imageManifest),
      annotations: sbom.annotations,
    })
  })

  it('passes artifactTypes through', async () => {
    const { subject } = registry.samples().supplyChain
    const none = await ecr.listReferrers({
      repositoryName: SAMPLE_REPOSITORIES.supplyChain,
      imageDigest: subject.imageDigest,
      artifactTypes: ['application/vnd.cyclonedx+json'],
    })
    expect(none).toEqual([])
  })

  it('maps UnableToListUpstreamImageReferrersException, naming the upstream registry', async () => {
    const error = await errorOf(
      ecr.listReferrers({
        repositoryName: SAMPLE_REPOSITORIES.alpine,
        imageDigest: registry.samples().alpine.uncached.digest,
      }),
    )
    expect(error.code).toBe<ErrorCode>('UnableToListUpstreamImageReferrers')
    expect(error.resource).toBeTruthy()
    expect(describeError(error).explanation).toContain(error.resource ?? '')
  })
})

describe('signingStatus', () => {
  it('answers the managed-signing statuses (none for an unsigned image)', async () => {
    const { subject } = registry.samples().supplyChain
    expect(
      await ecr.signingStatus({
        repositoryName: SAMPLE_REPOSITORIES.supplyChain,
        imageDigest: subject.imageDigest,
      }),
    ).toEqual([])
  })
})

describe('archive errors', () => {
  it('a layer of an archived image is ImageArchived, explained with the restore command', async () => {
    const { archivedOnlyLayer } = registry.samples().archive
    const error = await errorOf(
      ecr.downloadUrl({ repositoryName: SAMPLE_REPOSITORIES.archive }, archivedOnlyLayer.digest),
    )
    expect(error.code).toBe<ErrorCode>('ImageArchived')
    const described = describeError(error)
    expect(described.nextStep).toContain('update-image-storage-class')
    expect(described.nextStep).toContain('--target-storage-class STANDARD')
    expect(described.explanation).toContain('90 days')
  })

  it('names the archived image in the restore command when the call names it, ready to copy', async () => {
    const { archived, archivedOnlyLayer } = registry.samples().archive
    const error = await errorOf(
      ecr.downloadUrl(
        { repositoryName: SAMPLE_REPOSITORIES.archive, imageDigest: archived.imageDigest },
        archivedOnlyLayer.digest,
      ),
    )
    expect(error).toMatchObject({
      code: 'ImageArchived',
      repositoryName: SAMPLE_REPOSITORIES.archive,
      imageDigest: archived.imageDigest,
    })
    expect(describeError(error).nextStep).toContain(
      `\`aws ecr update-image-storage-class --repository-name ${SAMPLE_REPOSITORIES.archive} --image-id imageDigest=${archived.imageDigest} --target-storage-class STANDARD\``,
    )
  })

  it('ImageStorageClassUpdateNotSupportedException maps to its catalog entry', async () => {
    // The app never changes storage classes; the SDK call stands in for the user's CLI.
    const thrown = await client
      .send(
        new UpdateImageStorageClassCommand({
          repositoryName: SAMPLE_REPOSITORIES.archive,
          imageId: { imageTag: SAMPLE_TAGS.archive.current },
          targetStorageClass: 'STANDARD',
        }),
      )
      .catch((e: unknown) => e)
    const error = awsError(thrown)
    expect(error.code).toBe<ErrorCode>('ImageStorageClassUpdateNotSupported')
    expect(describeError(error).title).toMatch(/storage class/)
  })
})
