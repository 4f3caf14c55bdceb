import { isDigest } from '../../../shared/digest'
import { AwsError } from '../aws-error'
import type { ImageRecord } from '../images'
import {
  checkImageIdMembers,
  findRepository,
  imageIdsFrom,
  imageNotFound,
  imageStatusOf,
  imageView,
  repositoryArn,
  repositoryMembers,
  resolveImageId,
  tagStatusOf,
  toImageDetail,
} from './common'
import { DEFAULT_PAGE_SIZE, nextTokenMember, pageRange } from './paging'
import type { EcrOperation } from './types'
import {
  Constraints,
  optionalInteger,
  optionalObject,
  optionalObjectList,
  optionalString,
} from './validate'

/** DescribeImages: one repository's images in pages, or up to 100 of them by id. */
export const describeImages: EcrOperation = {
  action: 'ecr:DescribeImages',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { registryId, repositoryName } = repositoryMembers(input, constraints)
    const idItems = optionalObjectList(input, 'imageIds')
    const imageIds = idItems && imageIdsFrom(idItems)
    const nextToken = optionalString(input, 'nextToken')
    const maxResults = optionalInteger(input, 'maxResults')
    const filter = optionalObject(input, 'filter')
    const tagStatus = tagStatusOf(constraints, filter)
    const imageStatus = imageStatusOf(constraints, filter)
    constraints.range('maxResults', maxResults, 1, 1000).length('imageIds', idItems, 1, 100)
    checkImageIdMembers(constraints, 'imageIds', imageIds)
    constraints.check()

    if (imageIds !== undefined && (maxResults !== undefined || nextToken !== undefined)) {
      throw new AwsError(
        'InvalidParameterException',
        "Invalid parameter at 'imageIds' failed to satisfy constraint: " +
          "'imageIds cannot be used with maxResults or nextToken'",
      )
    }
    const repository = findRepository(ctx, registryId, repositoryName)

    if (imageIds !== undefined) {
      const found = new Map<string, ImageRecord>()
      for (const id of imageIds) {
        if (id.imageDigest === undefined && id.imageTag === undefined) {
          throw new AwsError(
            'InvalidParameterException',
            "Invalid parameter at 'imageIds' failed to satisfy constraint: " +
              "'imageId must specify either an imageDigest or an imageTag'",
          )
        }
        if (id.imageDigest !== undefined && !isDigest(id.imageDigest)) {
          throw new AwsError(
            'InvalidParameterException',
            `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Invalid image digest ${id.imageDigest}'`,
          )
        }
        const resolved = resolveImageId(ctx, repositoryName, id)
        if (!resolved || !('image' in resolved)) {
          throw imageNotFound(id, repositoryName, repository.registryId)
        }
        found.set(resolved.image.imageDigest, resolved.image)
      }
      return {
        imageDetails: [...found.values()].map((i) => toImageDetail(i, repository.registryId)),
      }
    }

    const view = imageView(ctx.catalog.collection(repositoryName), tagStatus, imageStatus)
    const page = pageRange(view.count, {
      scope: `DescribeImages:${repository.registryId}:${repositoryName}:${tagStatus}:${imageStatus}`,
      maxResults: maxResults ?? DEFAULT_PAGE_SIZE,
      nextToken,
    })
    const imageDetails: Record<string, unknown>[] = []
    for (let i = page.start; i < page.end; i++) {
      imageDetails.push(toImageDetail(view.at(i), repository.registryId))
    }
    return {
      imageDetails,
      ...nextTokenMember(page.nextToken),
    }
  },
}
