import { isDigest } from '../../../shared/digest'
import { AwsError } from '../aws-error'
import type { RepositoryRecord } from '../data'
import { matchesStatus, statusOf } from '../images'
import type {
  ImageCollection,
  ImageIdEntry,
  ImageRecord,
  ImageStatusFilter,
  TagStatus,
} from '../images'
import { epochSeconds } from './types'
import type { JsonObject, OperationContext } from './types'
import { type Constraints, PATTERNS, optionalObject, optionalString } from './validate'

/** An `ImageIdentifier` as the client sent it. */
export interface RequestedImageId {
  imageDigest?: string
  imageTag?: string
}

// Docker's tag grammar; ECR refuses other tags with InvalidImageTag.
const IMAGE_TAG = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}$/

/** Reads `registryId` and `repositoryName` and validates them with the request's other members. */
export function repositoryMembers(
  input: JsonObject,
  constraints: Constraints,
): { registryId: string | undefined; repositoryName: string } {
  const registryId = optionalString(input, 'registryId')
  const repositoryName = optionalString(input, 'repositoryName')
  constraints
    .pattern('registryId', registryId, PATTERNS.registryId)
    .required('repositoryName', repositoryName)
    .length('repositoryName', repositoryName, 2, 256)
    .pattern('repositoryName', repositoryName, PATTERNS.repositoryName)
  return { registryId, repositoryName: repositoryName ?? '' }
}

/** One image of one repository, as an operation's request names it, once the request has passed. */
export interface ImageTarget {
  readonly repository: RepositoryRecord
  readonly image: ImageRecord
  /** The id as the client sent it (its tag, if any, is echoed back in replies). */
  readonly imageId: RequestedImageId
}

/**
 * The members of an operation on one image (`registryId`, `repositoryName` and a required
 * `imageId`), checked with the request's other members; `find` runs after `constraints.check()`
 * and throws as ECR does: InvalidParameterException for a malformed id, then
 * RepositoryNotFoundException, then ImageNotFoundException.
 */
export function imageMembers(
  input: JsonObject,
  constraints: Constraints,
): {
  registryId: string | undefined
  repositoryName: string
  find: (ctx: OperationContext) => ImageTarget
} {
  const { registryId, repositoryName } = repositoryMembers(input, constraints)
  const idItem = optionalObject(input, 'imageId')
  constraints.required('imageId', idItem)
  const find = (ctx: OperationContext): ImageTarget => {
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
    return { repository, image: resolved.image, imageId }
  }
  return { registryId, repositoryName, find }
}

/** ECR's exact wording, which users search for. */
export function repositoryNotFound(name: string, registryId: string): AwsError {
  return new AwsError(
    'RepositoryNotFoundException',
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
  )
}

/** Finds the repository in this account, or throws ECR's RepositoryNotFoundException. */
export function findRepository(
  ctx: OperationContext,
  registryId: string | undefined,
  repositoryName: string,
): RepositoryRecord {
  const effective = registryId ?? ctx.accountId
  const record = effective === ctx.accountId ? ctx.data.repository(repositoryName) : undefined
  if (!record) throw repositoryNotFound(repositoryName, effective)
  return record
}

/** Reads each `ImageIdentifier`, checking member types as the deserializer would. */
export function imageIdsFrom(items: readonly JsonObject[]): RequestedImageId[] {
  return items.map((item) => {
    const imageDigest = optionalString(item, 'imageDigest')
    const imageTag = optionalString(item, 'imageTag')
    return {
      ...(imageDigest === undefined ? {} : { imageDigest }),
      ...(imageTag === undefined ? {} : { imageTag }),
    }
  })
}

/** Adds the model's ImageTag length bounds for every requested id. */
export function checkImageIdMembers(
  constraints: Constraints,
  path: string,
  ids: readonly RequestedImageId[] | undefined,
): void {
  ids?.forEach((id, i) => {
    constraints.length(`${path}.${i + 1}.member.imageTag`, id.imageTag, 1, 300)
  })
}

/** Why an image id cannot be looked up, as BatchGetImage's failure codes name it. */
export function imageIdProblem(id: RequestedImageId): { code: string; reason: string } | undefined {
  if (id.imageDigest === undefined && id.imageTag === undefined) {
    return { code: 'MissingDigestAndTag', reason: 'Missing image digest and tag' }
  }
  if (id.imageDigest !== undefined && !isDigest(id.imageDigest)) {
    return { code: 'InvalidImageDigest', reason: 'Invalid image digest' }
  }
  if (id.imageTag !== undefined && !IMAGE_TAG.test(id.imageTag)) {
    return { code: 'InvalidImageTag', reason: 'Invalid image tag' }
  }
  return undefined
}

/** Resolves an id by digest and/or tag; both must name the same image. */
export function resolveImageId(
  ctx: OperationContext,
  repositoryName: string,
  id: RequestedImageId,
): { image: ImageRecord } | { mismatch: true } | undefined {
  const collection = ctx.catalog.collection(repositoryName)
  const byDigest = id.imageDigest === undefined ? undefined : collection.byDigest(id.imageDigest)
  const byTag = id.imageTag === undefined ? undefined : collection.byTag(id.imageTag)
  if (id.imageDigest !== undefined && id.imageTag !== undefined) {
    if (byDigest && byTag && byDigest.imageDigest !== byTag.imageDigest) return { mismatch: true }
    return byDigest && byTag ? { image: byDigest } : undefined
  }
  const image = byDigest ?? byTag
  return image ? { image } : undefined
}

/** ECR's rendering of an image id inside messages, e.g. `{imageDigest:'null', imageTag:'latest'}`. */
export function imageIdText(id: RequestedImageId): string {
  return `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`
}

/** ECR's ImageNotFoundException wording for DescribeImages. */
export function imageNotFound(
  id: RequestedImageId,
  repositoryName: string,
  registryId: string,
): AwsError {
  return new AwsError(
    'ImageNotFoundException',
    `The image with imageId ${imageIdText(id)} does not exist within the repository with name '${repositoryName}' in the registry with id '${registryId}'`,
  )
}

/** An ImageDetail in ECR's wire shape; untagged images have no `imageTags` member at all. */
export function toImageDetail(image: ImageRecord, registryId: string): Record<string, unknown> {
  const scan = image.scan
  return {
    registryId,
    repositoryName: image.repositoryName,
    imageDigest: image.imageDigest,
    ...(image.imageTags.length > 0 ? { imageTags: [...image.imageTags] } : {}),
    imageSizeInBytes: image.imageSizeInBytes,
    imagePushedAt: epochSeconds(image.imagePushedAt),
    ...(scan ? { imageScanStatus: { ...scan.status } } : {}),
    ...(scan?.findings
      ? {
          imageScanFindingsSummary: {
            imageScanCompletedAt: epochSeconds(scan.findings.imageScanCompletedAt),
            vulnerabilitySourceUpdatedAt: epochSeconds(scan.findings.vulnerabilitySourceUpdatedAt),
            findingSeverityCounts: { ...scan.findings.findingSeverityCounts },
          },
        }
      : {}),
    imageManifestMediaType: image.imageManifestMediaType,
    ...(image.artifactMediaType ? { artifactMediaType: image.artifactMediaType } : {}),
    ...(image.lastRecordedPullTime
      ? { lastRecordedPullTime: epochSeconds(image.lastRecordedPullTime) }
      : {}),
    ...(image.subjectManifestDigest ? { subjectManifestDigest: image.subjectManifestDigest } : {}),
    imageStatus: statusOf(image),
    ...(image.lastArchivedAt ? { lastArchivedAt: epochSeconds(image.lastArchivedAt) } : {}),
    ...(image.lastActivatedAt ? { lastActivatedAt: epochSeconds(image.lastActivatedAt) } : {}),
  }
}

/** Validates `filter.imageStatus` (or `filter.artifactStatus`); absent means ACTIVE, as in ECR. */
export function imageStatusOf(
  constraints: Constraints,
  filter: JsonObject | undefined,
  member: 'imageStatus' | 'artifactStatus' = 'imageStatus',
): ImageStatusFilter {
  const status = filter ? optionalString(filter, member) : undefined
  constraints.oneOf(`filter.${member}`, status, ['ACTIVE', 'ARCHIVED', 'ACTIVATING', 'ANY'])
  return (status as ImageStatusFilter | undefined) ?? 'ACTIVE'
}

/** A listing narrowed by tag status and image status, indexable for paging. */
export interface ImageView<T> {
  readonly count: number
  readonly at: (index: number) => T
}

// A repository whose images are all ACTIVE (demo/scale-50k's 50,000 among them) is paged straight
// from its index; only the small ones holding archived images are filtered, once per request.
function narrowed<T>(
  all: ImageView<T>,
  allActive: boolean,
  imageStatus: ImageStatusFilter,
  keep: (item: T) => boolean,
): ImageView<T> {
  if (allActive) {
    return imageStatus === 'ANY' || imageStatus === 'ACTIVE'
      ? all
      : { count: 0, at: (i) => all.at(i) }
  }
  const items = Array.from({ length: all.count }, (_, i) => all.at(i)).filter(keep)
  return {
    count: items.length,
    at: (i) => {
      const item = items[i]
      if (item === undefined) throw new RangeError(`No image at ${i}`)
      return item
    },
  }
}

/** DescribeImages' images for both filters. */
export function imageView(
  collection: ImageCollection,
  tagStatus: TagStatus,
  imageStatus: ImageStatusFilter,
): ImageView<ImageRecord> {
  return narrowed(
    { count: collection.imageCount(tagStatus), at: (i) => collection.imageAt(tagStatus, i) },
    collection.allActive(),
    imageStatus,
    (image) => matchesStatus(image, imageStatus),
  )
}

/** ListImages' entries for both filters. */
export function idView(
  collection: ImageCollection,
  tagStatus: TagStatus,
  imageStatus: ImageStatusFilter,
): ImageView<ImageIdEntry> {
  return narrowed(
    { count: collection.idCount(tagStatus), at: (i) => collection.idAt(tagStatus, i) },
    collection.allActive(),
    imageStatus,
    (id) => {
      const image = collection.byDigest(id.imageDigest)
      return image !== undefined && matchesStatus(image, imageStatus)
    },
  )
}

/** The repository ARN IAM checks for an operation on `repositoryName`. */
export function repositoryArn(input: JsonObject, ctx: OperationContext): string {
  const name = typeof input['repositoryName'] === 'string' ? input['repositoryName'] : '*'
  return `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${name}`
}

/** Validates tagStatus from a `filter` structure. */
export function tagStatusOf(
  constraints: Constraints,
  filter: JsonObject | undefined,
): 'TAGGED' | 'UNTAGGED' | 'ANY' {
  const tagStatus = filter ? optionalString(filter, 'tagStatus') : undefined
  constraints.oneOf('filter.tagStatus', tagStatus, ['TAGGED', 'UNTAGGED', 'ANY'])
  return (tagStatus as 'TAGGED' | 'UNTAGGED' | 'ANY' | undefined) ?? 'ANY'
}
