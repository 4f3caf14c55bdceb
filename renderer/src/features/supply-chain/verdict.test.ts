import { describe, expect, it } from 'vitest'
import { keylessWords, verdictWords } from './verdict'

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

describe('keyless verdicts in words', () => {
  it('says valid, covers this image, and asks to check the identity', () => {
    const words = keylessWords({ kind: 'covers-this-image', digest })
    expect(words).toMatchObject({ tone: 'valid', title: 'Valid — covers this image' })
    expect(words.detail).toContain('identity above')
  })

  it('names the other digest, and who checked it', () => {
    const byLog = keylessWords({
      kind: 'covers-another-digest',
      digest,
      checkedBy: 'transparency-log',
    })
    expect(byLog.title).toBe(`Valid signature, but it covers another digest: ${digest}`)
    expect(byLog.detail).toContain('transparency log recorded')
  })

  it('says plainly when the app’s trusted root is older than the certificate, and what to do', () => {
    const words = keylessWords({
      kind: 'root-older-than-certificate',
      certificateIssued: '2024-04-04T17:34:52.000Z',
      rootNewest: '2022-12-31T23:59:59.999Z',
    })
    expect(words.title).toBe('The app’s Sigstore trusted root is older than this certificate')
    expect(words.detail).toContain('issued 2024-04-04T17:34:52.000Z')
    expect(words.detail).toContain('(2022-12-31T23:59:59.999Z)')
    expect(words.detail).toContain('Update the app')
  })

  it('gives the reason when it does not verify or cannot be read', () => {
    expect(keylessWords({ kind: 'invalid', reason: 'The chain is broken.' })).toMatchObject({
      tone: 'invalid',
      title: 'Does not verify',
      detail: 'The chain is broken. Do not trust this signature.',
    })
    expect(
      keylessWords({ kind: 'unreadable-bundle', reason: 'Not a Sigstore bundle.' }).title,
    ).toBe('The bundle can’t be read')
  })
})
