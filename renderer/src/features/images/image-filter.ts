import type { ImageSummary, TagStatus } from '../../../../shared/models/image'
import type { ImageSort } from '../../../../shared/models/settings'
import { formatCount, pluralize } from '../../components/format'

// Tags sort as people read versions: "1.10" after "1.9". A fixed locale keeps the order the same
// on every machine.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

// Sort keys are worked out once per image object (the list keeps the same objects as pages
// arrive and between sorts), never inside a comparison: 50,000 images make ~800,000 of those.
interface SortKeys {
  pushed: number
  tag: string | null
}
const sortKeys = new WeakMap<ImageSummary, SortKeys>()
const keysOf = (image: ImageSummary): SortKeys => {
  let keys = sortKeys.get(image)
  if (keys === undefined) {
    const pushed = image.pushedAt ? Date.parse(image.pushedAt) : Number.NaN
    keys = {
      pushed: Number.isNaN(pushed) ? Number.NEGATIVE_INFINITY : pushed,
      tag: sortTag(image),
    }
    sortKeys.set(image, keys)
  }
  return keys
}

/** An image with its sort keys. */
export interface Keyed {
  image: ImageSummary
  keys: SortKeys
}

const byPushed = (a: Keyed, b: Keyed): number => {
  const difference = b.keys.pushed - a.keys.pushed
  if (difference !== 0) return difference > 0 ? 1 : -1
  return a.image.digest < b.image.digest ? -1 : a.image.digest > b.image.digest ? 1 : 0
}

/** The tag an image sorts by: its first in version order, or null when untagged. */
export function sortTag(image: ImageSummary): string | null {
  let first: string | null = null
  for (const tag of image.tags) if (first === null || collator.compare(tag, first) < 0) first = tag
  return first
}

const bySize = (a: Keyed, b: Keyed): number => {
  const difference = (b.image.sizeInBytes ?? -1) - (a.image.sizeInBytes ?? -1)
  return difference !== 0 ? difference : byPushed(a, b)
}

const byTag = (a: Keyed, b: Keyed): number => {
  if (a.keys.tag === null || b.keys.tag === null) {
    if (a.keys.tag !== b.keys.tag) return a.keys.tag === null ? 1 : -1
    return byPushed(a, b)
  }
  return collator.compare(a.keys.tag, b.keys.tag) || byPushed(a, b)
}

const COMPARE: Record<ImageSort, (a: Keyed, b: Keyed) => number> = {
  pushed: byPushed,
  size: bySize,
  tag: byTag,
}

const keyedOf = (image: ImageSummary): Keyed => ({ image, keys: keysOf(image) })

/**
 * A sorted copy: newest push first, largest first, or by tag in version order (untagged last).
 * Ties fall back to newest push, then digest, so the order is stable between fetches.
 */
export function sortImages(images: readonly ImageSummary[], sort: ImageSort): ImageSummary[] {
  return sortMore(null, images, sort).images
}

/** A sorted listing, kept so the next page can be merged in (sortMore). */
export interface SortedImages {
  readonly input: readonly ImageSummary[]
  readonly sort: ImageSort
  readonly keyed: readonly Keyed[]
  readonly images: ImageSummary[]
}

/**
 * sortImages for a listing that grows a page at a time: when `images` starts with the images
 * `previous` sorted (the same objects, in the same order), only the new ones are sorted and then
 * merged in, so the 50th page of 1000 costs a merge, not a sort of 50,000. Anything else sorts
 * from scratch. The result is the same as sortImages(images, sort) either way.
 */
export function sortMore(
  previous: SortedImages | null,
  images: readonly ImageSummary[],
  sort: ImageSort,
): SortedImages {
  const compare = COMPARE[sort]
  const from = previous !== null && grewFrom(previous, images, sort) ? previous.input.length : 0
  const added = (from === 0 ? images : images.slice(from)).map(keyedOf).sort(compare)
  const keyed = from === 0 ? added : merge(previous!.keyed, added, compare)
  return { input: images, sort, keyed, images: keyed.map((entry) => entry.image) }
}

/**
 * sortMore with its last result kept: one per list, called with the listing as it grows (results
 * as sortImages' for every call).
 */
export function createImageSorter(): (
  images: readonly ImageSummary[],
  sort: ImageSort,
) => ImageSummary[] {
  let last: SortedImages | null = null
  return (images, sort) => (last = sortMore(last, images, sort)).images
}

/** Whether `images` is `previous`'s listing with more appended, to sort the same way. */
function grewFrom(previous: SortedImages, images: readonly ImageSummary[], sort: ImageSort) {
  const before = previous.input
  if (previous.sort !== sort || before.length === 0 || images.length < before.length) return false
  for (let i = 0; i < before.length; i++) if (images[i] !== before[i]) return false
  return true
}

/** Two sorted runs into one; on a tie the earlier run's entry comes first, as a stable sort's. */
function merge(a: readonly Keyed[], b: readonly Keyed[], compare: (x: Keyed, y: Keyed) => number) {
  const out: Keyed[] = new Array<Keyed>(a.length + b.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < a.length && j < b.length) out[k++] = compare(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!
  while (i < a.length) out[k++] = a[i++]!
  while (j < b.length) out[k++] = b[j++]!
  return out
}

/** What the filter text asks for. */
export interface ImageFilter {
  /** Lower-case text to find in a tag, or null when the filter can only be a digest. */
  tag: string | null
  /** Lower-case hex digits a digest must start with, or null when the filter cannot be one. */
  digestHex: string | null
  /** The algorithm typed before ":" ("sha256"), when one was. */
  algorithm: string | null
}

/**
 * Reads the filter: "sha256:ab12" and "ab12" are digest prefixes; anything is also a tag
 * substring unless it names an algorithm. Returns null for a blank filter.
 */
export function parseImageFilter(text: string): ImageFilter | null {
  const needle = text.trim().toLowerCase()
  if (needle === '') return null
  const digest = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([0-9a-f]*)$/.exec(needle)
  if (digest) return { tag: null, digestHex: digest[2]!, algorithm: digest[1]! }
  return { tag: needle, digestHex: /^[0-9a-f]+$/.test(needle) ? needle : null, algorithm: null }
}

// Lower-cased tags, computed once per image object (the list keeps the same objects between
// keystrokes), so a keystroke over 50,000 images does no string building.
const tagKeys = new WeakMap<ImageSummary, string>()
const tagKey = (image: ImageSummary): string => {
  let key = tagKeys.get(image)
  if (key === undefined) {
    key = image.tags.join('\n').toLowerCase()
    tagKeys.set(image, key)
  }
  return key
}

/** Whether one image matches a parsed filter. */
export function matchesImage(image: ImageSummary, filter: ImageFilter): boolean {
  if (filter.tag !== null && tagKey(image).includes(filter.tag)) return true
  if (filter.digestHex === null) return false
  const colon = image.digest.indexOf(':')
  if (filter.algorithm !== null && image.digest.slice(0, colon) !== filter.algorithm) return false
  return image.digest.startsWith(filter.digestHex, colon + 1)
}

/** The images whose tag contains the filter or whose digest starts with it. */
export function filterImages(
  images: readonly ImageSummary[],
  text: string,
): readonly ImageSummary[] {
  const filter = parseImageFilter(text)
  if (filter === null) return images
  return images.filter((image) => matchesImage(image, filter))
}

/**
 * Whether every image matching `next` also matches `previous`, so `next` can search only the
 * previous matches: typing more of a tag or a digest narrows, erasing does not.
 */
export function narrows(previous: ImageFilter, next: ImageFilter): boolean {
  if (next.tag !== null && (previous.tag === null || !next.tag.includes(previous.tag))) return false
  if (next.digestHex === null) return true
  return (
    previous.digestHex !== null &&
    next.digestHex.startsWith(previous.digestHex) &&
    (previous.algorithm === null || previous.algorithm === next.algorithm)
  )
}

// Results kept per filter text: erasing back to an earlier text costs nothing.
const RESULT_CACHE = 24

/**
 * filterImages for one list, fast enough to run on every keystroke over 50,000 images: results
 * are remembered per text, and a filter that narrows the previous one searches only its matches.
 * Make a new one whenever the list changes. The list may hold images or anything that has one
 * (`imageOf`), such as the images table's rows.
 */
export function createImageFilter<T = ImageSummary>(
  items: readonly T[],
  imageOf: (item: T) => ImageSummary = (item) => item as unknown as ImageSummary,
): (text: string) => readonly T[] {
  const results = new Map<string, { filter: ImageFilter; matches: readonly T[] }>()
  let last: { filter: ImageFilter; matches: readonly T[] } | null = null
  return (text) => {
    const key = text.trim().toLowerCase()
    const filter = parseImageFilter(key)
    if (filter === null) return items
    let entry = results.get(key)
    if (entry) {
      results.delete(key)
    } else {
      const pool = last && narrows(last.filter, filter) ? last.matches : items
      entry = { filter, matches: pool.filter((item) => matchesImage(imageOf(item), filter)) }
      if (results.size >= RESULT_CACHE) results.delete(results.keys().next().value!)
    }
    results.set(key, entry)
    last = entry
    return entry.matches
  }
}

const NOUNS: Record<TagStatus, [string, string]> = {
  ANY: ['image', 'images'],
  TAGGED: ['tagged image', 'tagged images'],
  UNTAGGED: ['untagged image', 'untagged images'],
}

/** "50,000 images", "12 of 50,000 images", "3 untagged images". */
export function imageCountLabel(
  shown: number,
  total: number,
  filtering: boolean,
  tagStatus: TagStatus,
): string {
  const [singular, plural] = NOUNS[tagStatus]
  if (!filtering) return pluralize(total, singular, plural)
  return `${formatCount(shown)} of ${pluralize(total, singular, plural)}`
}

/** What the empty images table says. */
export function imagesEmptyMessage(filter: string, tagStatus: TagStatus): string {
  const trimmed = filter.trim()
  if (trimmed !== '') return `No images match "${trimmed}"`
  if (tagStatus === 'TAGGED') return 'No tagged images in this repository'
  if (tagStatus === 'UNTAGGED') return 'No untagged images in this repository'
  return 'No images in this repository'
}
