import { AwsError } from '../aws-error'
import {
  checkImageIdMembers,
  findRepository,
  imageIdProblem,
  imageIdsFrom,
  repositoryArn,
  repositoryMembers,
  resolveImageId,
} from './common'
import type { RequestedImageId } from './common'
import type { EcrOperation, OperationContext } from './types'
import { Constraints, optionalObjectList, optionalStringList } from './validate'

interface Failure {
  imageId: RequestedImageId
  failureCode: string
  failureReason: string
}

/**
 * BatchGetImage: manifests by tag or digest, with per-id failures. The stored manifest is returned
 * byte for byte; when its media type is not among `acceptedMediaTypes` the emulator never converts
 * (ECR converts Docker/OCI only for pulls by tag) and reports ImageNotFound instead.
 */
export const batchGetImage: EcrOperation = {
  action: 'ecr:BatchGetImage',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { registryId, repositoryName } = repositoryMembers(input, constraints)
    const idItems = optionalObjectList(input, 'imageIds')
    const imageIds = idItems && imageIdsFrom(idItems)
    const accepted = optionalStringList(input, 'acceptedMediaTypes')
    constraints
      .required('imageIds', idItems)
      .length('imageIds', idItems, 1, 100)
      .length('acceptedMediaTypes', accepted, 1, 100)
    checkImageIdMembers(constraints, 'imageIds', imageIds)
    constraints.check()
    const repository = findRepository(ctx, registryId, repositoryName)
    const uncached = ctx.catalog.uncachedUpstreamImage(repositoryName)

    const images: Record<string, unknown>[] = []
    const failures: Failure[] = []
    const seen = new Set<string>()
    for (const id of imageIds ?? []) {
      const key = `${id.imageDigest ?? ''}|${id.imageTag ?? ''}`
      if (seen.has(key)) continue
      seen.add(key)
      const fail = (failureCode: string, failureReason: string) =>
        failures.push({ imageId: id, failureCode, failureReason })

      const problem = imageIdProblem(id)
      if (problem) {
        fail(problem.code, problem.reason)
        continue
      }
      const resolved = resolveImageId(ctx, repositoryName, id)
      if (resolved && 'mismatch' in resolved) {
        fail('ImageTagDoesNotMatchDigest', 'Image tag does not match digest')
        continue
      }
      if (!resolved) {
        // Tag, digest or both must name the one image the upstream has and the cache lacks.
        const upstream =
          uncached !== undefined &&
          (id.imageTag ?? uncached.tag) === uncached.tag &&
          (id.imageDigest ?? uncached.digest) === uncached.digest
        if (upstream && ctx.uncachedImageErrors === 'exception') {
          throw new AwsError(
            'UnableToGetUpstreamImageException',
            `Unable to retrieve the image ${repositoryName}:${id.imageTag ?? id.imageDigest ?? ''} from the upstream registry ${upstreamUrl(ctx, repositoryName)}.`,
          )
        }
        if (upstream) {
          fail('UpstreamUnavailable', 'The upstream registry is unavailable')
        } else {
          fail('ImageNotFound', 'Requested image not found')
        }
        continue
      }
      const image = resolved.image
      if (accepted !== undefined && !accepted.includes(image.imageManifestMediaType)) {
        fail('ImageNotFound', 'Requested image not found')
        continue
      }
      images.push({
        registryId: repository.registryId,
        repositoryName,
        imageId: {
          imageDigest: image.imageDigest,
          ...(id.imageTag === undefined ? {} : { imageTag: id.imageTag }),
        },
        imageManifest: image.imageManifest,
        imageManifestMediaType: image.imageManifestMediaType,
      })
    }
    return { images, failures }
  },
}

function upstreamUrl(ctx: OperationContext, repositoryName: string): string {
  const rule = ctx.pullThroughCacheRules.find((r) =>
    repositoryName.startsWith(`${r.ecrRepositoryPrefix}/`),
  )
  return rule?.upstreamRegistryUrl ?? 'upstream'
}
