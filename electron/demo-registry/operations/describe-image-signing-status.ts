import { imageMembers, repositoryArn } from './common'
import type { EcrOperation } from './types'
import { Constraints } from './validate'

/** DescribeImageSigningStatus: ECR's managed-signing result per signing profile for one image. */
export const describeImageSigningStatus: EcrOperation = {
  action: 'ecr:DescribeImageSigningStatus',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { repositoryName, find } = imageMembers(input, constraints)
    constraints.check()
    const { repository, image, imageId } = find(ctx)
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
