import { AwsError } from '../aws-error'
import { statusOf } from '../images'
import { imageMembers, repositoryArn } from './common'
import type { EcrOperation } from './types'
import { Constraints, optionalString } from './validate'

/**
 * UpdateImageStorageClass: archives an ACTIVE image, or starts restoring an ARCHIVED one (it is
 * ACTIVATING until the restore completes, which in the emulator it never does, as restores take
 * hours). Any other move, and any image of a generated repository, is
 * ImageStorageClassUpdateNotSupportedException. The app never calls this: it is read-only and only
 * shows the restore command; the operation exists so that exception has a real source.
 */
export const updateImageStorageClass: EcrOperation = {
  action: 'ecr:UpdateImageStorageClass',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { repositoryName, find } = imageMembers(input, constraints)
    const target = optionalString(input, 'targetStorageClass')
    constraints
      .required('targetStorageClass', target)
      .oneOf('targetStorageClass', target, ['STANDARD', 'ARCHIVE'])
      .check()
    const { repository, image, imageId } = find(ctx)
    const status = statusOf(image)
    const allowed =
      (target === 'ARCHIVE' && status === 'ACTIVE') ||
      (target === 'STANDARD' && status === 'ARCHIVED')
    if (!allowed || !ctx.catalog.acceptsImages(repositoryName)) {
      throw new AwsError(
        'ImageStorageClassUpdateNotSupportedException',
        `The image with digest '${image.imageDigest}' is ${status} and cannot be moved to the ${target ?? ''} storage class.`,
      )
    }
    const next =
      target === 'ARCHIVE'
        ? { ...image, imageStatus: 'ARCHIVED' as const, lastArchivedAt: ctx.now }
        : { ...image, imageStatus: 'ACTIVATING' as const }
    ctx.catalog.addImage(next)
    return {
      registryId: repository.registryId,
      repositoryName,
      imageId: {
        imageDigest: image.imageDigest,
        ...(imageId.imageTag === undefined ? {} : { imageTag: imageId.imageTag }),
      },
      imageStatus: next.imageStatus,
    }
  },
}
