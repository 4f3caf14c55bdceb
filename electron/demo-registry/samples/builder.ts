import { SEED_EPOCH } from '../data'
import { MEDIA_TYPES, manifestSize } from '../images'
import type { BlobRef, ImageRecord, ImageStatus, ScanInfo, SigningStatusRecord } from '../images'
import { buildLayer, sha256Digest } from '../layers'
import type { LayerCompression, TarEntrySpec } from '../layers'

export const HOUR = 60 * 60 * 1000
export const DAY = 24 * HOUR
/** A time `msBeforeEpoch` before the seed epoch, so every sample's dates are fixed. */
export const at = (msBeforeEpoch: number): Date => new Date(SEED_EPOCH.getTime() - msBeforeEpoch)
export const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

export interface HistoryEntry {
  created_by: string
  empty_layer?: true
  comment?: string
}

export interface ImageSpec {
  repositoryName: string
  tags?: string[]
  pushedAt: Date
  lastRecordedPullTime?: Date
  scan?: ScanInfo
  imageStatus?: ImageStatus
  lastArchivedAt?: Date
  lastActivatedAt?: Date
  signingStatuses?: readonly SigningStatusRecord[]
}

/** The OCI 1.1 empty descriptor's blob: `{}`, the config of an artifact that has none. */
export const EMPTY_JSON = Buffer.from('{}', 'utf8')

/** An image the pull-through cache knows upstream but has not cached: nothing of it is stored. */
export interface UncachedUpstreamImage {
  readonly tag: string
  readonly digest: string
  readonly manifest: string
  readonly layerDigests: readonly string[]
}

/** Registry state of a sample's repository beyond its images. */
export interface SampleState {
  /** Blobs stored in the repository without any manifest referencing them. */
  readonly orphans?: readonly string[]
  /** Layers BatchCheckLayerAvailability reports as ARCHIVED. */
  readonly archived?: readonly string[]
  /** An image only the pull-through cache's upstream has. */
  readonly upstreamOnly?: UncachedUpstreamImage
}

/**
 * One sample image (or family of images) in one repository. `key` names it in
 * SAMPLE_REPOSITORIES, SAMPLE_TAGS and the catalogue; `build` stores its blobs and manifests in
 * the shared builder and returns what tests look up; `state` adds orphans, ARCHIVED layers or
 * upstream-only images to its repository.
 */
export interface SampleDefinition<
  K extends string = string,
  R extends string = string,
  Tags extends Readonly<Record<string, string>> = Readonly<Record<string, string>>,
  T = unknown,
> {
  readonly key: K
  readonly repositoryName: R
  readonly tags: Tags
  build(b: SampleBuilder): Promise<T>
  state?(built: T): SampleState
}

/** Keeps a sample's key, repository name and tags as literal types. */
export function defineSample<
  const K extends string,
  const R extends string,
  const Tags extends Readonly<Record<string, string>>,
  T,
>(definition: SampleDefinition<K, R, Tags, T>): SampleDefinition<K, R, Tags, T> {
  return definition
}

/** Collects blobs and image records; every sample builds into one shared builder. */
export class SampleBuilder {
  readonly blobs = new Map<string, Buffer>()
  readonly images = new Map<string, ImageRecord[]>()

  storeBlob(bytes: Buffer, mediaType: string): BlobRef {
    const digest = sha256Digest(bytes)
    this.blobs.set(digest, bytes)
    return { digest, size: bytes.length, mediaType }
  }

  async layer(
    entries: readonly TarEntrySpec[],
    compression: LayerCompression,
    mediaType: string,
  ): Promise<{ ref: BlobRef; diffId: string }> {
    const built = await buildLayer(entries, compression)
    this.blobs.set(built.digest, built.blob)
    return { ref: { digest: built.digest, size: built.size, mediaType }, diffId: built.diffId }
  }

  /** Writes an image config whose history lines up with `diffIds` the way `docker build` does. */
  config(
    mediaType: string,
    options: {
      architecture: string
      os: string
      variant?: string
      osVersion?: string
      created: Date
      config: Record<string, unknown>
      diffIds: readonly string[]
      history: readonly HistoryEntry[]
    },
  ): BlobRef {
    const nonEmpty = options.history.filter((h) => !h.empty_layer).length
    if (nonEmpty !== options.diffIds.length) {
      throw new Error(`history has ${nonEmpty} layer entries for ${options.diffIds.length} layers`)
    }
    const start = options.created.getTime() - options.history.length * 60_000
    const body = {
      architecture: options.architecture,
      ...(options.variant ? { variant: options.variant } : {}),
      os: options.os,
      ...(options.osVersion ? { 'os.version': options.osVersion } : {}),
      created: options.created.toISOString(),
      config: options.config,
      rootfs: { type: 'layers', diff_ids: options.diffIds },
      history: options.history.map((h, i) => ({
        created: new Date(start + (i + 1) * 60_000).toISOString(),
        ...h,
      })),
    }
    return this.storeBlob(Buffer.from(JSON.stringify(body), 'utf8'), mediaType)
  }

  /** Stores an image manifest (Docker v2 or OCI) as exact text and records it. */
  manifest(
    spec: ImageSpec,
    kind: 'docker' | 'oci',
    config: BlobRef,
    layers: readonly BlobRef[],
    extra: { annotations?: Record<string, string>; layerAnnotations?: Record<string, string> } = {},
  ): ImageRecord {
    const descriptor = (ref: BlobRef, annotations?: Record<string, string>) => ({
      mediaType: ref.mediaType,
      size: ref.size,
      digest: ref.digest,
      ...(ref.urls ? { urls: ref.urls } : {}),
      ...(annotations ? { annotations } : {}),
    })
    const mediaType = kind === 'docker' ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest
    const body = {
      schemaVersion: 2,
      mediaType,
      config: descriptor(config),
      layers: layers.map((l) => descriptor(l, extra.layerAnnotations)),
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    }
    // Docker's registry client indents with three spaces and BuildKit writes compact JSON; keeping
    // both shows that clients must hash the stored text, never a re-serialisation.
    const text = kind === 'docker' ? JSON.stringify(body, null, 3) : JSON.stringify(body)
    return this.record(spec, {
      imageManifest: text,
      imageManifestMediaType: mediaType,
      artifactMediaType: config.mediaType,
      imageSizeInBytes: manifestSize(config, layers),
      config,
      layers,
      children: [],
    })
  }

  /**
   * Stores an OCI 1.1 artifact manifest: `artifactType`, the empty config, `blobs` as its layers,
   * and a `subject` naming the image it refers to (a signature, SBOM or attestation of it).
   */
  artifact(
    spec: ImageSpec,
    options: {
      artifactType: string
      subject: ImageRecord
      blobs: readonly BlobRef[]
      annotations?: Record<string, string>
      /** Annotations on every blob's descriptor (cosign puts its signature there). */
      layerAnnotations?: Record<string, string>
      /** Annotations on one blob's descriptor, by index (a SOCI zTOC names its image layer). */
      blobAnnotations?: readonly (Record<string, string> | undefined)[]
    },
  ): ImageRecord {
    const config = this.storeBlob(EMPTY_JSON, MEDIA_TYPES.ociEmpty)
    const descriptor = (ref: BlobRef, annotations?: Record<string, string>) => ({
      mediaType: ref.mediaType,
      digest: ref.digest,
      size: ref.size,
      ...(annotations ? { annotations } : {}),
    })
    const subject = {
      mediaType: options.subject.imageManifestMediaType,
      digest: options.subject.imageDigest,
      size: Buffer.byteLength(options.subject.imageManifest, 'utf8'),
    }
    const body = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType: options.artifactType,
      config: descriptor(config),
      layers: options.blobs.map((b, i) => {
        const own = options.blobAnnotations?.[i]
        return descriptor(
          b,
          own || options.layerAnnotations ? { ...options.layerAnnotations, ...own } : undefined,
        )
      }),
      subject,
      ...(options.annotations ? { annotations: options.annotations } : {}),
    }
    return this.record(spec, {
      imageManifest: JSON.stringify(body),
      imageManifestMediaType: MEDIA_TYPES.ociManifest,
      // ECR reports an artifact's artifactType here, where an image has its config's media type.
      artifactMediaType: options.artifactType,
      artifactType: options.artifactType,
      subjectManifestDigest: options.subject.imageDigest,
      ...(options.annotations ? { annotations: options.annotations } : {}),
      imageSizeInBytes: manifestSize(config, options.blobs),
      config,
      layers: options.blobs,
      children: [],
    })
  }

  /** Stores an OCI index or Docker manifest list; its size is its largest child's, as in ECR. */
  index(
    spec: ImageSpec,
    kind: 'oci' | 'docker',
    entries: readonly {
      image: ImageRecord
      platform: Record<string, string>
      annotations?: Record<string, string>
    }[],
  ): ImageRecord {
    const mediaType = kind === 'oci' ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerManifestList
    const children: BlobRef[] = entries.map((e) => ({
      mediaType: e.image.imageManifestMediaType,
      size: Buffer.byteLength(e.image.imageManifest, 'utf8'),
      digest: e.image.imageDigest,
    }))
    const body = {
      schemaVersion: 2,
      mediaType,
      manifests: entries.map((e, i) => ({
        ...children[i],
        platform: e.platform,
        ...(e.annotations ? { annotations: e.annotations } : {}),
      })),
    }
    const text = kind === 'docker' ? JSON.stringify(body, null, 3) : JSON.stringify(body)
    return this.record(spec, {
      imageManifest: text,
      imageManifestMediaType: mediaType,
      imageSizeInBytes: Math.max(...entries.map((e) => e.image.imageSizeInBytes)),
      layers: [],
      children,
    })
  }

  private record(
    spec: ImageSpec,
    fields: Omit<
      ImageRecord,
      | 'repositoryName'
      | 'imageDigest'
      | 'imageTags'
      | 'imagePushedAt'
      | 'lastRecordedPullTime'
      | 'scan'
      | 'imageStatus'
      | 'lastArchivedAt'
      | 'lastActivatedAt'
      | 'signingStatuses'
    >,
  ): ImageRecord {
    const image: ImageRecord = {
      repositoryName: spec.repositoryName,
      imageDigest: sha256Digest(fields.imageManifest),
      imageTags: spec.tags ?? [],
      imagePushedAt: spec.pushedAt,
      ...(spec.lastRecordedPullTime ? { lastRecordedPullTime: spec.lastRecordedPullTime } : {}),
      ...(spec.scan ? { scan: spec.scan } : {}),
      ...(spec.imageStatus ? { imageStatus: spec.imageStatus } : {}),
      ...(spec.lastArchivedAt ? { lastArchivedAt: spec.lastArchivedAt } : {}),
      ...(spec.lastActivatedAt ? { lastActivatedAt: spec.lastActivatedAt } : {}),
      ...(spec.signingStatuses ? { signingStatuses: spec.signingStatuses } : {}),
      ...fields,
    }
    const list = this.images.get(spec.repositoryName) ?? []
    list.push(image)
    this.images.set(spec.repositoryName, list)
    return image
  }
}

export function scanComplete(completedAt: Date, counts: Record<string, number>): ScanInfo {
  return {
    status: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
    findings: {
      imageScanCompletedAt: completedAt,
      vulnerabilitySourceUpdatedAt: new Date(completedAt.getTime() - 6 * HOUR),
      findingSeverityCounts: counts,
    },
  }
}

export const dir = (name: string, extra: Partial<TarEntrySpec> = {}): TarEntrySpec => ({
  name,
  type: 'directory',
  ...extra,
})
