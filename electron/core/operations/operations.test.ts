import { describe, expect, it } from 'vitest'
import { AppErrorException } from '../../../shared/ipc/result'
import { Operations, type OperationKind } from './operations'

interface Progress {
  operationId: string
  phase: string
  bytes: number
  total: number | null
  rate?: number
}

function harness() {
  let clock = 0
  const events: Progress[] = []
  const progress: (number | null)[] = []
  const notifications: { title: string; body: string }[] = []
  const operations = new Operations({
    platform: {
      setProgress: (fraction) => void progress.push(fraction),
      notify: (title, body) => void notifications.push({ title, body }),
    },
    now: () => clock,
  })
  const kind: OperationKind<Progress> = {
    emit: (p) => void events.push(p),
    amount: (p) => ({ done: p.bytes, total: p.total }),
    prepare: (p, { bytesPerSecond }) => ({ ...p, rate: bytesPerSecond }),
    summary: (tally) => ({
      title: 'Batch finished',
      body: `${tally.ok ?? 0} ok, ${tally.failed ?? 0} failed`,
    }),
  }
  const tick = (ms: number) => (clock += ms)
  return { operations, kind, events, progress, notifications, tick }
}

const start = (id?: string) => ({
  ...(id ? { id } : {}),
  progress: { phase: 'working', bytes: 0, total: 100 },
})

describe('Operations.run', () => {
  it('sends the first event at once, throttles byte counts, and ends with done', async () => {
    const { operations, kind, events, tick } = harness()
    const result = await operations.run(kind, start('op-1'), (op) => {
      for (let i = 1; i <= 10; i++) {
        tick(30)
        op.report({ bytes: i * 10 })
      }
      op.report({ phase: 'checking' })
      return Promise.resolve('value')
    })
    expect(result).toBe('value')
    expect(events.map((e) => e.phase)).toEqual([
      'working',
      'working',
      'working',
      'checking',
      'done',
    ])
    // Byte counts every 100 ms of the fake clock at most: at 120 and 240 ms of reports every 30 ms.
    expect(events.slice(1, 3).map((e) => e.bytes)).toEqual([40, 80])
    expect(events.at(-1)).toMatchObject({ operationId: 'op-1', phase: 'done', bytes: 100 })
    expect(events[2]!.rate).toBeGreaterThan(0)
    expect(operations.size).toBe(0)
  })

  it('gives an operation without an id a fresh one, and refuses an id in use', async () => {
    const { operations, kind, events } = harness()
    let release!: () => void
    const running = operations.run(
      kind,
      start('same'),
      () => new Promise<void>((r) => (release = r)),
    )
    const error = await operations
      .run(kind, start('same'), () => Promise.resolve())
      .catch((e: unknown) => e)
    expect((error as AppErrorException).error).toMatchObject({
      code: 'InvalidParameter',
      field: 'operationId',
    })
    release()
    await running
    await operations.run(kind, start(), () => Promise.resolve())
    expect(events.at(-1)!.operationId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('ends a failure with failed and passes the error on', async () => {
    const { operations, kind, events } = harness()
    const boom = new Error('boom')
    await expect(operations.run(kind, start('f'), () => Promise.reject(boom))).rejects.toBe(boom)
    expect(events.at(-1)!.phase).toBe('failed')
  })

  it('cancels by id whatever the kind; the task rejects with Cancelled and ends cancelled', async () => {
    const { operations, kind, events } = harness()
    const running = operations.run(kind, start('c'), (op) => {
      return new Promise((_, reject) => {
        op.signal.addEventListener('abort', () => reject(new Error('aborted inside')))
      })
    })
    expect(operations.cancel('c')).toEqual({ cancelled: true })
    expect(operations.cancel('nope')).toEqual({ cancelled: false })
    const error = await running.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppErrorException)
    expect((error as AppErrorException).error.code).toBe('Cancelled')
    expect(events.at(-1)!.phase).toBe('cancelled')
    expect(operations.size).toBe(0)
  })

  it('shows the bytes of all running operations as one taskbar fraction, cleared at the end', async () => {
    const { operations, kind, progress } = harness()
    let releaseA!: () => void
    const a = operations.run(kind, start('a'), async (op) => {
      op.report({ bytes: 50 }, true)
      await new Promise<void>((r) => (releaseA = r))
    })
    await operations.run(kind, start('b'), (op) => {
      op.report({ bytes: 100 }, true)
      return Promise.resolve()
    })
    expect(progress).toContain(0.75)
    releaseA()
    await a
    expect(progress.at(-1)).toBeNull()
  })

  it('sends one notification when the last operation of a batch ends, with its tally', async () => {
    const { operations, kind, notifications } = harness()
    let release!: () => void
    const slow = operations.run(kind, start('s'), async (op) => {
      await new Promise<void>((r) => (release = r))
      op.tally('ok')
    })
    await operations.run(kind, start('quick'), (op) => Promise.resolve(op.tally('ok')))
    await operations.run(kind, start('bad'), () => Promise.reject(new Error('x'))).catch(() => null)
    expect(notifications).toEqual([])
    release()
    await slow
    expect(notifications).toEqual([{ title: 'Batch finished', body: '2 ok, 1 failed' }])
  })
})

describe('Operations.lock', () => {
  it('runs tasks with one key one after the other, others at once, past failures', async () => {
    const { operations } = harness()
    const order: string[] = []
    let releaseFirst!: () => void
    const first = operations.lock('k', async () => {
      order.push('first start')
      await new Promise<void>((r) => (releaseFirst = r))
      order.push('first end')
      throw new Error('first failed')
    })
    const second = operations.lock('k', () => Promise.resolve(void order.push('second')))
    await operations.lock('other', () => Promise.resolve(void order.push('other')))
    expect(order).toEqual(['first start', 'other'])
    releaseFirst()
    await expect(first).rejects.toThrow('first failed')
    await second
    expect(order).toEqual(['first start', 'other', 'first end', 'second'])
  })
})

describe('Operations.slot', () => {
  it('gives at most `limit` slots of one queue at a time, first come first served; an aborted waiter leaves the queue', async () => {
    const { operations } = harness()
    const signal = new AbortController().signal
    const a = await operations.slot('transfers', 2, signal)
    const b = await operations.slot('transfers', 2, signal)
    expect(operations.slotsTaken('transfers')).toBe(2)
    const order: string[] = []
    const gone = new AbortController()
    const c = operations.slot('transfers', 2, signal).then((release) => {
      order.push('c')
      return release
    })
    const d = operations.slot('transfers', 2, gone.signal)
    const e = operations.slot('transfers', 2, signal).then((release) => {
      order.push('e')
      return release
    })
    // Another queue has its own slots.
    const other = await operations.slot('other', 1, signal)
    gone.abort(new Error('gave up'))
    await expect(d).rejects.toThrow('gave up')
    expect(order).toEqual([])
    a()
    a() // a second call of one release frees nothing more
    const releaseC = await c
    expect(order).toEqual(['c'])
    expect(operations.slotsTaken('transfers')).toBe(2)
    b()
    const releaseE = await e
    expect(order).toEqual(['c', 'e'])
    releaseC()
    releaseE()
    other()
    expect(operations.slotsTaken('transfers')).toBe(0)
    expect(operations.slotsTaken('other')).toBe(0)
  })
})
