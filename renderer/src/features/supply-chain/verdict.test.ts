import { describe, expect, it } from 'vitest'
import { verdictWords } from './verdict'

const digest = `sha256:${'b'.repeat(64)}`

describe('signature verdicts in words', () => {
  it('says valid and that it covers this image', () => {
    const words = verdictWords({ kind: 'covers-this-image', digest })
    expect(words).toMatchObject({ tone: 'valid', title: 'Valid — covers this image' })
    expect(words.detail).toContain(digest)
    expect(words.detail).toContain('verifies with this key')
  })

  it('names the trusted key that verified', () => {
    expect(
      verdictWords({ kind: 'covers-this-image', digest, keyName: 'release key' }).detail,
    ).toContain('with the trusted key “release key”')
  })

  it('says a valid signature of another digest covers that digest, not this image', () => {
    const words = verdictWords({ kind: 'covers-another-digest', digest })
    expect(words.tone).toBe('warning')
    expect(words.title).toBe(`Valid signature, but it covers another digest: ${digest}`)
    expect(words.detail).toContain('do not treat this image as signed')
  })

  it('says plainly when the key did not make the signature', () => {
    expect(verdictWords({ kind: 'does-not-verify' })).toMatchObject({
      tone: 'invalid',
      title: 'Does not verify with this key',
    })
  })

  it('names the trusted keys it tried when none verified', () => {
    const words = verdictWords({ kind: 'does-not-verify', triedKeys: ['ci', 'release'] })
    expect(words.title).toBe('Does not verify with any trusted key')
    expect(words.detail).toMatch(/^Tried “ci”, “release”: none of them made this signature/)
  })

  it('gives the reason and what to do when the key or the signature is unusable', () => {
    const key = verdictWords({ kind: 'unusable-key', reason: 'That is a private key.' })
    expect(key.title).toBe('This key can’t be used')
    expect(key.detail).toMatch(/^That is a private key\. A usable key is a PEM public key/)
    const sig = verdictWords({ kind: 'unreadable-signature', reason: 'Not base64.' })
    expect(sig.title).toBe('The signature can’t be read')
    expect(sig.detail).toContain('sign it again')
  })
})
