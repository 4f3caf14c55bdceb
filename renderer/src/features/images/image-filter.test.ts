import { describe, expect, it } from 'vitest'
import type { ImageSummary } from '../../../../shared/models/image'
import {
  createImageFilter,
  createImageSorter,
  filterImages,
  imageCountLabel,
  imagesEmptyMessage,
  narrows,
  parseImageFilter,
  sortImages,
  sortMore,
  sortTag,
} from './image-filter'

const hex = (seed: string) => seed.repeat(64).slice(0, 64)

const image = (
  seed: string,
  tags: string[],
  pushedAt: string | null,
  sizeInBytes: number | null,
): ImageSummary => ({
  digest: `sha256:${hex(seed)}`,
  tags,
  pushedAt,
  sizeInBytes,
  manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
  artifactMediaType: null,
  lastRecordedPullTime: null,
  scanStatus: null,
  scanFindings: null,
  imageStatus: 'ACTIVE',
  lastArchivedAt: null,
  lastActivatedAt: null,
  subjectDigest: null,
})

const images = [
  image('a1', ['1.9', 'stable'], '2025-01-02T00:00:00Z', 300),
  image('b2', ['1.10'], '2025-01-03T00:00:00Z', 100),
  image('c3', [], '2025-01-04T00:00:00Z', 500),
  image('d4', ['latest', '2.0'], '2025-01-01T00:00:00Z', null),
  image('e5', [], null, 200),
]

const seeds = (list: readonly ImageSummary[]) => list.map((i) => i.digest.slice(7, 9))

describe('sortImages', () => {
  it('sorts by push date, newest first, undated last', () => {
    expect(seeds(sortImages(images, 'pushed'))).toEqual(['c3', 'b2', 'a1', 'd4', 'e5'])
  })

  it('sorts by size, largest first, unknown sizes last', () => {
    expect(seeds(sortImages(images, 'size'))).toEqual(['c3', 'a1', 'e5', 'b2', 'd4'])
  })

  it('sorts by tag in version order, untagged last (newest first among them)', () => {
    expect(seeds(sortImages(images, 'tag'))).toEqual(['a1', 'b2', 'd4', 'c3', 'e5'])
    expect(sortTag(images[3]!)).toBe('2.0')
    expect(sortTag(images[2]!)).toBeNull()
  })

  it('does not change its input', () => {
    const copy = [...images]
    sortImages(images, 'size')
    expect(images).toEqual(copy)
  })
})

describe('sorting a listing that grows a page at a time', () => {
  // Pseudo-random pages with ties on every key (same push time, same size, same or no tag).
  const pages = Array.from({ length: 6 }, (_, page) =>
    Array.from({ length: 40 }, (_, i) => {
      const n = page * 40 + i
      const seed = ((n * 7919) % 251).toString(16).padStart(2, '0') + String(n)
      return image(
        seed,
        n % 5 === 0 ? [] : [`1.${(n * 31) % 12}`],
        n % 9 === 0 ? null : `2025-01-${String(1 + ((n * 13) % 4)).padStart(2, '0')}T00:00:00Z`,
        n % 7 === 0 ? null : ((n * 17) % 6) * 100,
      )
    }),
  )

  it.each(['pushed', 'size', 'tag'] as const)(
    'merges each new page into the same order a full sort gives (%s)',
    (sort) => {
      const sortInto = createImageSorter()
      let listed: ImageSummary[] = []
      for (const page of pages) {
        listed = [...listed, ...page]
        expect(sortInto(listed, sort)).toEqual(sortImages(listed, sort))
      }
    },
  )

  it("gives a full sort's order whether the listing grew, changed or changed its sort", () => {
    const first = sortMore(null, pages[0]!, 'pushed')
    const grown = sortMore(first, [...pages[0]!, ...pages[1]!], 'pushed')
    expect(grown.images).toEqual(sortImages([...pages[0]!, ...pages[1]!], 'pushed'))
    // A listing that does not start with the previous one (a refetch, another order): full sort.
    const other = [...pages[1]!, ...pages[0]!]
    expect(sortMore(grown, other, 'pushed').images).toEqual(sortImages(other, 'pushed'))
    expect(sortMore(grown, pages[2]!, 'size').images).toEqual(sortImages(pages[2]!, 'size'))
  })
})

describe('filterImages', () => {
  it('reads a digest prefix with or without the algorithm', () => {
    expect(parseImageFilter(' sha256:AB ')).toEqual({
      tag: null,
      digestHex: 'ab',
      algorithm: 'sha256',
    })
    expect(parseImageFilter('c3c')).toEqual({ tag: 'c3c', digestHex: 'c3c', algorithm: null })
    expect(parseImageFilter('latest')).toEqual({ tag: 'latest', digestHex: null, algorithm: null })
    expect(parseImageFilter('  ')).toBeNull()
  })

  it('matches a tag substring, ignoring case', () => {
    expect(seeds(filterImages(images, 'STAB'))).toEqual(['a1'])
    expect(seeds(filterImages(images, '1.'))).toEqual(['a1', 'b2'])
    expect(seeds(filterImages(images, 'lat'))).toEqual(['d4'])
  })

  it('matches a digest prefix, with or without sha256:', () => {
    expect(seeds(filterImages(images, 'sha256:c3c3'))).toEqual(['c3'])
    expect(seeds(filterImages(images, 'e5e5e5'))).toEqual(['e5'])
    // A prefix, not a substring: "3c3" is inside c3's digest but does not start it.
    expect(seeds(filterImages(images, '3c3'))).toEqual([])
    expect(seeds(filterImages(images, 'sha512:c3'))).toEqual([])
    expect(seeds(filterImages(images, 'sha256:'))).toHaveLength(5)
  })

  it('matches either a tag or a digest for text that could be both', () => {
    const both = [...images, image('ff', ['add1'], null, 1)]
    expect(seeds(filterImages(both, 'a'))).toEqual(['a1', 'd4', 'ff'])
  })

  it('returns the same list for a blank filter', () => {
    expect(filterImages(images, '')).toBe(images)
  })
})

describe('createImageFilter', () => {
  const many = [
    ...images,
    image('ab', ['build-12', 'x'], null, 1),
    image('ac', ['build-123'], null, 1),
    image('bb', ['build-2'], null, 1),
  ]

  it('knows which filters narrow the previous one', () => {
    const p = (text: string) => parseImageFilter(text)!
    expect(narrows(p('build'), p('build-1'))).toBe(true)
    expect(narrows(p('uild'), p('build'))).toBe(true)
    expect(narrows(p('build-1'), p('build-'))).toBe(false)
    expect(narrows(p('a'), p('ab'))).toBe(true)
    expect(narrows(p('ab'), p('sha256:ab1'))).toBe(true)
    expect(narrows(p('sha256:ab'), p('sha256:ab1'))).toBe(true)
    // "ab" also matched tags; "sha256:ab" cannot widen past it, but "b" does.
    expect(narrows(p('ab'), p('b'))).toBe(false)
    // Tag-only text never matched digests, so a digest filter cannot narrow it.
    expect(narrows(p('build'), p('sha256:ab'))).toBe(false)
    expect(narrows(p('sha256:ab'), p('ab1'))).toBe(false)
  })

  it('gives what filterImages gives, while typing, erasing and jumping around', () => {
    const filter = createImageFilter(many)
    const texts = [
      'b',
      'bu',
      'build',
      'build-',
      'build-1',
      'build-12',
      'build-123',
      'build-12',
      'build-1',
      'build',
      'a',
      'ab',
      'abab',
      'sha256:',
      'sha256:a',
      'sha256:ac',
      'ac',
      'c3',
      '',
      'x',
      'STAB',
    ]
    for (const text of texts) {
      expect(seeds(filter(text)), text).toEqual(seeds(filterImages(many, text)))
    }
    expect(filter('')).toBe(many)
  })

  it('answers a text seen before from memory', () => {
    const filter = createImageFilter(many)
    const first = filter('build-1')
    filter('build-12')
    expect(filter('build-1')).toBe(first)
  })
})

describe('labels', () => {
  it('counts images for each tag status', () => {
    expect(imageCountLabel(50_000, 50_000, false, 'ANY')).toBe('50,000 images')
    expect(imageCountLabel(12, 50_000, true, 'ANY')).toBe('12 of 50,000 images')
    expect(imageCountLabel(1, 1, false, 'UNTAGGED')).toBe('1 untagged image')
    expect(imageCountLabel(0, 3, true, 'TAGGED')).toBe('0 of 3 tagged images')
  })

  it('explains an empty list', () => {
    expect(imagesEmptyMessage('', 'ANY')).toBe('No images in this repository')
    expect(imagesEmptyMessage('', 'UNTAGGED')).toBe('No untagged images in this repository')
    expect(imagesEmptyMessage(' v9 ', 'TAGGED')).toBe('No images match "v9"')
  })
})
