import { AwsError } from '../aws-error'
import {
  findRepository,
  imageIdProblem,
  imageIdsFrom,
  imageNotFound,
  repositoryArn,
  repositoryMembers,
  resolveImageId,
} from './common'
import type { EcrOperation } from './types'
import { Constraints, optionalObject } from './validate'

/** DescribeImageSigningStatus: ECR's managed-signing result per signing profile for one image. */
export const describeImageSigningStatus: EcrOperation = {
  action: 'ecr:DescribeImageSigningStatus',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { registryId, repositoryName } = repositoryMembers(input, constraints)
    const idItem = optionalObject(input, 'imageId')
    constraints.required('imageId', idItem).check()
    const [id] = imageIdsFrom(idItem ? [idItem] : [])
    const imageId = id ?? {}
    const problem = imageIdProblem(imageId)
    if (problem) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'imageId' failed to satisfy constraint: '${problem.reason}'`,
      )
    }
    const repository = findRepository(ctx, registryId, repositoryName)
    const resolved = resolveImageId(ctx, repositoryName, imageId)
    if (!resolved || !('image' in resolved)) {
      throw imageNotFound(imageId, repositoryName, repository.registryId)
    }
    const image = resolved.image
    return {
      registryId: repository.registryId,
      repositoryName,
      imageId: {
        imageDigest: image.imageDigest,
        ...(imageId.imageTag === undefined ? {} : { imageTag: imageId.imageTag }),
      },
      signingStatuses: (image.signingStatuses ?? []).map((s) => ({ ...s })),
    }
  },
}
