import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { OffThreadHash } from './hash-worker'

const MiB = 1024 * 1024

describe('OffThreadHash', () => {
  it('hashes shared views in place and copied bytes in the order given', async () => {
    const bytes = randomBytes(5 * MiB + 17)
    const shared = new SharedArrayBuffer(bytes.length)
    const view = new Uint8Array(shared)
    view.set(bytes)
    const hash = new OffThreadHash('sha256')
    // Copied, then in place, then copied again (a partial chunk before a view goes first).
    hash.update(bytes.subarray(0, MiB + 5))
    const first = hash.updateShared(view.subarray(MiB + 5, 3 * MiB))
    hash.update(bytes.subarray(3 * MiB, 3 * MiB + 100))
    const second = hash.updateShared(view.subarray(3 * MiB + 100))
    await Promise.all([first, second])
    expect(await hash.digest()).toBe(createHash('sha256').update(bytes).digest('hex'))
  })

  it('resolves each shared view once it is hashed, so its memory may be reused', async () => {
    const chunk = randomBytes(MiB)
    const shared = new SharedArrayBuffer(MiB)
    const view = new Uint8Array(shared)
    const hash = new OffThreadHash('sha256')
    const expected = createHash('sha256')
    // One buffer refilled after each hash: reusing it early would change the digest.
    for (let i = 0; i < 4; i++) {
      chunk[0] = i
      view.set(chunk)
      expected.update(chunk)
      await hash.updateShared(view)
    }
    expect(await hash.digest()).toBe(expected.digest('hex'))
  })

  it('takes only views of shared memory in place', () => {
    const hash = new OffThreadHash('sha256')
    expect(() => hash.updateShared(new Uint8Array(16))).toThrow(TypeError)
    hash.abandon()
  })
})
