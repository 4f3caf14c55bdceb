import { X509Certificate } from 'node:crypto'
import { z } from 'zod'
import type { KeylessIdentity } from '../../../shared/models/supply-chain'
import { clip, parseJsonBytes, type Parsed } from './limits'

// Keyless (Fulcio) signatures in Sigstore bundles: the identity is on the short-lived certificate,
// its subject in the SAN and its OIDC issuer in a Fulcio extension.

const bytes = z.object({ rawBytes: z.string().max(64 * 1024) })
const bundle = z.object({
  mediaType: z.string().regex(/^application\/vnd\.dev\.sigstore\.bundle(\.v0\.3)?\+json/),
  verificationMaterial: z.object({
    certificate: bytes.optional(),
    x509CertificateChain: z.object({ certificates: z.array(bytes).min(1).max(10) }).optional(),
    publicKey: z.object({ hint: z.string().max(1024).optional() }).optional(),
  }),
  messageSignature: z
    .object({
      messageDigest: z
        .object({ algorithm: z.string().max(32), digest: z.string().max(200) })
        .optional(),
    })
    .optional(),
  dsseEnvelope: z.object({ payloadType: z.string().max(256), payload: z.string() }).optional(),
})

// Fulcio's OIDC issuer: 1.3.6.1.4.1.57264.1.1 (raw string, deprecated) and 1.3.6.1.4.1.57264.1.8 (DER UTF8String).
const FULCIO_ARC = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01])

/** Reads the OIDC issuer from a Fulcio certificate's DER, by its extension OID. */
export function fulcioIssuer(der: Buffer): string | null {
  let legacy: string | null = null
  for (let i = der.indexOf(FULCIO_ARC); i !== -1; i = der.indexOf(FULCIO_ARC, i + 1)) {
    const arc = der[i + FULCIO_ARC.length]
    let at = i + FULCIO_ARC.length + 1
    if (der[at] === 0x01) at += 3 // critical BOOLEAN
    if (der[at] !== 0x04) continue
    const len = der[at + 1]!
    if (len >= 0x80) continue
    const value = der.subarray(at + 2, at + 2 + len)
    if (arc === 0x08 && value[0] === 0x0c && value[1]! < 0x80) {
      return clip(value.subarray(2, 2 + value[1]!).toString('utf8'), 500)
    }
    if (arc === 0x01) legacy = clip(value.toString('utf8'), 500)
  }
  return legacy
}

/** The identity of a Sigstore bundle's signing certificate (not a verdict: see verifyKeylessBundle). */
export function keylessIdentity(
  data: Uint8Array,
): Parsed<KeylessIdentity & { certificateDer: Buffer }> {
  const json = parseJsonBytes(data, 4 * 1024 * 1024)
  if (!json.ok) return json
  const b = bundle.safeParse(json.value)
  if (!b.success) return { ok: false, problem: 'Not a Sigstore bundle.' }
  const vm = b.data.verificationMaterial
  const raw = vm.certificate?.rawBytes ?? vm.x509CertificateChain?.certificates[0]?.rawBytes
  if (raw === undefined)
    return {
      ok: false,
      problem: 'The bundle is signed with a key, not a certificate: there is no identity to show.',
    }
  let cert: X509Certificate
  const der = Buffer.from(raw, 'base64')
  try {
    cert = new X509Certificate(der)
  } catch {
    return { ok: false, problem: 'The bundle’s certificate cannot be read.' }
  }
  const san = cert.subjectAltName ?? ''
  const subject = /(?:^|, )(?:email|URI):([^,]+)/.exec(san)?.[1] ?? null
  let signedDigest: string | null = null
  const md = b.data.messageSignature?.messageDigest
  if (md)
    signedDigest = `${md.algorithm.toLowerCase().replace('sha2_256', 'sha256')}:${Buffer.from(md.digest, 'base64').toString('hex')}`
  return {
    ok: true,
    value: {
      subject: subject ? clip(subject, 500) : null,
      issuer: fulcioIssuer(der),
      notBefore: new Date(cert.validFrom).toISOString(),
      notAfter: new Date(cert.validTo).toISOString(),
      signedDigest,
      certificateDer: der,
    },
  }
}
