import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  DescribeImageSigningStatusCommand,
  DescribeImagesCommand,
  DescribePullThroughCacheRulesCommand,
  DescribeRepositoriesCommand,
  GetDownloadUrlForLayerCommand,
  ListImageReferrersCommand,
  type ECRClient,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type ImageDetail,
  type ImageReferrer as EcrImageReferrer,
  type Repository as EcrRepository,
} from '@aws-sdk/client-ecr'
import type { Command } from '@smithy/types'
import { ERROR_CODES } from '../../../shared/errors'
import { AppErrorException, type AppError } from '../../../shared/ipc/result'
import { ACCEPTED_MANIFEST_TYPES, parseImageConfig, parseManifest } from '../../../shared/manifest'
import type {
  ImageConfig,
  ImageManifest,
  ImageReferrer,
  ImageStatus,
  ImageSummary,
  LayerAvailability,
  PullThroughRule,
  SigningStatus,
  TagStatus,
} from '../../../shared/models/image'
import type { Page, Repository } from '../../../shared/models/repository'
import { imageDigestSchema } from '../../../shared/schemas'
import { aws } from '../aws/aws-errors'
import type { ChannelsOf, HandlersFor } from '../ipc/handlers'
import { fetchBlob, type PipelineDeps } from '../blob/fetch-blob'
import { memorySink } from '../blob/memory-sink'
import { BlobHttp } from './blob-http'

/**
 * The `ecr:` channels that read scan findings (DescribeImageScanFindings): the findings service
 * answers them, the ECR service every other `ecr:` channel.
 */
export type ScanChannel = Extract<ChannelsOf<'ecr'>, `ecr:scan-${string}`>

/** One ECR command, as ECRClient.send takes it, with its input and output types. */
type EcrCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<
  ServiceInputTypes,
  I,
  ServiceOutputTypes,
  O,
  unknown
>

/** The client to call and the registry it browses unless a request names another. */
export interface EcrTarget {
  client: ECRClient
  registryId: string | undefined
}

interface ImageRequest {
  registryId?: string
  repositoryName: string
}

// Config blobs are small JSON documents; anything larger is not a config.
const MAX_CONFIG_BYTES = 16 * 1024 * 1024
// ListImageReferrers' page limit; the default page size is documented both as 20 and as 50.
const REFERRERS_PAGE_SIZE = 50
// Referrers beyond this many pages are a registry misbehaving (or hostile), not a real image.
const MAX_REFERRER_PAGES = 200
// A config fetch, retries and URL refreshes included, gives up after this long.
const CONFIG_TIMEOUT_MS = 120_000

// Errors about one image whose catalog entries give a command naming it.
const IMAGE_ERRORS = new Set<AppError['code']>(['ImageArchived', 'ScanNotFound'])

/** ECR read calls, turned into the plain data types that cross IPC. */
export class EcrService {
  private rules: Promise<PullThroughRule[]> | null = null

  constructor(
    private readonly target: () => Promise<EcrTarget>,
    /** How blobs are fetched: the pipeline's HTTP and retry policy. */
    private readonly blobs: PipelineDeps = { http: new BlobHttp() },
  ) {}

  /** Fetches one page of DescribeRepositories. */
  async listRepositories(request: {
    registryId?: string
    nextToken?: string
    maxResults?: number
  }): Promise<Page<Repository>> {
    const out = await this.send(
      request,
      (registryId) =>
        new DescribeRepositoriesCommand({
          registryId,
          nextToken: request.nextToken,
          maxResults: request.maxResults ?? 1000,
        }),
    )
    return { items: (out.repositories ?? []).map(toRepository), nextToken: out.nextToken ?? null }
  }

  /** Describes one repository by name. */
  async describeRepository(request: ImageRequest): Promise<Repository> {
    const out = await this.send(
      request,
      (registryId) =>
        new DescribeRepositoriesCommand({
          registryId,
          repositoryNames: [request.repositoryName],
        }),
    )
    const found = out.repositories?.[0]
    if (!found) {
      throw new AppErrorException({
        code: 'RepositoryNotFound',
        message: `The repository "${request.repositoryName}" does not exist in this registry.`,
      })
    }
    return toRepository(found)
  }

  /** Fetches one page of DescribeImages. */
  async listImages(
    request: ImageRequest & { tagStatus: TagStatus; nextToken?: string; maxResults?: number },
  ): Promise<Page<ImageSummary>> {
    const out = await this.send(
      request,
      (registryId) =>
        new DescribeImagesCommand({
          registryId,
          repositoryName: request.repositoryName,
          // Without imageStatus ECR lists ACTIVE images only, and archived ones would be invisible.
          filter: { tagStatus: request.tagStatus, imageStatus: 'ANY' },
          nextToken: request.nextToken,
          maxResults: request.maxResults ?? 1000,
        }),
    )
    return { items: (out.imageDetails ?? []).map(toImageSummary), nextToken: out.nextToken ?? null }
  }

  /** DescribeImages for one image by digest (imageIds cannot be combined with paging). */
  async describeImage(request: ImageRequest & { imageDigest: string }): Promise<ImageSummary> {
    const out = await this.send(
      request,
      (registryId) =>
        new DescribeImagesCommand({
          registryId,
          repositoryName: request.repositoryName,
          imageIds: [{ imageDigest: request.imageDigest }],
        }),
    )
    const found = out.imageDetails?.[0]
    if (!found) {
      throw new AppErrorException({
        code: 'ImageNotFound',
        message: `The image ${request.imageDigest} does not exist in "${request.repositoryName}".`,
      })
    }
    return toImageSummary(found)
  }

  /** ListImageReferrers for one subject, every page, in every status (archived ones included). */
  async listReferrers(
    request: ImageRequest & { imageDigest: string; artifactTypes?: string[] },
  ): Promise<ImageReferrer[]> {
    const referrers: ImageReferrer[] = []
    const seenTokens = new Set<string>()
    let nextToken: string | undefined
    for (let page = 0; page < MAX_REFERRER_PAGES; page++) {
      const out = await this.send(
        request,
        (registryId) =>
          new ListImageReferrersCommand({
            registryId,
            repositoryName: request.repositoryName,
            subjectId: { imageDigest: request.imageDigest },
            filter: {
              artifactStatus: 'ANY',
              ...(request.artifactTypes?.length ? { artifactTypes: request.artifactTypes } : {}),
            },
            maxResults: REFERRERS_PAGE_SIZE,
            nextToken,
          }),
      )
      for (const r of out.referrers ?? []) {
        // A referrer whose digest is not one cannot be opened or matched: it is left out.
        if (imageDigestSchema.safeParse(r.digest).success) referrers.push(toReferrer(r))
      }
      nextToken = out.nextToken ?? undefined
      // A token seen before would loop forever: stop, keeping what was listed.
      if (!nextToken || seenTokens.has(nextToken)) break
      seenTokens.add(nextToken)
    }
    return referrers
  }

  /** DescribeImageSigningStatus: ECR managed signing's result per signing profile. */
  async signingStatus(request: ImageRequest & { imageDigest: string }): Promise<SigningStatus[]> {
    const out = await this.send(
      request,
      (registryId) =>
        new DescribeImageSigningStatusCommand({
          registryId,
          repositoryName: request.repositoryName,
          imageId: { imageDigest: request.imageDigest },
        }),
    )
    return (out.signingStatuses ?? []).map((s) => ({
      signingProfileArn: s.signingProfileArn ?? null,
      status: s.status ?? null,
      failureCode: s.failureCode ?? null,
      failureReason: s.failureReason ?? null,
    }))
  }

  /** BatchGetImage for one image, by digest (never converted) or tag; parsed and validated. */
  async getManifest(
    request: ImageRequest & { imageDigest?: string; imageTag?: string },
  ): Promise<ImageManifest> {
    const out = await this.send(
      request,
      (registryId) =>
        new BatchGetImageCommand({
          registryId,
          repositoryName: request.repositoryName,
          imageIds: [{ imageDigest: request.imageDigest, imageTag: request.imageTag }],
          acceptedMediaTypes: [...ACCEPTED_MANIFEST_TYPES],
        }),
    )
    const image = out.images?.[0]
    if (!image?.imageManifest || !image.imageId?.imageDigest) {
      const failure = out.failures?.[0]
      const code = failure?.failureCode ?? 'ImageNotFound'
      const error: AppError = {
        code: isFailureCode(code) ? code : 'ImageNotFound',
        message: failure?.failureReason ?? 'The image was not returned by BatchGetImage.',
      }
      throw new AppErrorException(await this.withUpstreamName(request.repositoryName, error))
    }
    return parseManifest(
      image.imageManifest,
      image.imageId.imageDigest,
      image.imageManifestMediaType ?? null,
    )
  }

  /**
   * One BatchGetImage for several tags at once (at most 100): the manifests found, parsed and
   * validated. Tags that name no image (ImageNotFound and other per-id failures) are left out, so
   * looking for tags that may not exist costs one call, not one per tag.
   */
  async getManifestsByTag(
    request: ImageRequest & { imageTags: readonly string[] },
  ): Promise<ImageManifest[]> {
    const tags = [...new Set(request.imageTags)].slice(0, 100)
    if (tags.length === 0) return []
    const out = await this.send(
      request,
      (registryId) =>
        new BatchGetImageCommand({
          registryId,
          repositoryName: request.repositoryName,
          imageIds: tags.map((imageTag) => ({ imageTag })),
          acceptedMediaTypes: [...ACCEPTED_MANIFEST_TYPES],
        }),
    )
    const found: ImageManifest[] = []
    for (const image of out.images ?? []) {
      if (!image.imageManifest || !image.imageId?.imageDigest) continue
      try {
        found.push(
          parseManifest(
            image.imageManifest,
            image.imageId.imageDigest,
            image.imageManifestMediaType ?? null,
          ),
        )
      } catch {
        // One unreadable manifest does not hide the others.
      }
    }
    return found
  }

  /** Downloads a config blob through GetDownloadUrlForLayer, checks its digest, and parses it. */
  async getConfig(
    request: ImageRequest & { digest: string; imageDigest?: string },
  ): Promise<ImageConfig> {
    // The blob pipeline into memory: the same refresh, resume, retry and answer mapping as layers.
    const { value } = await fetchBlob(this.blobs, {
      digest: request.digest,
      expectedSize: null,
      getUrl: () => this.downloadUrl(request, request.digest),
      sink: memorySink(MAX_CONFIG_BYTES, () => ({
        code: 'InvalidManifest',
        message: `The config blob is larger than ${MAX_CONFIG_BYTES} bytes; it is not an image config.`,
      })),
      signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS),
      what: 'Config blob',
    })
    return parseImageConfig(value.toString('utf8'), request.digest)
  }

  /**
   * GetDownloadUrlForLayer: a pre-signed URL for one blob of the repository. `imageDigest`, when
   * given, names the image in an archived error.
   */
  async downloadUrl(
    request: ImageRequest & { imageDigest?: string },
    layerDigest: string,
  ): Promise<string> {
    const out = await this.send(
      request,
      (registryId) =>
        new GetDownloadUrlForLayerCommand({
          registryId,
          repositoryName: request.repositoryName,
          layerDigest,
        }),
    )
    if (!out.downloadUrl) {
      throw new AppErrorException({
        code: 'LayersNotFound',
        message: 'ECR returned no download URL.',
      })
    }
    return out.downloadUrl
  }

  /** BatchCheckLayerAvailability in calls of 100 digests, the API's limit. */
  async checkLayers(
    request: ImageRequest & { layerDigests: string[] },
  ): Promise<LayerAvailability[]> {
    const result: LayerAvailability[] = []
    for (let start = 0; start < request.layerDigests.length; start += 100) {
      const out = await this.send(
        request,
        (registryId) =>
          new BatchCheckLayerAvailabilityCommand({
            registryId,
            repositoryName: request.repositoryName,
            layerDigests: request.layerDigests.slice(start, start + 100),
          }),
      )
      for (const layer of out.layers ?? []) {
        result.push({
          digest: layer.layerDigest ?? '',
          availability: (layer.layerAvailability as LayerAvailability['availability']) ?? null,
          failureCode: null,
          failureReason: null,
        })
      }
      for (const failure of out.failures ?? []) {
        result.push({
          digest: failure.layerDigest ?? '',
          availability: null,
          failureCode: failure.failureCode ?? null,
          failureReason: failure.failureReason ?? null,
        })
      }
    }
    return result
  }

  /** Every pull-through cache rule of the registry; none where the API is not offered. */
  async listPullThroughRules(request: { registryId?: string } = {}): Promise<PullThroughRule[]> {
    const rules: PullThroughRule[] = []
    let nextToken: string | undefined
    do {
      const out = await this.send(
        request,
        (registryId) =>
          new DescribePullThroughCacheRulesCommand({
            registryId,
            nextToken,
            maxResults: 1000,
          }),
      )
      for (const rule of out.pullThroughCacheRules ?? []) {
        rules.push({
          prefix: rule.ecrRepositoryPrefix ?? '',
          upstreamRegistryUrl: rule.upstreamRegistryUrl ?? '',
          upstreamRegistry: rule.upstreamRegistry ?? null,
          createdAt: rule.createdAt?.toISOString() ?? null,
        })
      }
      nextToken = out.nextToken
    } while (nextToken)
    return rules
  }

  /**
   * The `ecr:` channels this service answers: every one but the scan findings, which the findings
   * service reads (see ScanChannel).
   */
  handlers(): HandlersFor<Exclude<ChannelsOf<'ecr'>, ScanChannel>> {
    return {
      'ecr:list-repositories': (request) => this.listRepositories(request),
      'ecr:describe-repository': (request) => this.describeRepository(request),
      'ecr:list-images': (request) => this.listImages(request),
      'ecr:describe-image': (request) => this.describeImage(request),
      'ecr:list-referrers': (request) => this.listReferrers(request),
      'ecr:signing-status': (request) => this.signingStatus(request),
      'ecr:get-manifest': (request) => this.getManifest(request),
      'ecr:get-config': (request) => this.getConfig(request),
      'ecr:check-layers': (request) => this.checkLayers(request),
      'ecr:list-pull-through-rules': (request) => this.listPullThroughRules(request),
    }
  }

  /** Forgets cached rules, for a new connection. */
  reset(): void {
    this.rules = null
  }

  // Every ECR call goes through here: the connection's client, the registry the request names or
  // else the one browsed by default, AWS errors mapped into the catalog, and, for a repository,
  // upstream failures naming the upstream registry.
  private async send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(
    request: { registryId?: string; repositoryName?: string; imageDigest?: string },
    build: (registryId: string | undefined) => EcrCommand<I, O>,
  ): Promise<O> {
    const { client, registryId } = await this.target()
    const call = () =>
      aws(client.send(build(request.registryId ?? registryId))).catch((error: unknown) => {
        // An archived image's error names it, so the restore command can be copied as is.
        const { repositoryName, imageDigest } = request
        if (
          error instanceof AppErrorException &&
          IMAGE_ERRORS.has(error.error.code) &&
          repositoryName !== undefined &&
          imageDigest !== undefined
        )
          throw new AppErrorException({ ...error.error, repositoryName, imageDigest })
        throw error
      })
    return request.repositoryName === undefined
      ? call()
      : this.withUpstream(request.repositoryName, call)
  }

  // Upstream failures name the upstream registry, found from the repository's cache rule.
  private async withUpstream<T>(repositoryName: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      if (!(error instanceof AppErrorException)) throw error
      if (!/^UnableTo(Get|List)Upstream/.test(error.error.code)) throw error
      throw new AppErrorException(await this.withUpstreamName(repositoryName, error.error))
    }
  }

  private async withUpstreamName(repositoryName: string, error: AppError): Promise<AppError> {
    if (!/^(UnableTo(Get|List)Upstream|Upstream)/.test(error.code)) return error
    this.rules ??= this.listPullThroughRules().catch(() => [])
    const rule = (await this.rules).find((r) => repositoryName.startsWith(`${r.prefix}/`))
    return rule ? { ...error, resource: rule.upstreamRegistryUrl } : error
  }
}

// BatchGetImage's failure codes are catalog codes of the same name; an unknown one is shown as
// ImageNotFound rather than as a bare code.
const isFailureCode = (code: string): code is AppError['code'] =>
  (ERROR_CODES as readonly string[]).includes(code)

function toRepository(repo: EcrRepository): Repository {
  return {
    repositoryName: repo.repositoryName ?? '',
    repositoryArn: repo.repositoryArn ?? '',
    repositoryUri: repo.repositoryUri ?? '',
    registryId: repo.registryId ?? '',
    createdAt: repo.createdAt ? repo.createdAt.toISOString() : null,
    imageTagMutability: repo.imageTagMutability ?? 'MUTABLE',
    scanOnPush: repo.imageScanningConfiguration?.scanOnPush ?? false,
    encryptionType: repo.encryptionConfiguration?.encryptionType ?? null,
  }
}

function toImageSummary(image: ImageDetail): ImageSummary {
  const counts = image.imageScanFindingsSummary?.findingSeverityCounts
  return {
    digest: image.imageDigest ?? '',
    tags: image.imageTags ?? [],
    pushedAt: image.imagePushedAt?.toISOString() ?? null,
    sizeInBytes: image.imageSizeInBytes ?? null,
    manifestMediaType: image.imageManifestMediaType ?? null,
    artifactMediaType: image.artifactMediaType ?? null,
    lastRecordedPullTime: image.lastRecordedPullTime?.toISOString() ?? null,
    scanStatus: image.imageScanStatus?.status ?? null,
    scanFindings: counts ? { ...counts } : null,
    imageStatus: toStatus(image.imageStatus),
    lastArchivedAt: image.lastArchivedAt?.toISOString() ?? null,
    lastActivatedAt: image.lastActivatedAt?.toISOString() ?? null,
    subjectDigest: image.subjectManifestDigest ?? null,
  }
}

// Anything but the two non-active states is treated as ACTIVE, the state a missing field means.
function toStatus(status: string | undefined): ImageStatus {
  return status === 'ARCHIVED' || status === 'ACTIVATING' ? status : 'ACTIVE'
}

function toReferrer(r: EcrImageReferrer): ImageReferrer {
  const annotations: Record<string, string> = {}
  for (const [key, value] of Object.entries(r.annotations ?? {})) {
    if (typeof value === 'string') annotations[key] = value
  }
  return {
    digest: r.digest ?? '',
    mediaType: r.mediaType ?? '',
    artifactType: r.artifactType ?? null,
    size: typeof r.size === 'number' ? r.size : null,
    annotations,
    status: toStatus(r.artifactStatus),
  }
}
