import { SEED_EPOCH } from './data'
import { MEDIA_TYPES } from './images'
import type {
  BlobRef,
  ImageCollection,
  ImageIdEntry,
  ImageRecord,
  ScanInfo,
  TagStatus,
} from './images'
import { sha256Digest } from './layers'

/** How many images `demo/scale-50k` holds. */
export const SCALE_IMAGE_COUNT = 50_000

const MINUTE = 60_000

// A cheap integer mix (splitmix32's finaliser): 50k images need no cryptographic hashing.
function mix(value: number): number {
  let x = (value + 0x9e3779b9) | 0
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

/**
 * 50,000 images generated from their index: summaries on demand, the orders computed once, and
 * a tiny real OCI manifest per image (all sharing one real config and one real layer blob, told
 * apart by annotations) so BatchGetImage and GetDownloadUrlForLayer work for any of them. Index 0
 * is the newest push; tags count down from `build-50000`, and about 10% of images are untagged.
 */
export class ScaleImageCollection implements ImageCollection {
  private readonly tagged: Int32Array
  private readonly untagged: Int32Array
  private readonly digests: (string | undefined)[] = new Array<string | undefined>(
    SCALE_IMAGE_COUNT,
  )
  private digestIndex: Map<string, number> | undefined

  /** Precomputes the tagged/untagged orders; everything else is derived per request. */
  constructor(
    readonly repositoryName: string,
    private readonly config: BlobRef,
    private readonly layer: BlobRef,
  ) {
    const tagged: number[] = []
    const untagged: number[] = []
    for (let i = 0; i < SCALE_IMAGE_COUNT; i++) {
      ;(this.isTagged(i) ? tagged : untagged).push(i)
    }
    this.tagged = Int32Array.from(tagged)
    this.untagged = Int32Array.from(untagged)
  }

  imageCount(status: TagStatus): number {
    return this.order(status)?.length ?? SCALE_IMAGE_COUNT
  }

  imageAt(status: TagStatus, index: number): ImageRecord {
    const order = this.order(status)
    const i = order ? order[index] : index
    if (i === undefined || index < 0 || index >= this.imageCount(status)) {
      throw new RangeError(`No image at ${index}`)
    }
    return this.record(i)
  }

  allActive(): boolean {
    return true
  }

  referrersOf(): readonly ImageRecord[] {
    return []
  }

  idCount(status: TagStatus): number {
    return this.imageCount(status)
  }

  idAt(status: TagStatus, index: number): ImageIdEntry {
    const image = this.imageAt(status, index)
    const tag = image.imageTags[0]
    return tag === undefined
      ? { imageDigest: image.imageDigest }
      : { imageDigest: image.imageDigest, imageTag: tag }
  }

  byDigest(digest: string): ImageRecord | undefined {
    if (!this.digestIndex) {
      // Built on first lookup by digest only; paging never needs it.
      this.digestIndex = new Map()
      for (let i = 0; i < SCALE_IMAGE_COUNT; i++) this.digestIndex.set(this.digestOf(i), i)
    }
    const i = this.digestIndex.get(digest)
    return i === undefined ? undefined : this.record(i)
  }

  byTag(tag: string): ImageRecord | undefined {
    const match = /^build-(\d{5})$/.exec(tag)
    if (!match) return undefined
    const i = SCALE_IMAGE_COUNT - Number(match[1])
    if (i < 0 || i >= SCALE_IMAGE_COUNT || !this.isTagged(i)) return undefined
    return this.record(i)
  }

  *blobRefs(): Iterable<BlobRef> {
    yield this.config
    yield this.layer
  }

  private order(status: TagStatus): Int32Array | undefined {
    return status === 'TAGGED' ? this.tagged : status === 'UNTAGGED' ? this.untagged : undefined
  }

  private isTagged(i: number): boolean {
    return mix(i) % 10 !== 0
  }

  private tagOf(i: number): string | undefined {
    return this.isTagged(i) ? `build-${String(SCALE_IMAGE_COUNT - i).padStart(5, '0')}` : undefined
  }

  private manifestOf(i: number): string {
    const descriptor = (ref: BlobRef) => ({
      mediaType: ref.mediaType,
      size: ref.size,
      digest: ref.digest,
    })
    return JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: descriptor(this.config),
      layers: [descriptor(this.layer)],
      annotations: {
        'org.opencontainers.image.version': this.tagOf(i) ?? `untagged-${SCALE_IMAGE_COUNT - i}`,
        'org.opencontainers.image.revision': mix(i ^ 0x5bd1e995)
          .toString(16)
          .padStart(8, '0'),
      },
    })
  }

  private digestOf(i: number): string {
    let digest = this.digests[i]
    if (digest === undefined) {
      digest = sha256Digest(this.manifestOf(i))
      this.digests[i] = digest
    }
    return digest
  }

  private record(i: number): ImageRecord {
    const bits = mix(i * 7 + 3)
    const tag = this.tagOf(i)
    // Roughly one push every 20 minutes, newest first, with some jitter.
    const pushedAt = new Date(SEED_EPOCH.getTime() - i * 20 * MINUTE - (bits % (10 * MINUTE)))
    const scan: ScanInfo | undefined =
      bits % 10 < 3
        ? {
            status: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
            findings: {
              imageScanCompletedAt: new Date(pushedAt.getTime() + 5 * MINUTE),
              vulnerabilitySourceUpdatedAt: new Date(pushedAt.getTime() - 60 * MINUTE),
              findingSeverityCounts: {
                HIGH: (bits >>> 4) % 4,
                MEDIUM: (bits >>> 8) % 9,
                LOW: (bits >>> 12) % 15,
              },
            },
          }
        : undefined
    return {
      repositoryName: this.repositoryName,
      imageDigest: this.digestOf(i),
      imageTags: tag === undefined ? [] : [tag],
      imageManifest: this.manifestOf(i),
      imageManifestMediaType: MEDIA_TYPES.ociManifest,
      artifactMediaType: this.config.mediaType,
      // Synthetic: spread between ~20 MB and ~900 MB, not the tiny manifest's real total.
      imageSizeInBytes: 20_000_000 + (bits % 880_000_000),
      imagePushedAt: pushedAt,
      ...(i < 500 ? { lastRecordedPullTime: new Date(pushedAt.getTime() + 30 * MINUTE) } : {}),
      ...(scan ? { scan } : {}),
      config: this.config,
      layers: [this.layer],
      children: [],
    }
  }
}
