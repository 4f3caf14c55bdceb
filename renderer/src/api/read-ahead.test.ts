import { describe, expect, it } from 'vitest'
import type { Page } from '../../../shared/models/repository'
import { createReadAhead, READ_AHEAD_TTL_MS } from './read-ahead'

/** A listing of `pages` pages whose calls are answered only when the test says so. */
function listing(pages: number) {
  const calls: (string | undefined)[] = []
  const pending: { token: string | undefined; answer: (page: Page<number>) => void }[] = []
  const fetchPage = (token: string | undefined) => {
    calls.push(token)
    return new Promise<Page<number>>((answer) => pending.push({ token, answer }))
  }
  const answerNext = () => {
    const call = pending.shift()!
    const index = call.token === undefined ? 0 : Number(call.token)
    call.answer({ items: [index], nextToken: index + 1 < pages ? String(index + 1) : null })
  }
  return { calls, pending, fetchPage, answerNext }
}

describe('reading a listing one page ahead', () => {
  it('asks for the next page as soon as a page arrives, and the request for it takes that answer', async () => {
    const readAhead = createReadAhead({ afterPaint: (start) => start() })
    const list = listing(3)
    const first = readAhead('images', undefined, list.fetchPage)
    list.answerNext()
    expect(await first).toEqual({ items: [0], nextToken: '1' })
    // Page 2 is on its way before anyone asked for it.
    expect(list.calls).toEqual([undefined, '1'])

    const second = readAhead('images', '1', list.fetchPage)
    list.answerNext()
    expect(await second).toEqual({ items: [1], nextToken: '2' })
    const third = readAhead('images', '2', list.fetchPage)
    list.answerNext()
    expect(await third).toEqual({ items: [2], nextToken: null })
    // One call per page, nothing after the last.
    expect(list.calls).toEqual([undefined, '1', '2'])
    expect(list.pending).toEqual([])
  })

  it('asks again for a token it does not hold, and keeps listings apart', async () => {
    const readAhead = createReadAhead({ afterPaint: (start) => start() })
    const a = listing(5)
    const b = listing(5)
    const pageA = readAhead('a', undefined, a.fetchPage)
    a.answerNext()
    await pageA
    // Listing b's first page is its own call, and leaves a's read-ahead alone.
    const pageB = readAhead('b', undefined, b.fetchPage)
    b.answerNext()
    await pageB
    expect(b.calls).toEqual([undefined, '1'])
    // A request for another token (a refresh from the start) does not take a's page 2.
    const again = readAhead('a', undefined, a.fetchPage)
    expect(a.calls).toEqual([undefined, '1', undefined])
    a.pending.splice(0, 1)[0]!.answer({ items: [99], nextToken: null })
    a.answerNext()
    expect(await again).toEqual({ items: [0], nextToken: '1' })
  })

  it('drops an answer nobody took in time, so a list opened again later asks afresh', async () => {
    let clock = 0
    const readAhead = createReadAhead({ now: () => clock, afterPaint: (start) => start() })
    const list = listing(3)
    const first = readAhead('images', undefined, list.fetchPage)
    list.answerNext()
    await first
    list.answerNext()
    clock += READ_AHEAD_TTL_MS
    const second = readAhead('images', '1', list.fetchPage)
    expect(list.calls).toEqual([undefined, '1', '1'])
    list.answerNext()
    expect(await second).toEqual({ items: [1], nextToken: '2' })
  })

  it('hands a failed read-ahead to the request that takes it, as its own failure', async () => {
    const readAhead = createReadAhead({ afterPaint: (start) => start() })
    let calls = 0
    const fetchPage = (token: string | undefined) => {
      calls++
      return token === undefined
        ? Promise.resolve({ items: [0], nextToken: '1' })
        : Promise.reject(new Error('ThrottlingException'))
    }
    await readAhead('images', undefined, fetchPage)
    await expect(readAhead('images', '1', fetchPage)).rejects.toThrow('ThrottlingException')
    // Retrying asks again rather than replaying the failure.
    await expect(readAhead('images', '1', fetchPage)).rejects.toThrow('ThrottlingException')
    expect(calls).toBe(3)
  })

  it('reads page 2 ahead only once page 1 is painted, and not at all if the list asked first', async () => {
    const painted: (() => void)[] = []
    const readAhead = createReadAhead({ afterPaint: (start) => painted.push(start) })
    const list = listing(4)
    const first = readAhead('images', undefined, list.fetchPage)
    list.answerNext()
    await first
    // Page 1 is being rendered: no call competes with it.
    expect(list.calls).toEqual([undefined])
    painted.shift()!()
    expect(list.calls).toEqual([undefined, '1'])
    const second = readAhead('images', '1', list.fetchPage)
    list.answerNext()
    await second
    // From page 2 on, the next page is asked for as soon as one arrives.
    expect(list.calls).toEqual([undefined, '1', '2'])

    // Opened again from the start: this time the list asks for page 2 before the frame.
    const again = readAhead('images', undefined, list.fetchPage)
    list.pending.shift()!.answer({ items: [2], nextToken: '3' })
    list.answerNext()
    await again
    const taken = readAhead('images', '1', list.fetchPage)
    painted.shift()!()
    list.answerNext()
    expect(await taken).toEqual({ items: [1], nextToken: '2' })
    expect(list.calls).toEqual([undefined, '1', '2', undefined, '1', '2'])
  })
})
