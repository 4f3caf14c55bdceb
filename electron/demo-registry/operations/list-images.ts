import {
  findRepository,
  idView,
  imageStatusOf,
  repositoryArn,
  repositoryMembers,
  tagStatusOf,
} from './common'
import { DEFAULT_PAGE_SIZE, nextTokenMember, pageRange } from './paging'
import type { EcrOperation } from './types'
import { Constraints, optionalInteger, optionalObject, optionalString } from './validate'

/** ListImages: one entry per tag, and one tagless entry per untagged image. */
export const listImages: EcrOperation = {
  action: 'ecr:ListImages',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { registryId, repositoryName } = repositoryMembers(input, constraints)
    const nextToken = optionalString(input, 'nextToken')
    const maxResults = optionalInteger(input, 'maxResults')
    const filter = optionalObject(input, 'filter')
    const tagStatus = tagStatusOf(constraints, filter)
    const imageStatus = imageStatusOf(constraints, filter)
    constraints.range('maxResults', maxResults, 1, 1000).check()
    const repository = findRepository(ctx, registryId, repositoryName)

    const view = idView(ctx.catalog.collection(repositoryName), tagStatus, imageStatus)
    const page = pageRange(view.count, {
      scope: `ListImages:${repository.registryId}:${repositoryName}:${tagStatus}:${imageStatus}`,
      maxResults: maxResults ?? DEFAULT_PAGE_SIZE,
      nextToken,
    })
    const imageIds: { imageDigest: string; imageTag?: string }[] = []
    for (let i = page.start; i < page.end; i++) imageIds.push({ ...view.at(i) })
    return {
      imageIds,
      ...nextTokenMember(page.nextToken),
    }
  },
}
