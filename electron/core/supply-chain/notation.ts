import { verify as verifySignature, X509Certificate } from 'node:crypto'
import { z } from 'zod'
import type { NotationSummary } from '../../../shared/models/supply-chain'
import { clip, parseJsonBytes, type Parsed } from './limits'

// Notation (Notary Project) signatures, the format AWS Signer uses: an OCI artifact of type
// application/vnd.cncf.notary.signature whose layer is a JWS envelope (application/jose+json).
// The app shows who signed, when, and what digest; trust policies are Notation's business.

export const NOTATION_ARTIFACT_TYPE = 'application/vnd.cncf.notary.signature'
export const NOTATION_JWS = 'application/jose+json'
export const NOTATION_COSE = 'application/cose'

const b64url = z
  .string()
  .max(8 * 1024 * 1024)
  .regex(/^[A-Za-z0-9_-]*$/)
const envelope = z.object({
  payload: b64url,
  protected: b64url,
  header: z
    .object({
      x5c: z
        .array(z.string().max(64 * 1024))
        .max(10)
        .optional(),
      'io.cncf.notary.signingAgent': z.string().optional(),
    })
    .optional(),
  signature: b64url,
})
const header = z.object({
  alg: z.string().max(16),
  cty: z.string().max(256).optional(),
  'io.cncf.notary.signingScheme': z.string().max(64).optional(),
  'io.cncf.notary.signingTime': z.string().max(64).optional(),
  'io.cncf.notary.expiry': z.string().max(64).optional(),
})
const payload = z.object({
  targetArtifact: z.object({
    mediaType: z.string().max(256),
    digest: z.string().max(200),
    size: z.number().optional(),
  }),
})

/** What the JWS says, and whether its signature matches its own leaf certificate (integrity, not trust). */
export interface NotationReading extends NotationSummary {
  matchesCertificate: boolean
}

const ALGORITHMS: Record<string, { hash: string; pss?: boolean }> = {
  ES256: { hash: 'sha256' },
  ES384: { hash: 'sha384' },
  ES512: { hash: 'sha512' },
  PS256: { hash: 'sha256', pss: true },
  PS384: { hash: 'sha384', pss: true },
  PS512: { hash: 'sha512', pss: true },
}

function json(part: string): unknown {
  return parseJsonBytes(Buffer.from(part, 'base64url'), 1024 * 1024)
}

/** Reads a Notation JWS envelope. */
export function parseNotationJws(bytes: Uint8Array): Parsed<NotationReading> {
  const doc = parseJsonBytes(bytes, 1024 * 1024)
  if (!doc.ok) return doc
  const env = envelope.safeParse(doc.value)
  if (!env.success)
    return { ok: false, problem: 'Not a JWS envelope (payload, protected, signature).' }
  const h = json(env.data.protected) as Parsed<unknown>
  const p = json(env.data.payload) as Parsed<unknown>
  const hd = h.ok ? header.safeParse(h.value) : null
  const pd = p.ok ? payload.safeParse(p.value) : null
  if (!hd?.success)
    return { ok: false, problem: 'The JWS protected header is not a Notation header.' }
  if (!pd?.success) return { ok: false, problem: 'The JWS payload names no target artifact.' }
  let signer: string | null = null
  let issuer: string | null = null
  let matchesCertificate = false
  const leaf = env.data.header?.x5c?.[0]
  if (leaf !== undefined) {
    try {
      const cert = new X509Certificate(Buffer.from(leaf, 'base64'))
      signer = clip(cert.subject.replace(/\n/g, ', '), 500)
      issuer = clip(cert.issuer.replace(/\n/g, ', '), 500)
      const alg = ALGORITHMS[hd.data.alg]
      if (alg) {
        const input = Buffer.from(`${env.data.protected}.${env.data.payload}`)
        const signature = Buffer.from(env.data.signature, 'base64url')
        matchesCertificate = alg.pss
          ? verifySignature(
              alg.hash,
              input,
              { key: cert.publicKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: -2 },
              signature,
            )
          : verifySignature(
              alg.hash,
              input,
              { key: cert.publicKey, dsaEncoding: 'ieee-p1363' },
              signature,
            )
      }
    } catch {
      matchesCertificate = false
    }
  }
  return {
    ok: true,
    value: {
      signer,
      issuer,
      signingTime: hd.data['io.cncf.notary.signingTime'] ?? null,
      expiry: hd.data['io.cncf.notary.expiry'] ?? null,
      signingScheme: hd.data['io.cncf.notary.signingScheme'] ?? null,
      signingAgent: env.data.header?.['io.cncf.notary.signingAgent']
        ? clip(env.data.header['io.cncf.notary.signingAgent'], 300)
        : null,
      algorithm: hd.data.alg,
      signedDigest: pd.data.targetArtifact.digest,
      signedMediaType: pd.data.targetArtifact.mediaType,
      matchesCertificate,
    },
  }
}
