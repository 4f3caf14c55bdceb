import { describe, expect, it } from 'vitest'
import type { EntryType, LayerEntry } from '../models/layer-contents'
import { diffEntries } from './diff'
import { compareEntries, formatMode, normalizeEntryPath } from './entries'
import { mergeLayers } from './merge'

const e = (
  path: string,
  type: EntryType = 'file',
  extra: Partial<LayerEntry> = {},
): LayerEntry => ({
  path,
  type,
  size: type === 'file' ? 10 : 0,
  mode: type === 'directory' ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  uname: 'root',
  gname: 'root',
  mtime: 1000,
  ...extra,
})

const byPath = <T extends { path: string }>(entries: T[]) =>
  new Map(entries.map((x) => [x.path, x]))

describe('formatMode', () => {
  it('prints modes as ls -l does, with the type letter and special bits', () => {
    expect(formatMode('file', 0o755)).toBe('-rwxr-xr-x')
    expect(formatMode('directory', 0o750)).toBe('drwxr-x---')
    expect(formatMode('symlink', 0o777)).toBe('lrwxrwxrwx')
    expect(formatMode('file', 0o4755)).toBe('-rwsr-xr-x')
    expect(formatMode('file', 0o2644)).toBe('-rw-r-Sr--')
    expect(formatMode('directory', 0o1777)).toBe('drwxrwxrwt')
    expect(formatMode('char-device', 0o666)).toBe('crw-rw-rw-')
    expect(formatMode('block-device', 0o660)).toBe('brw-rw----')
    expect(formatMode('fifo', 0o600)).toBe('prw-------')
  })
})

describe('normalizeEntryPath', () => {
  it('drops ./ and / prefixes and trailing slashes, and flags absolute and .. names', () => {
    expect(normalizeEntryPath('./etc/passwd')).toEqual({ path: 'etc/passwd' })
    expect(normalizeEntryPath('usr/bin/')).toEqual({ path: 'usr/bin' })
    expect(normalizeEntryPath('/etc/shadow')).toEqual({
      path: 'etc/shadow',
      unsafe: 'absolute path',
    })
    expect(normalizeEntryPath('../../x')).toEqual({ path: 'x', unsafe: 'contains ".."' })
    expect(normalizeEntryPath('a/b/../../../c')).toEqual({ path: 'c', unsafe: 'contains ".."' })
    expect(normalizeEntryPath('./')).toEqual({ path: '' })
  })
})

describe('mergeLayers', () => {
  // Like demo/web-app 1.2.0: a base, a layer that adds a build cache, a layer that deletes it.
  const base = [
    e('etc', 'directory'),
    e('etc/app', 'directory'),
    e('etc/app/config.yaml', 'file', { size: 40, sha256: 'a' }),
    e('etc/app/old.conf', 'file', { size: 12 }),
    e('var/cache/app', 'directory'),
    e('var/cache/app/stale-1.bin', 'file', { size: 16 }),
    e('var/cache/app/stale-2.bin', 'file', { size: 16 }),
    e('usr/bin/app', 'file', { size: 1000 }),
  ]
  const wasteful = [e('tmp', 'directory'), e('tmp/build-cache.bin', 'file', { size: 204_800 })]
  const update = [
    e('etc/app', 'directory'),
    e('etc/app/config.yaml', 'file', { size: 900, sha256: 'b' }),
    e('etc/app/old.conf', 'whiteout'),
    e('tmp/build-cache.bin', 'whiteout'),
    e('var/cache/app', 'opaque'),
    e('var/cache/app', 'directory'),
    e('var/cache/app/fresh.json', 'file', { size: 14 }),
  ]
  const layers = [base, wasteful, update]

  it('keeps the last writer of every path, with added and modified badges', () => {
    const merged = byPath(mergeLayers(layers).entries)
    expect(merged.get('etc/app/config.yaml')).toMatchObject({
      layer: 2,
      change: 'modified',
      size: 900,
    })
    expect(merged.get('usr/bin/app')).toMatchObject({ layer: 0, change: 'added' })
    expect(merged.get('var/cache/app/fresh.json')).toMatchObject({ layer: 2, change: 'added' })
    // A directory re-listed with the same mode is not a change.
    expect(merged.get('etc/app')).toMatchObject({ layer: 2, change: 'unchanged' })
  })

  it('shows whiteouts and opaque directories as deletions by the layer that made them', () => {
    const merged = byPath(mergeLayers(layers).entries)
    expect(merged.get('tmp/build-cache.bin')).toMatchObject({
      change: 'deleted',
      layer: 1,
      deletedBy: 2,
      size: 204_800,
    })
    expect(merged.get('etc/app/old.conf')).toMatchObject({
      change: 'deleted',
      layer: 0,
      deletedBy: 2,
    })
    expect(merged.get('var/cache/app/stale-1.bin')).toMatchObject({
      change: 'deleted',
      deletedBy: 2,
    })
    expect(merged.get('var/cache/app/stale-2.bin')).toMatchObject({
      change: 'deleted',
      deletedBy: 2,
    })
    // The opaque directory itself stays, rewritten by the layer.
    expect(merged.get('var/cache/app')).toMatchObject({ layer: 2 })
    expect([...merged.values()].some((x) => x.type === ('whiteout' as never))).toBe(false)
  })

  it('counts bytes shadowed or deleted by later layers as wasted, per layer and per path', () => {
    const result = mergeLayers(layers)
    expect(result.wastedBytes).toBe(40 + 12 + 16 + 16 + 204_800)
    expect(result.wastedByLayer).toEqual([40 + 12 + 16 + 16, 204_800, 0])
    expect(result.wasted[0]).toEqual({ path: 'tmp/build-cache.bin', bytes: 204_800, layers: [1] })
    expect(result.liveBytes).toBe(900 + 1000 + 14)
  })

  it("shows one layer's own entries against the layers below, with what it deleted", () => {
    const view = byPath(mergeLayers(layers, { onlyLayer: 2 }).entries)
    expect(view.get('etc/app/config.yaml')).toMatchObject({ change: 'modified', layer: 2 })
    expect(view.get('var/cache/app/fresh.json')).toMatchObject({ change: 'added' })
    expect(view.get('tmp/build-cache.bin')).toMatchObject({ change: 'deleted', layer: 1 })
    expect(view.get('etc/app/old.conf')).toMatchObject({ change: 'deleted' })
    expect(view.has('usr/bin/app')).toBe(false)
    const first = byPath(mergeLayers(layers, { onlyLayer: 1 }).entries)
    expect(first.get('tmp/build-cache.bin')).toMatchObject({ change: 'added', layer: 1 })
    expect(first.size).toBe(2)
  })

  it('removes a whited-out directory with everything under it', () => {
    const merged = mergeLayers([
      [e('opt', 'directory'), e('opt/a', 'directory'), e('opt/a/b/c.txt'), e('opt/keep')],
      [e('opt/a', 'whiteout')],
    ])
    const live = merged.entries.filter((x) => x.change !== 'deleted').map((x) => x.path)
    expect(live.sort()).toEqual(['opt', 'opt/keep'])
    expect(
      merged.entries
        .filter((x) => x.change === 'deleted')
        .map((x) => x.path)
        .sort(),
    ).toEqual(['opt/a', 'opt/a/b/c.txt'])
  })

  it('lets a file replace a directory (taking its contents) and a directory replace a file', () => {
    const merged = byPath(
      mergeLayers([
        [e('x', 'directory'), e('x/inner', 'file', { size: 5 }), e('y', 'file', { size: 7 })],
        [e('x', 'file', { size: 3 }), e('y/child', 'file', { size: 1 })],
      ]).entries,
    )
    expect(merged.get('x')).toMatchObject({ type: 'file', change: 'modified' })
    expect(merged.get('x/inner')).toMatchObject({ change: 'deleted', deletedBy: 1 })
    expect(merged.get('y')).toMatchObject({ change: 'deleted', deletedBy: 1 })
    expect(merged.get('y/child')).toMatchObject({ change: 'added' })
  })

  it('brings back a path deleted by one layer and re-added by the next as added', () => {
    const merged = byPath(
      mergeLayers([
        [e('f', 'file', { size: 4 })],
        [e('f', 'whiteout')],
        [e('f', 'file', { size: 9 })],
      ]).entries,
    )
    expect(merged.get('f')).toMatchObject({ change: 'added', layer: 2, size: 9 })
  })

  it('applies a layer’s whiteouts only to the layers below, not to its own entries', () => {
    const merged = byPath(
      mergeLayers([
        [e('f', 'file', { size: 4 })],
        [e('f', 'file', { size: 6 }), e('f', 'whiteout')],
      ]).entries,
    )
    expect(merged.get('f')).toMatchObject({ layer: 1, size: 6 })
  })

  // Correct at scale; how fast is for a benchmark, not a timed test on a shared machine.
  it('merges 100,000 entries over three layers', () => {
    const big = Array.from({ length: 100_000 }, (_, i) => e(`d${i % 100}/f${i}`))
    const result = mergeLayers([big, big.slice(0, 50_000), [e('d1', 'whiteout')]])
    expect(result.wastedBytes).toBe(50_000 * 10 + 1000 * 10)
  })
})

describe('diffEntries and compareEntries', () => {
  it('finds added, modified (size, mode, content) and deleted paths', () => {
    const before = [
      e('same', 'file', { sha256: 'x' }),
      e('grown', 'file', { size: 5 }),
      e('chmod', 'file', { mode: 0o644 }),
      e('content', 'file', { sha256: 'a' }),
      e('gone'),
    ]
    const after = [
      e('same', 'file', { sha256: 'x', mtime: 5000 }),
      e('grown', 'file', { size: 9 }),
      e('chmod', 'file', { mode: 0o755 }),
      e('content', 'file', { sha256: 'b' }),
      e('new'),
    ]
    const diff = diffEntries(before, after)
    expect(diff.counts).toEqual({ added: 1, modified: 3, deleted: 1 })
    expect(diff.entries.map((x) => [x.path, x.status, x.reasons])).toEqual([
      ['chmod', 'modified', ['mode']],
      ['content', 'modified', ['content']],
      ['gone', 'deleted', []],
      ['grown', 'modified', ['size']],
      ['new', 'added', []],
    ])
  })

  it('limits a diff to one path and what lies under it', () => {
    const diff = diffEntries(
      [e('etc/a'), e('etc/b'), e('usr/x')],
      [e('etc/a', 'file', { size: 1 })],
      'etc',
    )
    expect(diff.entries.map((x) => [x.path, x.status])).toEqual([
      ['etc/a', 'modified'],
      ['etc/b', 'deleted'],
    ])
  })

  it('reports an mtime change only when the content could not be compared', () => {
    expect(compareEntries(e('f', 'file', { mtime: 1 }), e('f', 'file', { mtime: 2 }))).toEqual([
      'mtime',
    ])
    expect(
      compareEntries(
        e('f', 'file', { mtime: 1, sha256: 'a' }),
        e('f', 'file', { mtime: 2, sha256: 'a' }),
      ),
    ).toEqual([])
    expect(
      compareEntries(e('d', 'directory', { mtime: 1 }), e('d', 'directory', { mtime: 2 })),
    ).toEqual([])
    expect(
      compareEntries(
        e('l', 'symlink', { linkTarget: 'a' }),
        e('l', 'symlink', { linkTarget: 'b' }),
      ),
    ).toEqual(['target'])
    expect(compareEntries(e('t'), e('t', 'directory'))).toEqual(['type'])
  })
})
