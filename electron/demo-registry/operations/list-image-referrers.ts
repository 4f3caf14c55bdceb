import { isDigest } from '../../../shared/digest'
import { AwsError } from '../aws-error'
import { matchesStatus, statusOf } from '../images'
import { findRepository, imageStatusOf, repositoryArn, repositoryMembers } from './common'
import { nextTokenMember, pageRange } from './paging'
import type { EcrOperation } from './types'
import {
  Constraints,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
} from './validate'

/**
 * Without maxResults the SDK's model says "up to 20", the API reference "up to 50"; the emulator
 * uses the smaller, so a client that pages by nextToken is exercised either way.
 */
export const REFERRERS_DEFAULT_PAGE_SIZE = 20

/** ListImageReferrers: the OCI 1.1 artifacts whose `subject` is one image, in pages of 1–50. */
export const listImageReferrers: EcrOperation = {
  action: 'ecr:ListImageReferrers',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { registryId, repositoryName } = repositoryMembers(input, constraints)
    const subjectId = optionalObject(input, 'subjectId')
    const subjectDigest = subjectId ? optionalString(subjectId, 'imageDigest') : undefined
    const filter = optionalObject(input, 'filter')
    const artifactTypes = filter ? optionalStringList(filter, 'artifactTypes') : undefined
    const artifactStatus = imageStatusOf(constraints, filter, 'artifactStatus')
    const nextToken = optionalString(input, 'nextToken')
    const maxResults = optionalInteger(input, 'maxResults')
    constraints.required('subjectId', subjectId)
    if (subjectId) constraints.required('subjectId.imageDigest', subjectDigest)
    constraints
      .range('maxResults', maxResults, 1, 50)
      // The model gives no bounds here; an empty list could only ever match nothing.
      .length('filter.artifactTypes', artifactTypes, 1, 100)
    artifactTypes?.forEach((type, i) => {
      constraints.length(`filter.artifactTypes.${i + 1}.member`, type, 1, 255)
    })
    constraints.check()
    const digest = subjectDigest ?? ''
    if (!isDigest(digest)) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Invalid image digest ${digest}'`,
      )
    }
    const repository = findRepository(ctx, registryId, repositoryName)

    const uncached = ctx.catalog.uncachedUpstreamImage(repositoryName)
    if (uncached?.digest === digest) {
      const rule = ctx.pullThroughCacheRules.find((r) =>
        repositoryName.startsWith(`${r.ecrRepositoryPrefix}/`),
      )
      throw new AwsError(
        'UnableToListUpstreamImageReferrersException',
        `Unable to list referrers of ${repositoryName}@${digest} from the upstream registry ${rule?.upstreamRegistryUrl ?? 'upstream'}.`,
      )
    }

    // An unknown subject is not an error: the OCI referrers API answers an empty list for it too.
    const matching = ctx.catalog
      .collection(repositoryName)
      .referrersOf(digest)
      .filter(
        (r) =>
          matchesStatus(r, artifactStatus) &&
          (artifactTypes === undefined || artifactTypes.includes(r.artifactType ?? '')),
      )
    const filterKey = `${artifactStatus}:${(artifactTypes ?? []).join(',')}`
    const page = pageRange(matching.length, {
      scope: `ListImageReferrers:${repository.registryId}:${repositoryName}:${digest}:${filterKey}`,
      maxResults: maxResults ?? REFERRERS_DEFAULT_PAGE_SIZE,
      nextToken,
    })
    return {
      referrers: matching.slice(page.start, page.end).map((r) => ({
        digest: r.imageDigest,
        mediaType: r.imageManifestMediaType,
        ...(r.artifactType ? { artifactType: r.artifactType } : {}),
        // A descriptor's size: the manifest's own bytes, as the OCI referrers API reports it.
        size: Buffer.byteLength(r.imageManifest, 'utf8'),
        ...(r.annotations ? { annotations: { ...r.annotations } } : {}),
        artifactStatus: statusOf(r),
      })),
      ...nextTokenMember(page.nextToken),
    }
  },
}
