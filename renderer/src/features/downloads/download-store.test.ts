import { describe, expect, it, vi } from 'vitest'
import type { DownloadProgress, DownloadResult } from '../../../../shared/models/download'
import { DownloadStore, NOTIFY_INTERVAL_MS, type BlobTarget, type Timer } from './download-store'

/** A timer the test moves by hand. */
function manualTimer() {
  let now = 0
  let pending: { at: number; callback: () => void } | null = null
  const timer: Timer = {
    now: () => now,
    setTimeout: (callback, ms) => {
      pending = { at: now + ms, callback }
      return pending
    },
    clearTimeout: (handle) => {
      if (handle === pending) pending = null
    },
  }
  return {
    timer,
    advance(ms: number) {
      now += ms
      if (pending && pending.at <= now) {
        const { callback } = pending
        pending = null
        callback()
      }
    },
    hasPending: () => pending !== null,
  }
}

const target: BlobTarget = {
  repositoryName: 'demo/web-app',
  digest: `sha256:${'ab'.repeat(32)}`,
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  size: 1000,
  role: 'layer 1',
}

const progress = (
  operationId: string,
  phase: DownloadProgress['phase'],
  receivedBytes: number,
): DownloadProgress => ({
  operationId,
  digest: target.digest,
  phase,
  receivedBytes,
  totalBytes: 1000,
  bytesPerSecond: 100,
  etaSeconds: 9,
})

const result = (status: DownloadResult['status']): DownloadResult => ({
  status,
  path: '/downloads/demo_web-app_sha256-ab.tar.gz',
  digest: target.digest,
  size: 1000,
  bytesTransferred: 1000,
  resumedFrom: null,
})

describe('DownloadStore', () => {
  it('shows phase changes at once and coalesces byte counts to one render per interval', () => {
    const clock = manualTimer()
    const store = new DownloadStore(clock.timer)
    const listener = vi.fn()
    store.subscribe(listener)

    store.add('op-00000001', target, 'ask')
    expect(listener).toHaveBeenCalledTimes(1)
    store.progress(progress('op-00000001', 'downloading', 10))
    expect(listener).toHaveBeenCalledTimes(2)
    expect(store.getSnapshot()[0]?.progress?.receivedBytes).toBe(10)

    // Ten byte updates within one interval: none shown yet, one render at its end.
    for (let i = 1; i <= 10; i++) {
      clock.advance(5)
      store.progress(progress('op-00000001', 'downloading', 10 + i * 10))
    }
    expect(listener).toHaveBeenCalledTimes(2)
    expect(store.getSnapshot()[0]?.progress?.receivedBytes).toBe(10)
    clock.advance(NOTIFY_INTERVAL_MS)
    expect(listener).toHaveBeenCalledTimes(3)
    expect(store.getSnapshot()[0]?.progress?.receivedBytes).toBe(110)

    // A phase change does not wait, and takes the pending byte update with it.
    clock.advance(10)
    store.progress(progress('op-00000001', 'downloading', 500))
    expect(clock.hasPending()).toBe(true)
    store.progress(progress('op-00000001', 'verifying', 1000))
    expect(listener).toHaveBeenCalledTimes(4)
    expect(clock.hasPending()).toBe(false)
    expect(store.getSnapshot()[0]?.progress?.phase).toBe('verifying')
  })

  it('keeps the snapshot stable between notifications', () => {
    const clock = manualTimer()
    const store = new DownloadStore(clock.timer)
    store.add('op-00000001', target, 'ask')
    const before = store.getSnapshot()
    expect(store.getSnapshot()).toBe(before)
    store.progress(progress('op-00000001', 'queued', 0))
    expect(store.getSnapshot()).not.toBe(before)
  })

  it('ignores events of other operations and of an operation that has ended', () => {
    const store = new DownloadStore(manualTimer().timer)
    store.add('op-00000001', target, 'ask')
    store.progress(progress('op-99999999', 'downloading', 500))
    expect(store.getSnapshot()[0]?.progress).toBeNull()

    store.finish('op-00000001', result('downloaded'))
    store.progress(progress('op-00000001', 'done', 1000))
    expect(store.getSnapshot()[0]?.progress).toBeNull()
    expect(store.getSnapshot()[0]?.state).toEqual({
      kind: 'finished',
      result: result('downloaded'),
    })
  })

  it('turns a conflict into a question, and its answer into a new operation of the same row', () => {
    const store = new DownloadStore(manualTimer().timer)
    store.add('op-00000001', target, 'ask')
    store.finish('op-00000001', result('conflict'))
    expect(store.getSnapshot()[0]?.state).toEqual({
      kind: 'conflict',
      path: '/downloads/demo_web-app_sha256-ab.tar.gz',
    })

    store.reissue('op-00000001', 'op-00000002', 'keep-both')
    const entry = store.getSnapshot()[0]!
    expect(entry).toMatchObject({
      id: 'op-00000001',
      operationId: 'op-00000002',
      onExisting: 'keep-both',
      state: { kind: 'active' },
      progress: null,
    })
    // The first operation's outcome can no longer land on the row.
    store.fail('op-00000001', { code: 'Cancelled', message: 'late' })
    expect(store.getSnapshot()[0]?.state.kind).toBe('active')
    store.progress(progress('op-00000002', 'downloading', 100))
    expect(store.getSnapshot()[0]?.progress?.operationId).toBe('op-00000002')
  })

  it('clears the rows that have ended and keeps the running ones', () => {
    const store = new DownloadStore(manualTimer().timer)
    store.add('op-00000001', target, 'ask')
    store.add('op-00000002', target, 'ask')
    store.add('op-00000003', target, 'ask')
    store.finish('op-00000001', result('cancelled'))
    store.fail('op-00000002', { code: 'DigestMismatch', message: 'bad' })
    store.clearFinished()
    expect(store.getSnapshot().map((e) => e.id)).toEqual(['op-00000003'])
  })
})
