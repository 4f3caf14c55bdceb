import type { SignatureVerdict } from '../../../../shared/models/supply-chain'

/** A verdict as the Verify form shows it: a headline, what it means, and how it reads (good, bad). */
export interface VerdictWords {
  tone: 'valid' | 'warning' | 'invalid'
  title: string
  detail: string
}

/** How the check was asked for: with a key the user gave, or with the repository's trusted keys. */
export interface VerdictContext {
  /** True when main tried the trusted keys of the repository instead of a pasted key. */
  trustedKeys?: boolean
  /** The trusted key that verified, when main names it. */
  keyName?: string | null
}

/**
 * The verdict in plain words. The three answers are the issue's own; the two failures before a
 * check can run say what was wrong and what to do.
 */
export function verdictWords(
  verdict: SignatureVerdict,
  { trustedKeys = false, keyName = null }: VerdictContext = {},
): VerdictWords {
  const withKey = keyName ? ` with the trusted key “${keyName}”` : ' with this key'
  switch (verdict.kind) {
    case 'covers-this-image':
      return {
        tone: 'valid',
        title: 'Valid — covers this image',
        detail: `The signature verifies${withKey}, and the digest it signs, ${verdict.digest}, is this image’s.`,
      }
    case 'covers-another-digest':
      return {
        tone: 'warning',
        title: `Valid signature, but it covers another digest: ${verdict.digest}`,
        detail: `The key made this signature, but for a different image: it was copied onto this one. It says nothing about this image; do not treat this image as signed.`,
      }
    case 'does-not-verify':
      return {
        tone: 'invalid',
        title: trustedKeys
          ? 'Does not verify with any trusted key'
          : 'Does not verify with this key',
        detail:
          'Either another key made this signature, or its payload was changed after signing. Check that you have the signer’s public key (cosign.pub) and try again.',
      }
    case 'unusable-key':
      return {
        tone: 'invalid',
        title: 'This key can’t be used',
        detail: `${verdict.reason} Paste a PEM public key (ECDSA P-256 or P-384, RSA of 2048 bits or more, or Ed25519) that starts with -----BEGIN PUBLIC KEY-----.`,
      }
    case 'unreadable-signature':
      return {
        tone: 'invalid',
        title: 'The signature can’t be read',
        detail: `${verdict.reason} No key can verify it: ask whoever signed the image to sign it again (cosign sign).`,
      }
  }
}
