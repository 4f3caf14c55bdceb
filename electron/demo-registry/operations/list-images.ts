import { findRepository, repositoryArn, repositoryMembers, tagStatusOf } from './common'
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
    const tagStatus = tagStatusOf(constraints, optionalObject(input, 'filter'))
    constraints.range('maxResults', maxResults, 1, 1000).check()
    const repository = findRepository(ctx, registryId, repositoryName)

    const collection = ctx.catalog.collection(repositoryName)
    const page = pageRange(collection.idCount(tagStatus), {
      scope: `ListImages:${repository.registryId}:${repositoryName}:${tagStatus}`,
      maxResults: maxResults ?? DEFAULT_PAGE_SIZE,
      nextToken,
    })
    const imageIds: { imageDigest: string; imageTag?: string }[] = []
    for (let i = page.start; i < page.end; i++) imageIds.push({ ...collection.idAt(tagStatus, i) })
    return {
      imageIds,
      ...nextTokenMember(page.nextToken),
    }
  },
}
