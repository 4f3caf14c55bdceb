import { describe, expect, it } from 'vitest'
import { PAGE_BYTES, PAGE_ENTRIES, ReplyPages } from './reply-pages'

const reply = (count: number, name = (i: number) => `p${i}`) => ({
  entries: Array.from({ length: count }, (_, i) => ({ path: name(i) })),
})

describe('ReplyPages', () => {
  it('answers a short reply whole, and holds nothing for it', async () => {
    const pages = new ReplyPages()
    const page = await pages.page('k', undefined, () => Promise.resolve(reply(10)))
    expect(page).toMatchObject({ entryCount: 10, next: null })
    expect(page.entries).toHaveLength(10)
    expect(pages.heldCount()).toBe(0)
  })

  it('serves later pages from the held reply, and lets it go after the last one', async () => {
    const pages = new ReplyPages()
    let computed = 0
    const compute = () => Promise.resolve((computed++, reply(PAGE_ENTRIES * 2 + 1)))
    const first = await pages.page('k', undefined, compute)
    expect(first.next?.cursor).toMatch(/^[a-f0-9]{16}$/)
    expect(first.next?.offset).toBe(5_000)
    const second = await pages.page('k', first.next!, compute)
    const third = await pages.page('k', second.next!, compute)
    expect(third.entries.map((e) => e.path)).toEqual(['p10000'])
    expect(third.next).toBeNull()
    expect(computed).toBe(1)
    expect(pages.heldCount()).toBe(0)
  })

  it('computes again for a cursor of another kind of reply, or one it no longer holds', async () => {
    const pages = new ReplyPages()
    const first = await pages.page('a', undefined, () => Promise.resolve(reply(6_000)))
    let computed = 0
    const other = await pages.page('b', first.next!, () =>
      Promise.resolve((computed++, reply(6_000, (i) => `b${i}`))),
    )
    expect(computed).toBe(1)
    expect(other.entries[0]).toEqual({ path: 'b5000' })
  })

  it('ends a page on bytes of names before its entry count', async () => {
    const pages = new ReplyPages()
    const long = 'x'.repeat(4_000)
    const first = await pages.page('k', undefined, () => Promise.resolve(reply(2_000, () => long)))
    expect(first.entries.length).toBeLessThan(PAGE_BYTES / 4_000)
    expect(first.entries.length).toBeGreaterThan(PAGE_BYTES / 4_300)
  })

  it('holds a bounded number of replies and entries, oldest out first', async () => {
    const pages = new ReplyPages(20_000, 3)
    const cursors: string[] = []
    for (let i = 0; i < 5; i++) {
      const page = await pages.page(`k${i}`, undefined, () => Promise.resolve(reply(6_000)))
      cursors.push(page.next!.cursor)
    }
    expect(pages.heldCount()).toBe(3)
    let computed = 0
    await pages.page('k0', { cursor: cursors[0]!, offset: 5_000 }, () =>
      Promise.resolve((computed++, reply(6_000))),
    )
    expect(computed).toBe(1)
  })
})
