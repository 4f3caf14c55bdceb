import { AppErrorException } from '../../../shared/ipc/result'
import { startDigest, type DigestCheck } from '../services/digest'
import { OffThreadHash } from './hash-worker'

/** A hash that reads bytes in place from shared memory, in the order given (the hash thread). */
export interface SharedHash {
  /** Hashes a view of a SharedArrayBuffer; resolves once those bytes may be changed again. */
  update(view: Uint8Array): Promise<void>
}

/** Blobs from this size up are hashed on the worker thread; smaller ones inline. */
export const OFF_THREAD_MIN_BYTES = 1024 * 1024

/**
 * Checks a blob as its bytes stream past, in order: the size the manifest gives (never more bytes
 * than that) and the digest at the end (go-containerregistry's verify.ReadCloser). It refuses a
 * digest it cannot check when it is made, before any byte or network call. Large blobs are hashed
 * off the event loop.
 */
export class Verifier {
  private readonly check: DigestCheck
  private inline: DigestCheck['hash'] | null = null
  private offThread: OffThreadHash | null = null
  /** Bytes seen so far. */
  size = 0

  constructor(
    readonly digest: string,
    readonly expectedSize: number | null,
    options: { offThread?: boolean } = {},
  ) {
    this.check = startDigest(digest)
    const offThread =
      options.offThread ?? (expectedSize !== null && expectedSize >= OFF_THREAD_MIN_BYTES)
    if (offThread) this.offThread = new OffThreadHash(this.check.algorithm)
    else this.inline = this.check.hash
  }

  /**
   * Hashes the next bytes; throws DigestMismatch once there are more than the expected size.
   * False asks the sender to pause until `drained` (the hash thread is behind).
   */
  update(bytes: Uint8Array): boolean {
    this.count(bytes.byteLength)
    if (this.offThread) return this.offThread.update(bytes)
    this.inline!.update(bytes)
    return true
  }

  /**
   * Counts the next bytes without hashing them (a sink hashes them in place through `shared`);
   * throws DigestMismatch once there are more than the expected size.
   */
  count(length: number): void {
    this.size += length
    if (this.expectedSize !== null && this.size > this.expectedSize) throw this.sizeMismatch()
  }

  /**
   * The hash thread, for a sink whose bytes are already in shared memory: it hashes them where
   * they lie, in the order given, with no copy. Null when this blob is hashed inline.
   */
  shared(): SharedHash | null {
    const offThread = this.offThread
    return offThread ? { update: (view) => offThread.updateShared(view) } : null
  }

  /** Resolves once more bytes may be given. */
  drained(): Promise<void> {
    return this.offThread?.drained() ?? Promise.resolve()
  }

  /** Forgets every byte seen: the blob is read again from its first byte. */
  reset(): void {
    this.size = 0
    if (this.offThread) this.offThread.reset()
    else this.inline = startDigest(this.digest).hash
  }

  /** Rejects with DigestMismatch unless the bytes seen are the blob: size first, then digest. */
  async finish(what: string): Promise<void> {
    if (this.expectedSize !== null && this.size !== this.expectedSize) {
      this.abandon()
      throw this.sizeMismatch()
    }
    const actual = this.offThread ? await this.offThread.digest() : this.inline!.digest('hex')
    if (actual !== this.check.hex) {
      const { algorithm, hex } = this.check
      throw new AppErrorException({
        code: 'DigestMismatch',
        message: `${what}: expected ${algorithm}:${hex}, got ${algorithm}:${actual} (${this.size} bytes).`,
      })
    }
  }

  /** Lets go of the hash thread's state when the fetch fails before the end. */
  abandon(): void {
    this.offThread?.abandon()
  }

  private sizeMismatch(): AppErrorException {
    return new AppErrorException({
      code: 'DigestMismatch',
      message: `Size mismatch: the manifest says ${this.expectedSize} bytes, the download has ${this.size} bytes.`,
    })
  }
}
