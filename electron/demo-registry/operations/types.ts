import type { ImageCatalog } from '../catalog'
import type { Identity } from '../credentials'
import type { PullThroughCacheRuleRecord, RegistryData } from '../data'

export type { PullThroughCacheRuleRecord } from '../data'

/** A JSON 1.1 request body, after the wire layer has checked it is an object. */
export type JsonObject = Record<string, unknown>

/** What an operation handler may read; everything is injected so handlers stay pure. */
export interface OperationContext {
  readonly accountId: string
  readonly region: string
  readonly data: RegistryData
  readonly identity: Identity
  readonly now: Date
  /** The registry's images and blobs. */
  readonly catalog: ImageCatalog
  readonly pullThroughCacheRules: readonly PullThroughCacheRuleRecord[]
  /** How BatchGetImage answers for an image a pull-through cache has not cached. */
  readonly uncachedImageErrors: 'failure' | 'exception'
  /** Pre-signs an S3-style GET URL for a blob of a repository. */
  blobUrl(repositoryName: string, digest: string): Promise<string>
}

/** One ECR operation: its IAM action, the resource IAM would check, and the handler. */
export interface EcrOperation {
  /** The IAM action a deny list is matched against, e.g. `ecr:DescribeRepositories`. */
  readonly action: string
  /** The resource ARN AccessDeniedException names for this input. */
  resource(input: JsonObject, ctx: OperationContext): string
  /** Answers the request with the response body (or a promise of it), or throws an AwsError. */
  handle(input: JsonObject, ctx: OperationContext): unknown
}

/** ECR's wire form for timestamps: epoch seconds as a JSON number, with millisecond fraction. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000
}
