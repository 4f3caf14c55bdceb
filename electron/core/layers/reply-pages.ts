import { randomBytes } from 'node:crypto'
import type { Paged, PageCursor } from '../../../shared/models/layer-contents'
import { ENTRY_OVERHEAD_BYTES } from './layer-reader'

/** Most entries one page of an index, merged view or diff carries across IPC. */
export const PAGE_ENTRIES = 5_000

/** Most bytes of names (plus the per-entry overhead) one page carries: long names end it sooner. */
export const PAGE_BYTES = 4 * 1024 * 1024

type Reply = { entries: readonly unknown[] }

interface Held {
  kind: string
  reply: Reply
}

// Names in an entry, or in both sides of a diff entry, with the overhead of each.
function weight(entry: unknown): number {
  const e = entry as { path?: unknown; linkTarget?: unknown; before?: unknown; after?: unknown }
  let bytes = ENTRY_OVERHEAD_BYTES
  if (typeof e.path === 'string') bytes += e.path.length
  if (typeof e.linkTarget === 'string') bytes += e.linkTarget.length
  if (e.before) bytes += weight(e.before)
  if (e.after) bytes += weight(e.after)
  return bytes
}

/**
 * Replies whose entries cross IPC page by page. A reply longer than one page is held here under
 * a random cursor until its pages have been fetched (or newer replies push it out), so later
 * pages neither re-read a layer nor re-merge an image. Bounded by replies and by entries held.
 */
export class ReplyPages {
  private readonly held = new Map<string, Held>()
  private heldEntries = 0

  constructor(
    private readonly limitEntries = 1_000_000,
    private readonly limitReplies = 16,
  ) {}

  /**
   * One page of a reply: the held one the cursor names (of the same kind), or `compute`'s, which
   * is held under a new cursor when it needs more than one page.
   */
  async page<T extends Reply>(
    kind: string,
    page: PageCursor | undefined,
    compute: () => Promise<T>,
  ): Promise<Paged<T>> {
    const found = page ? this.held.get(page.cursor) : undefined
    let cursor = found?.kind === kind ? page!.cursor : null
    const reply = cursor ? (found!.reply as T) : await compute()
    const offset = Math.min(page?.offset ?? 0, reply.entries.length)
    let end = offset
    for (let bytes = 0; end < reply.entries.length && end - offset < PAGE_ENTRIES; end++) {
      bytes += weight(reply.entries[end])
      if (bytes > PAGE_BYTES && end > offset) break
    }
    const last = end >= reply.entries.length
    if (!last && cursor === null) cursor = this.hold(kind, reply)
    if (last && cursor !== null) this.release(cursor)
    return {
      ...reply,
      entries: reply.entries.slice(offset, end),
      entryCount: reply.entries.length,
      next: last ? null : { cursor: cursor!, offset: end },
    }
  }

  /** Replies held for their next pages (for tests). */
  heldCount(): number {
    return this.held.size
  }

  /** Forgets every held reply. */
  clear(): void {
    this.held.clear()
    this.heldEntries = 0
  }

  private hold(kind: string, reply: Reply): string {
    const cursor = randomBytes(8).toString('hex')
    this.held.set(cursor, { kind, reply })
    this.heldEntries += reply.entries.length
    for (const [old, entry] of this.held) {
      if (this.held.size <= this.limitReplies && this.heldEntries <= this.limitEntries) break
      if (old === cursor) continue
      this.release(old, entry)
    }
    return cursor
  }

  private release(cursor: string, entry = this.held.get(cursor)): void {
    if (!entry) return
    this.held.delete(cursor)
    this.heldEntries -= entry.reply.entries.length
  }
}
