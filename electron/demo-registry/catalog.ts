import { SEED_EPOCH } from './data'
import { StaticImageCollection, statusOf } from './images'
import type { BlobRef, ImageCollection, ImageRecord } from './images'
import type { SampleSet, UncachedUpstreamImage } from './samples/index'

/** What BatchCheckLayerAvailability reports for a blob. */
export type LayerAvailability = 'AVAILABLE' | 'UNAVAILABLE' | 'ARCHIVED'

/** Where a blob's bytes come from: memory, or generated on the fly from a seed. */
export type BlobSource =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'synthetic'; readonly seed: string; readonly size: number }

/** A blob as one repository knows it. */
export interface RepositoryBlob {
  readonly ref: BlobRef
  readonly availability: LayerAvailability
  /** Referenced by a manifest; stored but unreferenced (orphan); or living outside ECR (foreign). */
  readonly kind: 'referenced' | 'orphan' | 'foreign'
  /** The push time of the oldest image that references it: the blob's Last-Modified. */
  readonly lastModified: Date
  /** Every image that references it is archived (or still being restored): none can be pulled. */
  readonly inArchivedImagesOnly?: true
}

const EMPTY = new StaticImageCollection()

/** One registry's images and blobs: the shared samples plus whatever a test added to it. */
export class ImageCatalog {
  private readonly collections = new Map<string, ImageCollection>()
  private readonly extraBlobs = new Map<string, BlobSource>()
  private readonly blobIndexes = new Map<string, Map<string, RepositoryBlob>>()

  /** Copies the sample lists, so adding an image to one registry never touches another. */
  constructor(private readonly samples: SampleSet) {
    for (const [name, images] of samples.images) {
      this.collections.set(name, new StaticImageCollection(images))
    }
    this.collections.set(samples.scale.repositoryName, samples.scale)
  }

  /** The images of a repository; empty for a repository without any. */
  collection(repositoryName: string): ImageCollection {
    return this.collections.get(repositoryName) ?? EMPTY
  }

  /** Whether addImage may change this repository (generated ones are fixed). */
  acceptsImages(repositoryName: string): boolean {
    const existing = this.collections.get(repositoryName)
    return !existing || existing instanceof StaticImageCollection
  }

  /** Adds an image (tags move off older images, as in a MUTABLE repository). */
  addImage(image: ImageRecord): void {
    const existing = this.collections.get(image.repositoryName)
    if (existing && !(existing instanceof StaticImageCollection)) {
      throw new Error(`${image.repositoryName} is generated and does not accept new images`)
    }
    const collection = existing ?? new StaticImageCollection()
    collection.add(image)
    this.collections.set(image.repositoryName, collection)
    this.blobIndexes.delete(image.repositoryName)
  }

  /** Stores a blob's bytes (or its generator) by digest. */
  addBlob(digest: string, source: BlobSource): void {
    this.extraBlobs.set(digest, source)
  }

  /** Where the bytes of `digest` come from, if the registry stores them at all. */
  blobSource(digest: string): BlobSource | undefined {
    const extra = this.extraBlobs.get(digest)
    if (extra) return extra
    const bytes = this.samples.blobs.get(digest)
    return bytes ? { kind: 'bytes', bytes } : undefined
  }

  /** A blob as `repositoryName` knows it: referenced by its manifests, or an orphan stored in it. */
  repositoryBlob(repositoryName: string, digest: string): RepositoryBlob | undefined {
    return this.blobIndex(repositoryName).get(digest)
  }

  /** The image a pull-through cache repository could fetch upstream but has not cached. */
  uncachedUpstreamImage(repositoryName: string): UncachedUpstreamImage | undefined {
    return this.samples.upstreamOnly.get(repositoryName)
  }

  private describe(
    ref: BlobRef,
    image: ImageRecord,
    archived: ReadonlySet<string>,
  ): RepositoryBlob {
    // A foreign layer's bytes live at its `urls`; ECR has nothing to serve for it.
    const foreign = ref.urls !== undefined && !this.blobSource(ref.digest)
    return {
      ref,
      availability: foreign ? 'UNAVAILABLE' : archived.has(ref.digest) ? 'ARCHIVED' : 'AVAILABLE',
      kind: foreign ? 'foreign' : 'referenced',
      lastModified: image.imagePushedAt,
    }
  }

  private blobIndex(repositoryName: string): Map<string, RepositoryBlob> {
    let index = this.blobIndexes.get(repositoryName)
    if (index) return index
    index = new Map()
    const collection = this.collection(repositoryName)
    const archived = new Set(this.samples.archived.get(repositoryName) ?? [])
    if (collection === this.samples.scale) {
      // 50,000 manifests share these two blobs; walking them all would be wasted work.
      const oldest = collection.imageAt('ANY', collection.imageCount('ANY') - 1).imagePushedAt
      for (const ref of collection.blobRefs()) {
        index.set(ref.digest, {
          ref,
          availability: 'AVAILABLE',
          kind: 'referenced',
          lastModified: oldest,
        })
      }
    } else {
      // Oldest image first, so each blob's Last-Modified is its first push.
      for (let n = collection.imageCount('ANY') - 1; n >= 0; n--) {
        const image = collection.imageAt('ANY', n)
        const active = statusOf(image) === 'ACTIVE'
        for (const ref of [...(image.config ? [image.config] : []), ...image.layers]) {
          const known = index.get(ref.digest)
          if (!known) {
            const blob = this.describe(ref, image, archived)
            index.set(
              ref.digest,
              active ? blob : { ...blob, availability: 'ARCHIVED', inArchivedImagesOnly: true },
            )
          } else if (active && known.inArchivedImagesOnly) {
            // A newer ACTIVE image makes it pullable again; Last-Modified stays the first push.
            const blob = this.describe(ref, image, archived)
            index.set(ref.digest, { ...blob, lastModified: known.lastModified })
          }
        }
      }
    }
    for (const digest of this.samples.orphans.get(repositoryName) ?? []) {
      const bytes = this.samples.blobs.get(digest)
      if (!bytes || index.has(digest)) continue
      index.set(digest, {
        ref: { digest, size: bytes.length, mediaType: 'application/octet-stream' },
        availability: 'AVAILABLE',
        kind: 'orphan',
        // Never pushed as part of an image; S3 would still report its upload time.
        lastModified: SEED_EPOCH,
      })
    }
    this.blobIndexes.set(repositoryName, index)
    return index
  }
}
