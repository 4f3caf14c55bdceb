import type { FileHandle } from 'node:fs/promises'
import { AppErrorException } from '../../../shared/ipc/result'
import { openOwnFile, writeAll, writeError } from '../fs/safe-file'
import { hashInto } from './hash-file'
import type { BlobSink, SharedHash, SinkWriter } from './sink'

/** A partial file: where it is. */
export interface FileSinkOptions {
  partialPath: string
}

/** What a committed partial file holds. */
export interface FileCommit {
  path: string
  size: number
  /** The file's identity, so the caller renames only the file that was written. */
  file: { dev: number; ino: number }
}

const BATCH = 1024 * 1024
/** Filled batches waiting for the disk before the sender is asked to pause. */
const QUEUED_BATCHES = 8
/** Less room than this left in a batch and it is handed on instead of offered to the socket. */
const MIN_READ = 64 * 1024
/** A batch still filling is written anyway after this long, so a slow link's bytes reach the disk. */
const PARTIAL_BATCH_MS = 100
/**
 * Written bytes are flushed in steps of this size while the download goes on. What is left after
 * the last step is what the verified file waits for at the end: measured through the UI, 8 MiB
 * left 3–14 ms between the last byte and the fsync's end where 32 MiB left 15–35 ms, and 1 GiB
 * kept the same ratio to the durable curl with either.
 */
const FLUSH_EVERY = 8 * BATCH

/**
 * A `.partial` file: continues one left by an earlier run, writes bodies in 1 MiB batches in file
 * order, flushes in steps while bytes arrive (so the final fsync has little left) and fsyncs on
 * commit. The caller renames the file into place.
 */
export function filePartialSink(options: FileSinkOptions): BlobSink<FileCommit> {
  const { partialPath } = options
  let file: FileHandle | null = null
  let position = 0
  let writer: BatchWriter | null = null
  const wrap = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      if (error instanceof AppErrorException) throw error
      throw new AppErrorException(writeError(error, partialPath))
    }
  }
  // Never `open(path, 'a+')`: a link planted at the partial's name would take the bytes.
  // openOwnFile resumes only a regular file of ours with one link, else creates it exclusively.
  const handle = () =>
    wrap(async () => {
      file ??= (await openOwnFile(partialPath)).handle
      return file
    })
  return {
    async resume(verifier, { signal, onBytes }) {
      const size = (await (await handle()).stat()).size
      position =
        size === 0 ? 0 : await hashInto(verifier, partialPath, { length: size, signal, onBytes })
      return position
    },
    writer(onAccepted, options) {
      if (!file) throw new Error('filePartialSink: resume() must run first')
      // The next body appends where the last one's stored bytes end.
      if (writer) position = writer.position
      writer = new BatchWriter(
        file,
        position,
        partialPath,
        (at) => onAccepted(at),
        options?.hash ?? null,
      )
      return writer
    },
    restart: () =>
      wrap(async () => {
        await (await handle()).truncate(0)
        position = 0
        writer = null
      }),
    commit: () =>
      wrap(async () => {
        const f = await handle()
        if (writer) {
          await writer.settle()
          await writer.flushed()
          position = writer.position
        }
        await f.sync()
        const { dev, ino } = await f.stat()
        return { path: partialPath, size: position, file: { dev, ino } }
      }),
    async close() {
      if (writer) position = writer.position
      await file?.close()
      file = null
    },
  }
}

/** A batch handed on: to the disk, and to the hash thread when the writer hashes. */
interface Batch {
  buffer: Buffer
  length: number
  /** The write, and the hash when there is one, not yet done: the batch is reused at zero. */
  pending: number
}

/**
 * Gathers a body into 1 MiB batches and writes them in order at explicit positions. The socket
 * may read straight into the batch being filled (`nextBuffer`), so most bytes are never copied
 * in user space. Given a shared hash, batches live in shared memory and each filled batch goes to
 * the hash thread too, hashed where it lies while it is written; a batch is reused once both are
 * done. At most QUEUED_BATCHES are in flight; past that the sender is paused.
 */
class BatchWriter implements SinkWriter {
  private failure: AppErrorException | null = null
  /** The hash thread failed: an error like a broken connection's (the fetch retries). */
  private hashFailure: Error | null = null
  private current: Buffer | null = null
  private fill = 0
  private readonly queue: Batch[] = []
  private readonly spare: Buffer[] = []
  /** Batches handed on and not yet reusable. */
  private held = 0
  private writing: Promise<void> | null = null
  private abandoned = false
  private waiters: (() => void)[] = []
  private flushedTo: number
  private flushing: Promise<void> | null = null
  private flushFailure: AppErrorException | null = null
  /** Bytes taken so far, written or not: what progress shows, so a slow link moves at once. */
  private accepted: number
  private partialTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly file: FileHandle,
    /** Bytes written. */
    public position: number,
    private readonly path: string,
    private readonly onProgress: (bytes: number) => void,
    private readonly hash: SharedHash | null,
  ) {
    this.flushedTo = position
    this.accepted = position
  }

  get hashes(): boolean {
    return this.hash !== null
  }

  /** The free end of the batch being filled, for the socket to read into. */
  nextBuffer(): Buffer | null {
    if (this.failure || this.hashFailure || this.abandoned) return null
    // A sliver left is not worth a read of its own: the batch goes as it is.
    if (this.current && BATCH - this.fill < MIN_READ) this.enqueue()
    this.current ??= this.takeBatch()
    return this.current.subarray(this.fill)
  }

  write(view: Buffer): boolean {
    if (this.failure) throw this.failure
    if (this.hashFailure) throw this.hashFailure
    const current = this.current
    if (
      current !== null &&
      view.buffer === current.buffer &&
      view.byteOffset === current.byteOffset + this.fill &&
      view.length <= BATCH - this.fill
    ) {
      // Read straight into the batch (nextBuffer): the bytes are where they belong already.
      this.fill += view.length
      if (this.fill === BATCH) this.enqueue()
    } else {
      let at = 0
      while (at < view.length) {
        this.current ??= this.takeBatch()
        const copied = view.copy(this.current, this.fill, at)
        this.fill += copied
        at += copied
        if (this.fill === BATCH) this.enqueue()
      }
    }
    this.accepted += view.length
    this.onProgress(this.accepted)
    if (this.fill > 0 && this.partialTimer === null) {
      this.partialTimer = setTimeout(() => {
        this.partialTimer = null
        if (this.fill > 0 && !this.failure && !this.abandoned) this.enqueue()
      }, PARTIAL_BATCH_MS)
      this.partialTimer.unref()
    }
    return this.held < QUEUED_BATCHES
  }

  drained(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.hashFailure) return Promise.reject(this.hashFailure)
    if (this.held < QUEUED_BATCHES) return Promise.resolve()
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => {
      if (this.failure) throw this.failure
      if (this.hashFailure) throw this.hashFailure
    })
  }

  async settle(): Promise<void> {
    this.stopPartialTimer()
    if (this.fill > 0 && !this.failure && !this.abandoned) this.enqueue()
    while (this.writing) await this.writing
    if (this.failure) throw this.failure
  }

  async abandon(): Promise<void> {
    this.abandoned = true
    this.stopPartialTimer()
    // The one being written (the first) is released by the write loop.
    for (const batch of this.queue.splice(this.writing ? 1 : 0)) this.release(batch)
    this.fill = 0
    while (this.writing) await this.writing
  }

  /** Waits for the background flush, so the final fsync has only the tail left to write. */
  async flushed(): Promise<void> {
    await this.flushing
    if (this.flushFailure) throw this.flushFailure
  }

  private stopPartialTimer(): void {
    if (this.partialTimer) clearTimeout(this.partialTimer)
    this.partialTimer = null
  }

  private takeBatch(): Buffer {
    return (
      this.spare.pop() ??
      (this.hash ? Buffer.from(new SharedArrayBuffer(BATCH)) : Buffer.allocUnsafeSlow(BATCH))
    )
  }

  private enqueue(): void {
    this.stopPartialTimer()
    const batch: Batch = { buffer: this.current!, length: this.fill, pending: this.hash ? 2 : 1 }
    this.held++
    this.queue.push(batch)
    this.current = null
    this.fill = 0
    this.hash?.update(batch.buffer.subarray(0, batch.length)).then(
      () => this.release(batch),
      (error: Error) => {
        this.hashFailure ??= error
        this.release(batch)
      },
    )
    this.writing ??= this.drain()
  }

  private release(batch: Batch): void {
    if (--batch.pending > 0) return
    this.held--
    this.spare.push(batch.buffer)
    this.wake()
  }

  // One write at a time, in order.
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.abandoned) {
        const batch = this.queue[0]!
        // A short write is retried for the rest; one that makes no progress is ENOSPC.
        await writeAll(this.file, batch.buffer.subarray(0, batch.length), this.path, this.position)
        this.queue.shift()
        this.position += batch.length
        this.release(batch)
        this.flushInBackground()
      }
    } catch (error) {
      this.failure = new AppErrorException(writeError(error, this.path))
    } finally {
      // A batch whose write was under way when the writer was abandoned.
      if (this.abandoned && this.queue.length > 0) this.release(this.queue.shift()!)
      this.writing = null
      this.wake()
    }
  }

  private wake(): void {
    const stuck = this.failure || this.hashFailure || this.abandoned
    if (this.held >= QUEUED_BATCHES && !stuck) return
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }

  // The final fsync would otherwise write the whole blob at the end, after the network is done.
  // Flushing every FLUSH_EVERY bytes while the download goes on overlaps disk and network time.
  private flushInBackground(): void {
    if (this.flushing || this.position - this.flushedTo < FLUSH_EVERY) return
    const target = this.position
    this.flushing = this.file.datasync().then(
      () => {
        this.flushedTo = target
        this.flushing = null
      },
      (error: NodeJS.ErrnoException) => {
        this.flushFailure = new AppErrorException(writeError(error, this.path))
        this.flushing = null
      },
    )
  }
}
