import { describe, expect, it } from 'vitest'
import type { MergedEntry } from '../../../../shared/models/layer-contents'
import { globToRegExp, pathMatcher } from './glob'
import {
  contentsDiffPath,
  contentsImagePath,
  contentsLayerPath,
  parseContentsRoute,
} from './routes'
import { ancestors, buildTree, searchRows, sortTree, visibleRows } from './tree'

const entry = (path: string, extra: Partial<MergedEntry> = {}): MergedEntry => ({
  path,
  type: 'file',
  size: 1,
  mode: 0o644,
  uid: 0,
  gid: 0,
  uname: 'root',
  gname: 'root',
  mtime: 0,
  layer: 0,
  change: 'added',
  ...extra,
})

const sample = [
  entry('etc', { type: 'directory', size: 0 }),
  entry('etc/passwd', { size: 100 }),
  entry('etc/app/config.yaml', { size: 40 }),
  entry('usr/bin/app', { size: 5000 }),
  entry('tmp/build-cache.bin', { size: 204_800, change: 'deleted', layer: 1, deletedBy: 2 }),
]

describe('the file tree', () => {
  it('creates implied folders and adds up folder totals of live files', () => {
    const tree = buildTree(sample)
    expect(tree.byPath.get('etc')!.size).toBe(140)
    expect(tree.byPath.get('etc/app')!.entry).toBeNull()
    expect(tree.byPath.get('usr')!.size).toBe(5000)
    expect(tree.byPath.get('tmp')!.size).toBe(0)
    expect(tree.byPath.get('tmp')!.deletedCount).toBe(1)
    expect(tree.root.size).toBe(5140)
  })

  it('shows expanded folders, sorted by name or by size, with or without deleted files', () => {
    const tree = buildTree(sample)
    sortTree(tree, 'name')
    const expanded = new Set(['etc', 'tmp'])
    expect(visibleRows(tree, expanded, true).map((n) => n.path)).toEqual([
      'etc',
      'etc/app',
      'etc/passwd',
      'tmp',
      'tmp/build-cache.bin',
      'usr',
    ])
    expect(visibleRows(tree, expanded, false).map((n) => n.path)).toEqual([
      'etc',
      'etc/app',
      'etc/passwd',
      'usr',
    ])
    sortTree(tree, 'size')
    expect(visibleRows(tree, new Set(), true).map((n) => n.path)).toEqual(['usr', 'etc', 'tmp'])
  })

  it('finds paths by text or glob', () => {
    const tree = buildTree(sample)
    const find = (q: string) => searchRows(tree, pathMatcher(q)!, true, 'name').map((n) => n.path)
    expect(find('CONFIG')).toEqual(['etc/app/config.yaml'])
    expect(find('*.bin')).toEqual(['tmp/build-cache.bin'])
    expect(find('etc/*')).toEqual(['etc/app', 'etc/passwd'])
    expect(find('etc/**')).toEqual(['etc/app', 'etc/app/config.yaml', 'etc/passwd'])
    expect(find('**/app')).toEqual(['etc/app', 'usr/bin/app'])
    expect(pathMatcher('   ')).toBeNull()
  })

  // Correct at scale; how fast is for a benchmark, not a timed test on a shared machine.
  it('finds the matches of a glob among 100,000 paths', () => {
    const big = Array.from({ length: 100_000 }, (_, i) =>
      entry(`d${i % 300}/sub${i % 7}/file-${i}.txt`),
    )
    const tree = buildTree(big)
    const rows = searchRows(tree, pathMatcher('*-4242?.txt')!, true, 'name')
    expect(rows.map((row) => row.path.split('/').at(-1)).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `file-4242${i}.txt`),
    )
  })

  it('lists the folders above a path', () => {
    expect(ancestors('a/b/c.txt')).toEqual(['a', 'a/b'])
  })

  it('turns globs into anchored expressions', () => {
    expect(globToRegExp('*.so').test('libc.so')).toBe(true)
    expect(globToRegExp('*.so').test('lib/libc.so')).toBe(false)
    expect(globToRegExp('lib[0-9].txt').test('lib7.txt')).toBe(true)
    expect(globToRegExp('a+b(c).txt').test('a+b(c).txt')).toBe(true)
  })
})

describe('contents routes', () => {
  it('round-trips image, layer and diff routes', () => {
    const digest = `sha256:${'a'.repeat(64)}`
    const parse = (path: string) => {
      const url = new URL(`http://x${path}`)
      return parseContentsRoute(
        decodeURIComponent(url.pathname.slice('/contents/'.length)),
        url.searchParams,
      )
    }
    expect(parse(contentsImagePath('team/web-app', '1.2.0'))).toEqual({
      view: 'image',
      repositoryName: 'team/web-app',
      ref: '1.2.0',
      layer: null,
      only: false,
      select: null,
    })
    expect(parse(contentsImagePath('team/web-app', digest, 2))).toMatchObject({
      ref: digest,
      layer: 2,
    })
    const layer = { digest, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', size: 99 }
    expect(parse(contentsLayerPath('a/b', layer))).toEqual({
      view: 'layer',
      repositoryName: 'a/b',
      layer,
      image: null,
    })
    expect(parse(contentsDiffPath('a/b', '1.1.0', '1.2.0', 'etc/app'))).toEqual({
      view: 'diff',
      repositoryName: 'a/b',
      from: '1.1.0',
      to: '1.2.0',
      path: 'etc/app',
      file: null,
    })
    expect(parse(contentsDiffPath('a/b', layer, { ...layer, size: null }))).toMatchObject({
      from: layer,
      to: { ...layer, size: null },
    })
  })
})
