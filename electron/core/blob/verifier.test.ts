import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AppErrorException } from '../../../shared/ipc/result'
import { Verifier } from './verifier'

const data = randomBytes(5 * 1024 * 1024 + 123)
const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppErrorException)
  return (error as AppErrorException).error
}

// Feeds the bytes in uneven pieces, waiting whenever the verifier asks the sender to pause.
async function feed(verifier: Verifier, bytes: Buffer) {
  for (let at = 0; at < bytes.length; at += 300_007) {
    if (!verifier.update(bytes.subarray(at, at + 300_007))) await verifier.drained()
  }
}

describe.each([
  { where: 'on the hash thread', offThread: true },
  { where: 'inline', offThread: false },
])('Verifier hashing $where', ({ offThread }) => {
  it('accepts the blob’s bytes, and after a reset the same bytes again', async () => {
    const verifier = new Verifier(digest, data.length, { offThread })
    await feed(verifier, data.subarray(0, 2_000_000))
    verifier.reset()
    await feed(verifier, data)
    await verifier.finish('Blob')
    expect(verifier.size).toBe(data.length)
  })

  it('names both digests when one byte differs', async () => {
    const verifier = new Verifier(digest, data.length, { offThread })
    const corrupt = Buffer.from(data)
    corrupt.writeUInt8(corrupt.readUInt8(4_000_000) ^ 0xff, 4_000_000)
    await feed(verifier, corrupt)
    const error = await failure(verifier.finish('Blob'))
    expect(error.code).toBe('DigestMismatch')
    expect(error.message).toMatch(new RegExp(`^Blob: expected ${digest}, got sha256:[0-9a-f]{64}`))
  })

  it('stops at the first byte past the manifest’s size, and on a short blob at the end', async () => {
    const longer = new Verifier(digest, 1000, { offThread })
    expect(() => longer.update(data.subarray(0, 1001))).toThrow(/manifest says 1000 bytes/)
    const shorter = new Verifier(digest, data.length, { offThread })
    await feed(shorter, data.subarray(0, 10))
    expect((await failure(shorter.finish('Blob'))).message).toContain('the download has 10 bytes')
  })
})
