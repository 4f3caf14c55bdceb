import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto'
import { z } from 'zod'
import { SHA256_DIGEST } from '../../../shared/digest'
import type { PublicKeyKind, SignatureVerdict } from '../../../shared/models/supply-chain'
import { clip, parseJsonBytes, type Parsed } from './limits'

// cosign key-based signatures: the signed bytes are the simple-signing payload (a layer of media
// type application/vnd.dev.cosign.simplesigning.v1+json); the signature is the base64 annotation
// dev.cosignproject.cosign/signature on that layer. Verification runs here, in main; only the
// verdict leaves.

export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature'
export const COSIGN_SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json'
export const MAX_KEY_PEM_BYTES = 16 * 1024

const simpleSigning = z.object({
  critical: z.object({
    identity: z
      .object({ 'docker-reference': z.string().max(4096) })
      .partial()
      .optional(),
    image: z.object({ 'docker-manifest-digest': z.string().regex(SHA256_DIGEST) }),
    type: z.string().max(256),
  }),
  optional: z.record(z.string(), z.unknown()).nullable().optional(),
})

/** The claims a simple-signing payload makes (before any key has checked them). */
export interface SimpleSigningPayload {
  dockerReference: string | null
  manifestDigest: string
  type: string
  optional: Record<string, string>
}

/** Reads a cosign simple-signing payload. */
export function parseSimpleSigning(bytes: Uint8Array): Parsed<SimpleSigningPayload> {
  const json = parseJsonBytes(bytes, 1024 * 1024)
  if (!json.ok) return json
  const p = simpleSigning.safeParse(json.value)
  if (!p.success)
    return {
      ok: false,
      problem: 'Not a cosign simple-signing payload (critical.image.docker-manifest-digest).',
    }
  const optional: Record<string, string> = {}
  for (const [k, v] of Object.entries(p.data.optional ?? {}).slice(0, 50)) {
    optional[clip(k, 200)] = clip(typeof v === 'string' ? v : JSON.stringify(v))
  }
  return {
    ok: true,
    value: {
      dockerReference: p.data.critical.identity?.['docker-reference'] ?? null,
      manifestDigest: p.data.critical.image['docker-manifest-digest'],
      type: p.data.critical.type,
      optional,
    },
  }
}

/** A public key the user trusts, parsed; private keys are refused so none is ever stored. */
export interface TrustedKey {
  key: KeyObject
  kind: PublicKeyKind
}

/** Parses a PEM public key (SubjectPublicKeyInfo or PKCS#1 RSA) of a kind cosign signs with. */
export function parsePublicKey(pem: string): Parsed<TrustedKey> {
  if (pem.length > MAX_KEY_PEM_BYTES)
    return { ok: false, problem: 'That is too long to be a public key.' }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    return {
      ok: false,
      problem: 'That is a private key. Paste the public key (cosign.pub), never the private one.',
    }
  }
  if (!/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY)-----/.test(pem)) {
    return {
      ok: false,
      problem: 'That is not a PEM public key (it should start with -----BEGIN PUBLIC KEY-----).',
    }
  }
  let key: KeyObject
  try {
    key = createPublicKey({ key: pem, format: 'pem' })
  } catch {
    return { ok: false, problem: 'The PEM block could not be read as a public key.' }
  }
  const type = key.asymmetricKeyType
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve
    if (curve === 'prime256v1') return { ok: true, value: { key, kind: 'ECDSA P-256' } }
    if (curve === 'secp384r1') return { ok: true, value: { key, kind: 'ECDSA P-384' } }
    return { ok: false, problem: `cosign does not sign with ECDSA on curve ${curve ?? 'unknown'}.` }
  }
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
    if (bits < 2048)
      return { ok: false, problem: `An RSA key of ${bits} bits is too weak to trust.` }
    return { ok: true, value: { key, kind: 'RSA' } }
  }
  if (type === 'ed25519') return { ok: true, value: { key, kind: 'Ed25519' } }
  return { ok: false, problem: `cosign does not sign with ${type ?? 'this kind of'} keys.` }
}

/** Checks a signature over bytes as cosign makes it: ECDSA (DER) and RSA PKCS#1 v1.5 over SHA-256, Ed25519 pure. */
export function verifyBytes(key: TrustedKey, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (key.kind === 'Ed25519') return verifySignature(null, data, key.key, signature)
    return verifySignature(
      key.kind === 'ECDSA P-384' ? 'sha384' : 'sha256',
      data,
      key.key,
      signature,
    )
  } catch {
    return false
  }
}

/** Decodes a base64 signature annotation; null when it is not base64. */
export function decodeSignature(value: string): Buffer | null {
  const trimmed = value.trim()
  if (trimmed === '' || trimmed.length > 64 * 1024 || !/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed))
    return null
  return Buffer.from(trimmed, 'base64')
}

/** The verdict on one cosign signature for the image `subjectDigest`, with the user's key. */
export function verifyCosignSignature(input: {
  publicKeyPem: string
  payload: Uint8Array
  signatureBase64: string | undefined
  subjectDigest: string
}): SignatureVerdict {
  const key = parsePublicKey(input.publicKeyPem)
  if (!key.ok) return { kind: 'unusable-key', reason: key.problem }
  if (input.signatureBase64 === undefined) {
    return {
      kind: 'unreadable-signature',
      reason: `The payload layer has no ${COSIGN_SIGNATURE_ANNOTATION} annotation.`,
    }
  }
  const signature = decodeSignature(input.signatureBase64)
  if (signature === null)
    return { kind: 'unreadable-signature', reason: 'The signature annotation is not base64.' }
  if (!verifyBytes(key.value, input.payload, signature)) return { kind: 'does-not-verify' }
  // The bytes are the signer's; only now are the payload's claims worth reading.
  const payload = parseSimpleSigning(input.payload)
  if (!payload.ok) return { kind: 'unreadable-signature', reason: payload.problem }
  const digest = payload.value.manifestDigest
  return digest === input.subjectDigest
    ? { kind: 'covers-this-image', digest }
    : { kind: 'covers-another-digest', digest }
}

/** The verdict in the words the user is shown. */
export function verdictInWords(v: SignatureVerdict): string {
  switch (v.kind) {
    case 'covers-this-image':
      return 'Valid, covers this image'
    case 'covers-another-digest':
      return `Valid signature, but it covers another digest: ${v.digest}`
    case 'does-not-verify':
      return 'Does not verify with this key'
    case 'unusable-key':
      return `This key cannot be used: ${v.reason}`
    case 'unreadable-signature':
      return `The signature cannot be read: ${v.reason}`
  }
}
