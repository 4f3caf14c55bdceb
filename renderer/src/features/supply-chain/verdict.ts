import type { KeylessVerdict, SignatureVerdict } from '../../../../shared/models/supply-chain'

/** A verdict as the Verify form shows it: a headline, what it means, and how it reads (good, bad). */
export interface VerdictWords {
  tone: 'valid' | 'warning' | 'invalid'
  title: string
  detail: string
}

/**
 * The verdict in plain words. The three answers are the issue's own; the two failures before a
 * check can run say what was wrong and what to do. A verdict from the trusted keys (settings)
 * names the key that verified, or the keys that were tried.
 */
export function verdictWords(verdict: SignatureVerdict): VerdictWords {
  switch (verdict.kind) {
    case 'covers-this-image':
      return {
        tone: 'valid',
        title: 'Valid — covers this image',
        detail: `The signature verifies ${withKey(verdict.keyName)}, and the digest it signs, ${verdict.digest}, is this image’s.`,
      }
    case 'covers-another-digest':
      return {
        tone: 'warning',
        title: `Valid signature, but it covers another digest: ${verdict.digest}`,
        detail: `The signature verifies ${withKey(verdict.keyName)}, but it was made for a different image and copied onto this one. It says nothing about this image: do not treat this image as signed.`,
      }
    case 'does-not-verify':
      return verdict.triedKeys
        ? {
            tone: 'invalid',
            title: 'Does not verify with any trusted key',
            detail: `Tried ${verdict.triedKeys.map((k) => `“${k}”`).join(', ')}: none of them made this signature, or its payload was changed after signing. Paste the signer’s public key (cosign.pub) to check it against another key.`,
          }
        : {
            tone: 'invalid',
            title: 'Does not verify with this key',
            detail:
              'Either another key made this signature, or its payload was changed after signing. Check that you have the signer’s public key (cosign.pub) and try again.',
          }
    case 'unusable-key':
      return {
        tone: 'invalid',
        title: 'This key can’t be used',
        detail: `${verdict.reason} A usable key is a PEM public key (ECDSA P-256 or P-384, RSA of 2048 bits or more, or Ed25519) that starts with -----BEGIN PUBLIC KEY-----.`,
      }
    case 'unreadable-signature':
      return {
        tone: 'invalid',
        title: 'The signature can’t be read',
        detail: `${verdict.reason} No key can verify it: ask whoever signed the image to sign it again (cosign sign).`,
      }
  }
}

const withKey = (keyName: string | undefined) =>
  keyName ? `with the trusted key “${keyName}”` : 'with this key'

/** A keyless (Sigstore bundle) verdict in plain words, with what to do when it does not hold. */
export function keylessWords(verdict: KeylessVerdict): VerdictWords {
  switch (verdict.kind) {
    case 'covers-this-image':
      return {
        tone: 'valid',
        title: 'Valid — covers this image',
        detail: `The certificate chains to the Sigstore root the app ships, the transparency log recorded the signature, and it signs ${verdict.digest}, this image’s digest. Check that the identity above is one you trust.`,
      }
    case 'covers-another-digest':
      return {
        tone: 'warning',
        title: `Valid signature, but it covers another digest: ${verdict.digest}`,
        detail:
          verdict.checkedBy === 'transparency-log'
            ? 'The Sigstore transparency log recorded this signature for that digest, not for this image. It says nothing about this image: do not treat this image as signed.'
            : 'The signature verifies, but for that digest, not for this image. It says nothing about this image: do not treat this image as signed.',
      }
    case 'invalid':
      return {
        tone: 'invalid',
        title: 'Does not verify',
        detail: `${verdict.reason} Do not trust this signature.`,
      }
    case 'root-older-than-certificate':
      return {
        tone: 'warning',
        title: 'The app’s Sigstore trusted root is older than this certificate',
        detail: `The certificate was issued ${verdict.certificateIssued}, after the newest key in the trusted root the app ships (${verdict.rootNewest}), so the app cannot check it offline. Update the app, or verify with cosign verify, which fetches the current root.`,
      }
    case 'unreadable-bundle':
      return {
        tone: 'invalid',
        title: 'The bundle can’t be read',
        detail: `${verdict.reason} Ask whoever signed the image to sign it again (cosign sign).`,
      }
  }
}
