import {
  DescribeImageScanFindingsCommand,
  DescribeImageSigningStatusCommand,
  type ECRClient,
  UpdateImageStorageClassCommand,
  type ImageIdentifier,
} from '@aws-sdk/client-ecr'
import { describe, expect, it } from 'vitest'
import { DemoRegistry, SAMPLE_REPOSITORIES as REPOS, SAMPLE_TAGS as TAGS } from '../server'
import { rejectionOf } from '../testing/requests'
import { withEcrClient } from '../testing/ecr-client'

// The operations on one image read and check its repository and imageId through one helper
// (imageMembers in common.ts): each answers the same ECR errors, in the same order.
describe('the operations on one image check repository and imageId alike', () => {
  const registry = new DemoRegistry({ repositoryCount: 20 })
  let ecr!: ECRClient
  withEcrClient(registry, (client) => (ecr = client))

  type Send = (repositoryName: string, imageId: ImageIdentifier | undefined) => Promise<unknown>
  const operations: [string, Send][] = [
    [
      'DescribeImageSigningStatus',
      (repositoryName, imageId) =>
        ecr.send(
          new DescribeImageSigningStatusCommand({
            repositoryName,
            imageId,
          }),
        ),
    ],
    [
      'UpdateImageStorageClass',
      (repositoryName, imageId) =>
        ecr.send(
          new UpdateImageStorageClassCommand({
            repositoryName,
            imageId,
            targetStorageClass: 'ARCHIVE',
          }),
        ),
    ],
    [
      'DescribeImageScanFindings',
      (repositoryName, imageId) =>
        ecr.send(
          new DescribeImageScanFindingsCommand({
            repositoryName,
            imageId,
          }),
        ),
    ],
  ]

  describe.each(operations)('%s', (_name, send) => {
    it('refuses a request without imageId, naming the member', async () => {
      const error = await rejectionOf(send(REPOS.scanned, undefined))
      expect(error.name).toBe('InvalidParameterException')
      expect(error.message).toBe(
        "1 validation error detected: Value null at 'imageId' failed to satisfy constraint: Member must not be null",
      )
    })

    it('checks the repository name with the imageId, in one answer', async () => {
      const error = await rejectionOf(send('Not A Name', undefined))
      expect(error.name).toBe('InvalidParameterException')
      expect(error.message).toMatch(/^2 validation errors detected: /)
      expect(error.message).toContain("at 'repositoryName' failed to satisfy constraint")
      expect(error.message).toContain("at 'imageId' failed to satisfy constraint")
    })

    it.each([
      [{}, 'Missing image digest and tag'],
      [{ imageDigest: 'sha256:abc' }, 'Invalid image digest'],
      [{ imageTag: 'no spaces' }, 'Invalid image tag'],
    ])('refuses the malformed imageId %j (%s)', async (imageId, reason) => {
      const error = await rejectionOf(send(REPOS.scanned, imageId))
      expect(error.name).toBe('InvalidParameterException')
      expect(error.message).toBe(
        `Invalid parameter at 'imageId' failed to satisfy constraint: '${reason}'`,
      )
    })

    it('answers RepositoryNotFoundException for a repository that does not exist', async () => {
      const error = await rejectionOf(send('demo/nowhere', { imageTag: 'latest' }))
      expect(error.name).toBe('RepositoryNotFoundException')
      expect(error.message).toContain("The repository with name 'demo/nowhere' does not exist")
    })

    it('answers ImageNotFoundException for an image the repository does not hold', async () => {
      const error = await rejectionOf(send(REPOS.scanned, { imageTag: 'no-such-tag' }))
      expect(error.name).toBe('ImageNotFoundException')
      expect(error.message).toContain("imageTag:'no-such-tag'")
      expect(error.message).toContain(`repository with name '${REPOS.scanned}'`)
    })
  })

  it('each finds the image an imageId names and echoes the tag it was asked by', async () => {
    const tag = TAGS.scanned.v10
    const image = registry.samples().scanned.v10
    const signing = await ecr.send(
      new DescribeImageSigningStatusCommand({
        repositoryName: REPOS.scanned,
        imageId: { imageTag: tag },
      }),
    )
    expect(signing.imageId).toEqual({ imageDigest: image.imageDigest, imageTag: tag })
    const findings = await ecr.send(
      new DescribeImageScanFindingsCommand({
        repositoryName: REPOS.scanned,
        imageId: { imageDigest: image.imageDigest },
      }),
    )
    expect(findings.imageId).toEqual({ imageDigest: image.imageDigest })
  })
})
