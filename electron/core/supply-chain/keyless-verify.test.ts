import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SIGSTORE_JS_DSSE_BUNDLE } from '../../demo-registry/samples/sigstore-bundle'
import {
  keylessVerdictInWords,
  shippedTrustedRoot,
  trustedRoot,
  verifyKeylessBundle,
} from './keyless-verify'

// Keyless bundles verified offline, against test vectors from sigstore-js's own fixtures
// (testdata/README.md) and the Sigstore public-good trusted root @sigstore/tuf ships.
const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url))
const dsse = testdata('sigstore-js-bundle-v0.3-dsse.json')
const message = testdata('sigstore-js-bundle-v0.3-message.json')
const artifact = Buffer.from('hello, world!')
const artifactDigest = `sha256:${createHash('sha256').update(artifact).digest('hex')}`
const otherImage = `sha256:${'ab'.repeat(32)}`

describe('keyless verification', () => {
  it('reads the root the app ships: public-good Fulcio and Rekor, newest key from 2025', () => {
    const { root, newest } = shippedTrustedRoot()
    expect(root.certificateAuthorities.map((ca) => ca.uri)).toContain('https://fulcio.sigstore.dev')
    expect(root.tlogs.map((t) => t.baseUrl)).toContain('https://rekor.sigstore.dev')
    expect(newest.getTime()).toBeGreaterThanOrEqual(Date.parse('2025-01-01T00:00:00Z'))
  })

  it('verifies a DSSE bundle: valid, covering the payload it signs, with its identity', () => {
    const check = verifyKeylessBundle({ bundleBytes: dsse, subjectDigest: artifactDigest })
    expect(check.verdict).toEqual({ kind: 'covers-this-image', digest: artifactDigest })
    expect(check.identity).toMatchObject({
      subject: 'brian@dehamer.com',
      issuer: 'https://github.com/login/oauth',
      notBefore: '2024-04-04T17:34:52.000Z',
      signedDigest: artifactDigest,
    })
    expect(keylessVerdictInWords(check.verdict)).toBe('Valid, covers this image')
  })

  it('says a valid DSSE bundle covers another digest when it is not this image', () => {
    const check = verifyKeylessBundle({ bundleBytes: dsse, subjectDigest: otherImage })
    expect(check.verdict).toEqual({
      kind: 'covers-another-digest',
      digest: artifactDigest,
      checkedBy: 'signature',
    })
    expect(keylessVerdictInWords(check.verdict)).toBe(
      `Valid signature, but it covers another digest: ${artifactDigest}`,
    )
  })

  it('verifies a message signature over the bytes it signs, and refuses other bytes', () => {
    expect(
      verifyKeylessBundle({ bundleBytes: message, subjectDigest: artifactDigest, artifact })
        .verdict,
    ).toEqual({ kind: 'covers-this-image', digest: artifactDigest })
    const tampered = verifyKeylessBundle({
      bundleBytes: message,
      subjectDigest: artifactDigest,
      artifact: Buffer.from('hello, world?'),
    })
    expect(tampered.verdict.kind).toBe('invalid')
  })

  it('checks a message signature over other bytes through its log entry, and says so', () => {
    const check = verifyKeylessBundle({ bundleBytes: message, subjectDigest: otherImage })
    expect(check.verdict).toEqual({
      kind: 'covers-another-digest',
      digest: artifactDigest,
      checkedBy: 'transparency-log',
    })
    expect(check.identity?.notBefore).toBe('2022-11-09T01:33:09.000Z')
    expect(keylessVerdictInWords(check.verdict)).toContain(
      'checked by the Sigstore transparency log when it was recorded',
    )
  })

  it('verifies against the trusted root sigstore-js tests these vectors with', () => {
    const fixtureRoot = trustedRoot(
      JSON.parse(testdata('sigstore-js-trusted-root.json').toString()),
    )
    expect(
      verifyKeylessBundle({
        bundleBytes: message,
        subjectDigest: artifactDigest,
        artifact,
        trusted: fixtureRoot,
      }).verdict,
    ).toEqual({ kind: 'covers-this-image', digest: artifactDigest })
  })

  it('refuses a bundle whose signature was altered', () => {
    const bundle = JSON.parse(dsse.toString()) as {
      dsseEnvelope: { signatures: { sig: string }[] }
    }
    const sig = Buffer.from(bundle.dsseEnvelope.signatures[0]!.sig, 'base64')
    sig.writeUInt8(sig.readUInt8(sig.length - 1) ^ 1, sig.length - 1)
    bundle.dsseEnvelope.signatures[0]!.sig = sig.toString('base64')
    const check = verifyKeylessBundle({
      bundleBytes: Buffer.from(JSON.stringify(bundle)),
      subjectDigest: artifactDigest,
    })
    expect(check.verdict.kind).toBe('invalid')
    expect(keylessVerdictInWords(check.verdict)).toMatch(/^Does not verify: /)
  })

  it('says plainly when the root in the app is older than the certificate', () => {
    // The shipped root as it would have been before 2022: only the keys valid from before then.
    const json = JSON.parse(
      Buffer.from(
        (
          JSON.parse(
            readFileSync(
              new URL('../../../node_modules/@sigstore/tuf/seeds.json', import.meta.url),
              'utf8',
            ),
          ) as Record<string, { targets: Record<string, string> }>
        )['https://tuf-repo-cdn.sigstore.dev']!.targets['trusted_root.json']!,
        'base64',
      ).toString(),
    ) as Record<
      string,
      { validFor?: { start: string }; publicKey?: { validFor?: { start: string } } }[]
    >
    const before2022 = (e: {
      validFor?: { start: string }
      publicKey?: { validFor?: { start: string } }
    }) =>
      Date.parse((e.validFor ?? e.publicKey?.validFor)?.start ?? '2100-01-01') <
      Date.parse('2022-01-01')
    for (const key of ['certificateAuthorities', 'tlogs', 'ctlogs', 'timestampAuthorities'])
      json[key] = (json[key] ?? []).filter(before2022)
    const old = trustedRoot(json)
    expect(old.newest.toISOString()).toBe('2022-12-31T23:59:59.999Z')
    const check = verifyKeylessBundle({
      bundleBytes: dsse,
      subjectDigest: artifactDigest,
      trusted: old,
    })
    expect(check.verdict).toEqual({
      kind: 'root-older-than-certificate',
      certificateIssued: '2024-04-04T17:34:52.000Z',
      rootNewest: '2022-12-31T23:59:59.999Z',
    })
    expect(keylessVerdictInWords(check.verdict)).toBe(
      "Cannot be verified with the trusted root in the app: the certificate was issued on 2024-04-04T17:34:52.000Z, after the newest key in the app's Sigstore trusted root (2022-12-31T23:59:59.999Z). Update the app to get a newer root.",
    )
    // The identity is still shown.
    expect(check.identity?.subject).toBe('brian@dehamer.com')
  })

  it("is the vector the demo registry serves (demo/signed's keyless referrer)", () => {
    expect(SIGSTORE_JS_DSSE_BUNDLE).toEqual(JSON.parse(dsse.toString()))
  })

  it('says why a bundle cannot be read', () => {
    expect(
      verifyKeylessBundle({ bundleBytes: Buffer.from('{}'), subjectDigest: otherImage }).verdict,
    ).toEqual({ kind: 'unreadable-bundle', reason: 'Not a Sigstore bundle.' })
  })
})
