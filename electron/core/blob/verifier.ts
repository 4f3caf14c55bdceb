import { AppErrorException } from '../../../shared/ipc/result'
import { finishDigest, startDigest, type DigestCheck } from '../services/digest'

/**
 * Checks a blob as its bytes stream past, in order: the size the manifest gives (never more bytes
 * than that) and the digest at the end (go-containerregistry's verify.ReadCloser). It refuses a
 * digest it cannot check when it is made, before any byte or network call.
 */
export class Verifier {
  private check: DigestCheck
  /** Bytes seen so far. */
  size = 0

  constructor(
    readonly digest: string,
    readonly expectedSize: number | null,
  ) {
    this.check = startDigest(digest)
  }

  /** Hashes the next bytes; throws DigestMismatch once there are more than the expected size. */
  update(bytes: Uint8Array): void {
    this.size += bytes.byteLength
    if (this.expectedSize !== null && this.size > this.expectedSize) throw this.sizeMismatch()
    this.check.hash.update(bytes)
  }

  /** Forgets every byte seen: the blob is read again from its first byte. */
  reset(): void {
    this.check = startDigest(this.digest)
    this.size = 0
  }

  /** Throws DigestMismatch unless the bytes seen are the blob: size first, then digest. */
  finish(what: string): void {
    if (this.expectedSize !== null && this.size !== this.expectedSize) throw this.sizeMismatch()
    finishDigest(this.check, what, this.size)
  }

  private sizeMismatch(): AppErrorException {
    return new AppErrorException({
      code: 'DigestMismatch',
      message: `Size mismatch: the manifest says ${this.expectedSize} bytes, the download has ${this.size} bytes.`,
    })
  }
}
