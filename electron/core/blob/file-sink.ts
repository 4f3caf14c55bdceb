import type { FileHandle } from 'node:fs/promises'
import { AppErrorException } from '../../../shared/ipc/result'
import { openOwnFile, writeAll, writeError } from '../fs/safe-file'
import { hashInto } from './hash-file'
import type { BlobSink, SinkWriter } from './sink'

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
/** A batch still filling is written anyway after this long, so a slow link's bytes reach the disk. */
const PARTIAL_BATCH_MS = 100
/** Written bytes are flushed in steps of this size while the download goes on. */
const FLUSH_EVERY = 32 * BATCH

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
    writer(onAccepted) {
      if (!file) throw new Error('filePartialSink: resume() must run first')
      // The next body appends where the last one's stored bytes end.
      if (writer) position = writer.position
      writer = new BatchWriter(file, position, partialPath, (at) => {
        onAccepted(at)
      })
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

/**
 * Copies a body into 1 MiB batches and writes them in order at explicit positions. At most
 * QUEUED_BATCHES wait for the disk; past that the sender is paused.
 */
class BatchWriter implements SinkWriter {
  private failure: AppErrorException | null = null
  private current: Buffer | null = null
  private fill = 0
  private readonly queue: { buffer: Buffer; length: number }[] = []
  private readonly spare: Buffer[] = []
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
  ) {
    this.flushedTo = position
    this.accepted = position
  }

  write(view: Buffer): boolean {
    if (this.failure) throw this.failure
    let at = 0
    while (at < view.length) {
      this.current ??= this.spare.pop() ?? Buffer.allocUnsafeSlow(BATCH)
      const copied = view.copy(this.current, this.fill, at)
      this.fill += copied
      at += copied
      if (this.fill === BATCH) this.enqueue()
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
    return this.queue.length < QUEUED_BATCHES
  }

  drained(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.queue.length < QUEUED_BATCHES) return Promise.resolve()
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => {
      if (this.failure) throw this.failure
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
    this.queue.length = 0
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

  private enqueue(): void {
    this.stopPartialTimer()
    this.queue.push({ buffer: this.current!, length: this.fill })
    this.current = null
    this.fill = 0
    this.writing ??= this.drain()
  }

  // One write at a time, in order.
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.abandoned) {
        const { buffer, length } = this.queue[0]!
        // A short write is retried for the rest; one that makes no progress is ENOSPC.
        await writeAll(this.file, buffer.subarray(0, length), this.path, this.position)
        this.queue.shift()
        this.position += length
        this.spare.push(buffer)
        this.flushInBackground()
        this.wake()
      }
    } catch (error) {
      this.failure = new AppErrorException(writeError(error, this.path))
    } finally {
      this.writing = null
      this.wake()
    }
  }

  private wake(): void {
    if (this.queue.length >= QUEUED_BATCHES && !this.failure && this.writing) return
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
