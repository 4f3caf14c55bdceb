import { Worker } from 'node:worker_threads'

// SHA-256 runs at ~1.5 GiB/s, which on the main thread is time the socket and the disk wait for.
// A worker thread hashes instead, reading shared memory in place. A file download's bytes are
// already in shared memory (the file sink's batches, which the socket reads into), so they are
// hashed where they lie (`updateShared`); other bytes are copied into shared 1 MiB chunks first
// (`update`). One worker serves every blob; it does not keep the process alive.

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const hashes = new Map()
parentPort.on('message', (m) => {
  if (m.t === 'start') hashes.set(m.id, createHash(m.algorithm))
  else if (m.t === 'data') {
    hashes.get(m.id).update(new Uint8Array(m.buffer, 0, m.length))
    parentPort.postMessage({ t: 'free', id: m.id, slot: m.slot })
  } else if (m.t === 'view') {
    hashes.get(m.id).update(new Uint8Array(m.buffer, m.offset, m.length))
    parentPort.postMessage({ t: 'hashed', id: m.id, seq: m.seq })
  } else if (m.t === 'end') {
    const hash = hashes.get(m.id)
    hashes.delete(m.id)
    parentPort.postMessage({ t: 'digest', id: m.id, hex: hash.digest('hex') })
  } else if (m.t === 'drop') hashes.delete(m.id)
})
`

type Reply =
  | { t: 'free'; id: number; slot: number }
  | { t: 'hashed'; id: number; seq: number }
  | { t: 'digest'; id: number; hex: string }

interface Listener {
  onReply(reply: Reply): void
  onFailure(error: Error): void
}

interface Shared {
  worker: Worker
  listeners: Map<number, Listener>
}

let shared: Shared | null = null
let nextId = 1

function hashWorker(): Shared {
  if (shared) return shared
  const worker = new Worker(WORKER_SOURCE, { eval: true })
  const listeners = new Map<number, Listener>()
  const state = { worker, listeners }
  // Kept alive only while a hash waits for it (see listen and forget).
  worker.unref()
  worker.on('message', (reply: Reply) => listeners.get(reply.id)?.onReply(reply))
  const fail = (error: Error) => {
    if (shared === state) shared = null
    for (const listener of listeners.values()) listener.onFailure(error)
    listeners.clear()
  }
  worker.on('error', fail)
  worker.on('exit', (code) => fail(new Error(`the hash worker exited (${code})`)))
  shared = state
  return state
}

function listen(state: Shared, id: number, listener: Listener): void {
  if (state.listeners.size === 0) state.worker.ref()
  state.listeners.set(id, listener)
}

function forget(state: Shared, id: number): void {
  if (state.listeners.delete(id) && state.listeners.size === 0) state.worker.unref()
}

const CHUNK = 1024 * 1024
/** Chunks handed to the worker and not yet hashed, before the sender is asked to pause. */
const IN_FLIGHT = 16

/** A running hash whose bytes are hashed on the worker thread, in the order they were given. */
export class OffThreadHash {
  private readonly id = nextId++
  private readonly worker = hashWorker()
  private readonly chunks: SharedArrayBuffer[] = []
  private readonly free: number[] = []
  private current = -1
  private fill = 0
  private inFlight = 0
  private waiters: (() => void)[] = []
  /** Shared views given to the worker and not hashed yet, in order, by sequence number. */
  private readonly views = new Map<number, { resolve: () => void; reject: (e: Error) => void }>()
  private nextSeq = 0
  private result: { resolve: (hex: string) => void; reject: (error: Error) => void } | null = null
  private failure: Error | null = null

  constructor(private readonly algorithm: string) {
    listen(this.worker, this.id, {
      onReply: (reply) => {
        if (reply.t === 'free') {
          this.free.push(reply.slot)
          this.inFlight--
          if (this.inFlight < IN_FLIGHT) this.wake()
        } else if (reply.t === 'hashed') {
          this.views.get(reply.seq)?.resolve()
          this.views.delete(reply.seq)
        } else {
          forget(this.worker, this.id)
          this.result?.resolve(reply.hex)
        }
      },
      onFailure: (error) => {
        this.failure = error
        this.result?.reject(error)
        for (const view of this.views.values()) view.reject(error)
        this.views.clear()
        this.wake()
      },
    })
    this.worker.worker.postMessage({ t: 'start', id: this.id, algorithm })
  }

  /** Takes the next bytes (copied at once); false asks the sender to pause until `drained`. */
  update(bytes: Uint8Array): boolean {
    if (this.failure) throw this.failure
    let at = 0
    while (at < bytes.byteLength) {
      if (this.current < 0)
        this.current = this.free.pop() ?? this.chunks.push(new SharedArrayBuffer(CHUNK)) - 1
      const target = new Uint8Array(this.chunks[this.current]!, this.fill)
      const take = Math.min(target.byteLength, bytes.byteLength - at)
      target.set(bytes.subarray(at, at + take))
      this.fill += take
      at += take
      if (this.fill === CHUNK) this.send()
    }
    return this.inFlight < IN_FLIGHT
  }

  /**
   * Takes the next bytes where they lie: `view` must be a view of a SharedArrayBuffer, left
   * unchanged until the returned promise resolves (the worker has hashed it). No copy is made.
   */
  updateShared(view: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (!(view.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('updateShared takes a view of a SharedArrayBuffer')
    }
    // Bytes copied before these are hashed first.
    if (this.fill > 0) this.send()
    const seq = this.nextSeq++
    const hashed = new Promise<void>((resolve, reject) => this.views.set(seq, { resolve, reject }))
    this.worker.worker.postMessage({
      t: 'view',
      id: this.id,
      seq,
      buffer: view.buffer,
      offset: view.byteOffset,
      length: view.byteLength,
    })
    return hashed
  }

  /** Resolves once the worker has caught up enough for more bytes. */
  drained(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.inFlight < IN_FLIGHT) return Promise.resolve()
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => {
      if (this.failure) throw this.failure
    })
  }

  /** Forgets every byte given so far. */
  reset(): void {
    this.fill = 0
    if (this.current >= 0) this.free.push(this.current)
    this.current = -1
    this.worker.worker.postMessage({ t: 'drop', id: this.id })
    this.worker.worker.postMessage({ t: 'start', id: this.id, algorithm: this.algorithm })
  }

  /** The hex digest of every byte given. */
  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.fill > 0) this.send()
    const done = new Promise<string>((resolve, reject) => (this.result = { resolve, reject }))
    this.worker.worker.postMessage({ t: 'end', id: this.id })
    return done
  }

  /** Drops the hash without a digest (the fetch failed). */
  abandon(): void {
    if (this.result) return
    forget(this.worker, this.id)
    this.worker.worker.postMessage({ t: 'drop', id: this.id })
    // Their hash is dropped: what happens to those bytes now no longer matters.
    for (const view of this.views.values()) view.resolve()
    this.views.clear()
  }

  private send(): void {
    this.worker.worker.postMessage({
      t: 'data',
      id: this.id,
      slot: this.current,
      buffer: this.chunks[this.current],
      length: this.fill,
    })
    this.inFlight++
    this.current = -1
    this.fill = 0
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }
}
