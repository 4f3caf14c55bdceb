import { describe, expect, it } from 'vitest'
import type { LayerIndex, PageCursor, Paged } from '../../../shared/models/layer-contents'
import { allPages } from './layer-contents'

const index = (entries: string[]): LayerIndex => ({
  digest: 'sha256:1',
  compression: 'gzip',
  complete: true,
  problem: null,
  entries: entries.map((path) => ({
    path,
    type: 'file',
    size: 0,
    mode: 0o644,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    mtime: 0,
  })),
  compressedBytes: 1,
  tarBytes: 1,
  fileBytes: 0,
  fromCache: false,
})

describe('allPages', () => {
  it('follows each cursor and joins the pages into one reply, without the paging fields', async () => {
    const paths = Array.from({ length: 7 }, (_, i) => `f${i}`)
    const asked: (PageCursor | undefined)[] = []
    const whole = await allPages<LayerIndex>((page) => {
      asked.push(page)
      const offset = page?.offset ?? 0
      const end = Math.min(offset + 3, paths.length)
      const reply: Paged<LayerIndex> = {
        ...index(paths.slice(offset, end)),
        entryCount: paths.length,
        next: end < paths.length ? { cursor: '0123456789abcdef', offset: end } : null,
      }
      return Promise.resolve(reply)
    })
    expect(asked).toEqual([
      undefined,
      { cursor: '0123456789abcdef', offset: 3 },
      { cursor: '0123456789abcdef', offset: 6 },
    ])
    expect(whole).toEqual(index(paths))
    expect(whole).not.toHaveProperty('next')
  })

  it('refuses pages that do not add up to the count the first one announced', async () => {
    const reading = allPages<LayerIndex>((page) =>
      Promise.resolve({
        ...index(['a']),
        entryCount: 3,
        next: page ? null : { cursor: '0123456789abcdef', offset: 1 },
      }),
    )
    await expect(reading).rejects.toThrow('Expected 3 entries across the pages, got 2.')
  })
})
