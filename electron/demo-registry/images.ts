import type { ScanReport } from './scan-report'

/** The media types the samples use, spelled once. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  inToto: 'application/vnd.in-toto+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
} as const

/** ECR's `imageStatus`: archived images must be restored before they can be pulled. */
export type ImageStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'

/** ECR's `filter.imageStatus` (DescribeImages, ListImages) and `filter.artifactStatus` (ListImageReferrers). */
export type ImageStatusFilter = ImageStatus | 'ANY'

/** One managed-signing result, as DescribeImageSigningStatus reports it. */
export interface SigningStatusRecord {
  readonly signingProfileArn: string
  readonly status: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED'
  readonly failureCode?: string
  readonly failureReason?: string
}

/** ECR's `filter.tagStatus`. */
export type TagStatus = 'TAGGED' | 'UNTAGGED' | 'ANY'

/** An OCI descriptor as a manifest lists it. */
export interface BlobRef {
  readonly digest: string
  readonly size: number
  readonly mediaType: string
  /** Where a foreign (non-distributable) layer really lives; such blobs are not in the registry. */
  readonly urls?: readonly string[]
}

/** ECR's `imageScanStatus` and `imageScanFindingsSummary`, with dates still as Dates. */
export interface ScanInfo {
  readonly status: { readonly status: string; readonly description?: string }
  readonly findings?: {
    readonly imageScanCompletedAt: Date
    readonly vulnerabilitySourceUpdatedAt: Date
    readonly findingSeverityCounts: Readonly<Record<string, number>>
  }
  /**
   * What DescribeImageScanFindings lists. Absent on a completed scan, basic findings matching
   * `findings`' counts are made up; enhanced scanning leaves `findings` (the summary) empty.
   */
  readonly report?: ScanReport
}

/** One stored image (manifest or index) and what DescribeImages reports about it. */
export interface ImageRecord {
  readonly repositoryName: string
  readonly imageDigest: string
  readonly imageTags: readonly string[]
  /** The exact manifest text; its sha256 is `imageDigest`. */
  readonly imageManifest: string
  readonly imageManifestMediaType: string
  readonly artifactMediaType?: string
  readonly imageSizeInBytes: number
  readonly imagePushedAt: Date
  readonly lastRecordedPullTime?: Date
  readonly scan?: ScanInfo
  /** Absent means ACTIVE, the only status DescribeImages lists without `filter.imageStatus`. */
  readonly imageStatus?: ImageStatus
  readonly lastArchivedAt?: Date
  readonly lastActivatedAt?: Date
  /** The `subject` digest of an OCI 1.1 referrer (signature, SBOM, attestation). */
  readonly subjectManifestDigest?: string
  /** The manifest's own `artifactType`, which ListImageReferrers reports and filters on. */
  readonly artifactType?: string
  /** The manifest's `annotations`, which ListImageReferrers reports. */
  readonly annotations?: Readonly<Record<string, string>>
  /** What DescribeImageSigningStatus answers for this image; absent means no signing rule matched. */
  readonly signingStatuses?: readonly SigningStatusRecord[]
  /** The config descriptor of an image manifest; absent for an index. */
  readonly config?: BlobRef
  /** The layer descriptors of an image manifest, in order; empty for an index. */
  readonly layers: readonly BlobRef[]
  /** The manifests an index or manifest list references; empty for an image manifest. */
  readonly children: readonly BlobRef[]
}

/** One entry of ListImages: a tag of an image, or an untagged image once. */
export interface ImageIdEntry {
  readonly imageDigest: string
  readonly imageTag?: string
}

/** The images of one repository, indexed for paging and lookup without per-request sorting. */
export interface ImageCollection {
  /** How many images DescribeImages pages through for this filter. */
  imageCount(status: TagStatus): number
  /** The image at `index` of DescribeImages' order for this filter. */
  imageAt(status: TagStatus, index: number): ImageRecord
  /** How many entries ListImages pages through for this filter. */
  idCount(status: TagStatus): number
  /** The ListImages entry at `index` for this filter. */
  idAt(status: TagStatus, index: number): ImageIdEntry
  /** The image whose manifest has this `sha256:` digest. */
  byDigest(digest: string): ImageRecord | undefined
  /** The image carrying this tag. */
  byTag(tag: string): ImageRecord | undefined
  /** Every blob the collection's manifests reference (config, layers), each once. */
  blobRefs(): Iterable<BlobRef>
  /** True when every image is ACTIVE, so status filters need not look at each image. */
  allActive(): boolean
  /** The images whose `subject` is this digest, newest push first. */
  referrersOf(subjectDigest: string): readonly ImageRecord[]
}

/** An image's status; a record without one is ACTIVE. */
export function statusOf(image: ImageRecord): ImageStatus {
  return image.imageStatus ?? 'ACTIVE'
}

/** Whether an image passes `filter.imageStatus` / `filter.artifactStatus`. */
export function matchesStatus(image: ImageRecord, filter: ImageStatusFilter): boolean {
  return filter === 'ANY' || statusOf(image) === filter
}

/** A small repository's images in memory, newest push first; rebuilt whenever an image is added. */
export class StaticImageCollection implements ImageCollection {
  private images: ImageRecord[] = []
  private tagged: ImageRecord[] = []
  private untagged: ImageRecord[] = []
  private ids: { ANY: ImageIdEntry[]; TAGGED: ImageIdEntry[]; UNTAGGED: ImageIdEntry[] } = {
    ANY: [],
    TAGGED: [],
    UNTAGGED: [],
  }
  private digests = new Map<string, ImageRecord>()
  private tags = new Map<string, ImageRecord>()
  private referrers = new Map<string, ImageRecord[]>()
  private active = true

  /** Indexes `images`; later additions keep the same order rules. */
  constructor(images: readonly ImageRecord[] = []) {
    this.reindex([...images])
  }

  /** Adds (or replaces, by digest) an image; a tag it carries moves off any older image, as ECR does. */
  add(image: ImageRecord): void {
    const others = this.images
      .filter((i) => i.imageDigest !== image.imageDigest)
      .map((i) =>
        i.imageTags.some((t) => image.imageTags.includes(t))
          ? { ...i, imageTags: i.imageTags.filter((t) => !image.imageTags.includes(t)) }
          : i,
      )
    this.reindex([...others, image])
  }

  imageCount(status: TagStatus): number {
    return this.list(status).length
  }

  imageAt(status: TagStatus, index: number): ImageRecord {
    const image = this.list(status)[index]
    if (!image) throw new RangeError(`No image at ${index}`)
    return image
  }

  idCount(status: TagStatus): number {
    return this.ids[status].length
  }

  idAt(status: TagStatus, index: number): ImageIdEntry {
    const id = this.ids[status][index]
    if (!id) throw new RangeError(`No image id at ${index}`)
    return id
  }

  byDigest(digest: string): ImageRecord | undefined {
    return this.digests.get(digest)
  }

  byTag(tag: string): ImageRecord | undefined {
    return this.tags.get(tag)
  }

  *blobRefs(): Iterable<BlobRef> {
    const seen = new Set<string>()
    for (const image of this.images) {
      for (const ref of [...(image.config ? [image.config] : []), ...image.layers]) {
        if (seen.has(ref.digest)) continue
        seen.add(ref.digest)
        yield ref
      }
    }
  }

  allActive(): boolean {
    return this.active
  }

  referrersOf(subjectDigest: string): readonly ImageRecord[] {
    return this.referrers.get(subjectDigest) ?? []
  }

  private list(status: TagStatus): readonly ImageRecord[] {
    return status === 'TAGGED' ? this.tagged : status === 'UNTAGGED' ? this.untagged : this.images
  }

  private reindex(images: ImageRecord[]): void {
    // Sorted once here, never per request: newest first, digest as the tie-break for stability.
    images.sort(
      (a, b) =>
        b.imagePushedAt.getTime() - a.imagePushedAt.getTime() ||
        (a.imageDigest < b.imageDigest ? -1 : 1),
    )
    this.images = images
    this.tagged = images.filter((i) => i.imageTags.length > 0)
    this.untagged = images.filter((i) => i.imageTags.length === 0)
    const tagIds = this.tagged.flatMap((i) =>
      i.imageTags.map((imageTag) => ({ imageDigest: i.imageDigest, imageTag })),
    )
    const untaggedIds = this.untagged.map((i) => ({ imageDigest: i.imageDigest }))
    this.ids = { ANY: [...tagIds, ...untaggedIds], TAGGED: tagIds, UNTAGGED: untaggedIds }
    this.digests = new Map(images.map((i) => [i.imageDigest, i]))
    this.tags = new Map(images.flatMap((i) => i.imageTags.map((t) => [t, i] as const)))
    this.active = images.every((i) => statusOf(i) === 'ACTIVE')
    this.referrers = new Map()
    for (const image of images) {
      if (image.subjectManifestDigest === undefined) continue
      const list = this.referrers.get(image.subjectManifestDigest) ?? []
      list.push(image)
      this.referrers.set(image.subjectManifestDigest, list)
    }
  }
}

/** Total compressed size ECR reports for an image manifest: config plus layers. */
export function manifestSize(config: BlobRef | undefined, layers: readonly BlobRef[]): number {
  return (config?.size ?? 0) + layers.reduce((sum, l) => sum + l.size, 0)
}
