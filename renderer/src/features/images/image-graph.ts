import { legacyCosignTag } from '../../../../shared/cosign-legacy-tag'
import type { ImageManifest, ImageStatus, ImageSummary } from '../../../../shared/models/image'
import { platformLabel } from '../image-page/image-detail'

/** What hangs on an image, in the words of its row's badges. */
export type ReferrerKind =
  'signed' | 'SBOM' | 'provenance' | 'attestation' | 'SOCI index' | 'artifact'

const KIND_ORDER: readonly ReferrerKind[] = [
  'signed',
  'SBOM',
  'provenance',
  'attestation',
  'SOCI index',
  'artifact',
]

/** The subject a cosign legacy tag names, and what the tag says the artifact is. */
export function legacyReferrer(tag: string): { subject: string; kind: ReferrerKind } | null {
  const legacy = legacyCosignTag(tag)
  if (!legacy) return null
  const kind = legacy.kind === 'sig' ? 'signed' : legacy.kind === 'sbom' ? 'SBOM' : 'attestation'
  return { subject: legacy.subjectDigest, kind }
}

/** What a referrer is, from its artifact type (OCI 1.1) or its legacy tag. */
export function referrerKind(
  artifactType: string | null,
  tags: readonly string[] = [],
): ReferrerKind {
  for (const tag of tags) {
    const legacy = legacyReferrer(tag)
    if (legacy) return legacy.kind
  }
  const type = (artifactType ?? '').toLowerCase()
  if (/signature|cosign\.artifact\.sig|sigstore\.bundle|notary/.test(type)) return 'signed'
  if (/spdx|cyclonedx|sbom|syft/.test(type)) return 'SBOM'
  if (/provenance|slsa/.test(type)) return 'provenance'
  if (/in-toto|dsse|attestation/.test(type)) return 'attestation'
  if (/soci/.test(type)) return 'SOCI index'
  return 'artifact'
}

/** "signed · SBOM · provenance": each kind once, in a fixed order. */
export function kindsLabel(kinds: readonly ReferrerKind[]): string {
  return KIND_ORDER.filter((k) => kinds.includes(k)).join(' · ')
}

/** One row of the grouped list. */
export interface ImageRow {
  image: ImageSummary
  /** The referrers shown under this image instead of as rows of their own. */
  referrers: ImageSummary[]
  kinds: ReferrerKind[]
  /** The platform children of this index that are listed in the repository. */
  children: ImageSummary[]
  /** For a row shown flat: what it belongs to, such as "linux/arm64 of latest". */
  partOf: string | null
  /** Untagged, no index lists it and it refers to nothing: lifecycle rules usually expire these. */
  dangling: boolean
}

/** One platform child an index manifest lists, as the grouping needs it. */
export interface IndexChild {
  indexDigest: string
  /** "linux/arm64/v8 of latest", "attestation of latest". */
  label: string
}

const indexName = (index: ImageSummary): string =>
  index.tags[0] ?? `${index.digest.slice(0, 'sha256:'.length + 12)}…`

/**
 * The children every fetched index manifest lists: child digest -> its index and platform. An
 * index whose manifest is not (yet) fetched contributes nothing; its children stay rows.
 */
export function indexChildren(
  indexes: readonly { image: ImageSummary; manifest: ImageManifest | undefined }[],
): Map<string, IndexChild> {
  const children = new Map<string, IndexChild>()
  for (const { image, manifest } of indexes) {
    if (manifest?.kind !== 'index') continue
    for (const entry of manifest.platforms) {
      if (children.has(entry.digest)) continue
      const what = entry.attestation ? 'attestation' : platformLabel(entry)
      children.set(entry.digest, {
        indexDigest: image.digest,
        label: `${what} of ${indexName(image)}`,
      })
    }
  }
  return children
}

/** The subject of a referrer: its subjectManifestDigest, or the digest its legacy tag names. */
export function subjectOf(image: ImageSummary): string | null {
  if (image.subjectDigest) return image.subjectDigest
  for (const tag of image.tags) {
    const legacy = legacyReferrer(tag)
    if (legacy) return legacy.subject
  }
  return null
}

/** Who is under whom, worked out once per listing (never per keystroke). */
export interface ImageGraph {
  /** The row of a listed image: made once, so filtering only looks rows up. */
  row: (image: ImageSummary) => ImageRow
  /** Whether any image is placed under another (a referrer or a platform child). */
  grouped: boolean
}

// What an image says about itself, and its row when nothing hangs on it and it hangs on nothing
// (nearly every image): worked out once per image object. The list keeps the same objects as
// pages arrive, so a page of 1000 costs its own images, not another pass over the 49,000 before
// it, and an unchanged row stays the same object (the table's memoized rows skip it).
interface ImageFacts {
  subject: string | null
  plain: ImageRow
  dangling: ImageRow | null
}
const FACTS = new WeakMap<ImageSummary, ImageFacts>()
const NO_KINDS: ReferrerKind[] = []

function factsOf(image: ImageSummary): ImageFacts {
  let facts = FACTS.get(image)
  if (facts === undefined) {
    const plain: ImageRow = {
      image,
      referrers: NONE,
      kinds: NO_KINDS,
      children: NONE,
      partOf: null,
      dangling: false,
    }
    facts = { subject: subjectOf(image), plain, dangling: null }
    FACTS.set(image, facts)
  }
  return facts
}

/**
 * One pass over what DescribeImages returned (no call per image): referrers go under their
 * subject, untagged platform children under their index. A referrer whose subject is not listed,
 * or a child whose index is not, stays a row of its own so nothing disappears. Only with
 * `childrenKnown` (every index manifest read) is an untagged image called dangling.
 */
export function buildGraph(
  images: readonly ImageSummary[],
  indexed: ReadonlyMap<string, IndexChild>,
  childrenKnown: boolean,
): ImageGraph {
  // Only referrers, platform children and what they hang on need more than their plain row.
  const referrerImages: ImageSummary[] = []
  const wanted = new Set<string>()
  for (const image of images) {
    const { subject } = factsOf(image)
    if (subject !== null && subject !== image.digest) {
      referrerImages.push(image)
      wanted.add(subject)
    }
  }
  for (const child of indexed.values()) wanted.add(child.indexDigest)
  const listed = new Map<string, ImageSummary>()
  const childImages: ImageSummary[] = []
  // Nothing wanted means no referrer and no index child: no second pass.
  if (wanted.size > 0) {
    for (const image of images) {
      if (wanted.has(image.digest)) listed.set(image.digest, image)
      if (indexed.has(image.digest) && image.tags.length === 0) childImages.push(image)
    }
  }

  const placed = new Map<string, string>()
  const referrers = new Map<string, ImageSummary[]>()
  const children = new Map<string, ImageSummary[]>()
  // Every image placed or with something placed under it: the only rows made here.
  const involved = new Map<string, ImageSummary>()
  for (const image of referrerImages) {
    const subjectImage = listed.get(factsOf(image).subject!)
    if (!subjectImage) continue
    push(referrers, subjectImage.digest, image)
    involved.set(image.digest, image).set(subjectImage.digest, subjectImage)
    const kind = referrerKind(image.artifactMediaType, image.tags)
    placed.set(image.digest, `${kind} of ${indexName(subjectImage)}`)
  }
  for (const image of childImages) {
    const child = indexed.get(image.digest)!
    const index = listed.get(child.indexDigest)
    if (placed.has(image.digest) || !index) continue
    push(children, index.digest, image)
    involved.set(image.digest, image).set(index.digest, index)
    placed.set(image.digest, child.label)
  }

  const special = new Map<string, ImageRow>()
  const dangling = (image: ImageSummary, partOf: string | null): boolean =>
    // Until every index manifest is read, an untagged image may still be a platform child.
    childrenKnown &&
    image.tags.length === 0 &&
    partOf === null &&
    factsOf(image).subject === null &&
    !indexed.has(image.digest)
  for (const [digest, image] of involved) {
    const partOf = placed.get(digest) ?? null
    const attached = referrers.get(digest) ?? NONE
    special.set(digest, {
      image,
      referrers: attached,
      kinds:
        attached.length === 0
          ? NO_KINDS
          : [...new Set(attached.map((r) => referrerKind(r.artifactMediaType, r.tags)))],
      children: children.get(digest) ?? NONE,
      partOf,
      dangling: dangling(image, partOf),
    })
  }
  return {
    grouped: placed.size > 0,
    row(image) {
      const row = special.get(image.digest)
      if (row) return row
      const facts = factsOf(image)
      if (!dangling(image, null)) return facts.plain
      return (facts.dangling ??= { ...facts.plain, dangling: true })
    },
  }
}

/**
 * The rows to show for `images` (already filtered and sorted): grouped under their subject or
 * index, or with `flat` every image a row saying what it is part of.
 */
export function graphRows(
  images: readonly ImageSummary[],
  graph: ImageGraph,
  flat: boolean,
): ImageRow[] {
  const rows: ImageRow[] = []
  for (const image of images) {
    const row = graph.row(image)
    if (flat || row.partOf === null) rows.push(row)
  }
  return rows
}

const NONE: ImageSummary[] = []

/** buildGraph and graphRows in one, for a listing shown whole. */
export function groupImages(
  images: readonly ImageSummary[],
  indexed: ReadonlyMap<string, IndexChild>,
  options: { flat: boolean; childrenKnown: boolean },
): ImageRow[] {
  return graphRows(images, buildGraph(images, indexed, options.childrenKnown), options.flat)
}

function push(map: Map<string, ImageSummary[]>, key: string, image: ImageSummary): void {
  const list = map.get(key)
  if (list) list.push(image)
  else map.set(key, [image])
}

/** "Archived", "Activating", "Active". */
export function statusLabel(status: ImageStatus): string {
  return status === 'ARCHIVED' ? 'Archived' : status === 'ACTIVATING' ? 'Activating' : 'Active'
}

/** The command that restores an archived image; the app itself only reads. */
export function restoreCommand(repositoryName: string, digest: string): string {
  return `aws ecr update-image-storage-class --repository-name ${repositoryName} --image-id imageDigest=${digest} --target-storage-class STANDARD`
}
