import type { Page } from '../../../shared/models/repository'

/** How long a page asked for ahead is kept for the request it was meant for. */
export const READ_AHEAD_TTL_MS = 10_000

interface Ahead {
  token: string
  asked: number
  /** Null while the call waits for the first page to be painted. */
  answer: Promise<unknown> | null
}

export interface ReadAheadOptions {
  now?: () => number
  /**
   * Runs `start` once the first page has been painted. Reading page 2 ahead while page 1
   * renders would make the first rows wait for that call's work (on the same cores); every later
   * page is read ahead at once. Without a browser, at once.
   */
  afterPaint?: (start: () => void) => void
}

const browserAfterPaint = (start: () => void) =>
  // requestAnimationFrame runs just before the frame is painted; a task posted from it, after.
  typeof requestAnimationFrame === 'function'
    ? requestAnimationFrame(() => setTimeout(start, 0))
    : start()

/**
 * Reads a paginated listing one page ahead. A list that reads every page asks for the next one
 * only after it has rendered this one; here, as soon as a page arrives with a next token, that
 * page is asked for, so the call runs while the app renders, and the list's own request for it
 * takes that answer instead of asking again. One page at most is ahead per listing (the same
 * number of calls as without: nothing is asked after the last page, nor twice), and an answer no
 * request took within READ_AHEAD_TTL_MS (the user left the list) is dropped, never served stale.
 */
export function createReadAhead({
  now = Date.now,
  afterPaint = browserAfterPaint,
}: ReadAheadOptions = {}) {
  const ahead = new Map<string, Ahead>()
  return function readAhead<T>(
    listing: string,
    token: string | undefined,
    fetchPage: (token: string | undefined) => Promise<Page<T>>,
  ): Promise<Page<T>> {
    const waiting = ahead.get(listing)
    ahead.delete(listing)
    const fresh = waiting && waiting.token === token && now() - waiting.asked < READ_AHEAD_TTL_MS
    const answer = (fresh && (waiting.answer as Promise<Page<T>> | null)) || fetchPage(token)
    return answer.then((page) => {
      const next = page.nextToken ?? undefined
      if (next === undefined) return page
      const entry: Ahead = { token: next, asked: now(), answer: null }
      ahead.set(listing, entry)
      const start = () => {
        // Taken already (the list asked first) or replaced: nothing to read ahead.
        if (ahead.get(listing) !== entry) return
        const nextAnswer = fetchPage(next)
        // A failure is the taker's to report; one nobody takes is not an unhandled rejection.
        nextAnswer.catch(() => {})
        entry.answer = nextAnswer
      }
      if (token === undefined) afterPaint(start)
      else start()
      return page
    })
  }
}
