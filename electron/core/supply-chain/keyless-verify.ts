import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { bundleFromJSON, type Bundle } from '@sigstore/bundle'
import { HashAlgorithm, TrustedRoot } from '@sigstore/protobuf-specs'
import {
  toSignedEntity,
  toTrustMaterial,
  VerificationError,
  Verifier,
  type SignedEntity,
} from '@sigstore/verify'
import { z } from 'zod'
import type {
  KeylessCheck,
  KeylessIdentity,
  KeylessVerdict,
} from '../../../shared/models/supply-chain'
import { keylessIdentity } from './keyless'
import { clip, parseJsonBytes } from './limits'

// Keyless (Fulcio certificate) Sigstore bundles, verified offline in main against the Sigstore
// public-good trusted root that @sigstore/tuf ships as its TUF seed (seeds.json: the root.json
// and the trusted_root.json target of https://tuf-repo-cdn.sigstore.dev). Nothing is fetched:
// an app whose root is older than a certificate says so rather than guessing.

const SEED_REPOSITORY = 'https://tuf-repo-cdn.sigstore.dev'
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024

const seeds = z.record(
  z.string(),
  z.object({ targets: z.record(z.string(), z.string()) }).passthrough(),
)

/** The trusted root and the newest moment any of its keys became (or stopped being) valid. */
export interface AppTrustedRoot {
  root: TrustedRoot
  /** The newest validFor start or end of its Fulcio CAs, Rekor and CT logs and TSAs. */
  newest: Date
}

let shipped: AppTrustedRoot | null = null

/** The Sigstore public-good trusted root @sigstore/tuf ships, read once. */
export function shippedTrustedRoot(): AppTrustedRoot {
  if (shipped) return shipped
  const file = createRequire(import.meta.url).resolve('@sigstore/tuf/seeds.json')
  const parsed = seeds.parse(JSON.parse(readFileSync(file, 'utf8')))
  const target = parsed[SEED_REPOSITORY]?.targets['trusted_root.json']
  if (!target)
    throw new Error(`@sigstore/tuf's seeds.json has no trusted_root.json for ${SEED_REPOSITORY}`)
  shipped = trustedRoot(JSON.parse(Buffer.from(target, 'base64').toString('utf8')))
  return shipped
}

/** A trusted root from its JSON form (application/vnd.dev.sigstore.trustedroot+json). */
export function trustedRoot(json: unknown): AppTrustedRoot {
  const root = TrustedRoot.fromJSON(json)
  const times: Date[] = []
  const add = (range: { start?: Date | undefined; end?: Date | undefined } | undefined) => {
    if (range?.start) times.push(range.start)
    if (range?.end) times.push(range.end)
  }
  for (const ca of [...root.certificateAuthorities, ...root.timestampAuthorities]) add(ca.validFor)
  for (const log of [...root.tlogs, ...root.ctlogs]) add(log.publicKey?.validFor)
  const newest = new Date(Math.max(0, ...times.map((t) => t.getTime())))
  return { root, newest }
}

const inToto = z.object({
  subject: z
    .array(z.object({ digest: z.record(z.string(), z.string()).optional() }))
    .max(1000)
    .optional(),
})

/** The digests the bundle's signature covers: the message digest, the in-toto subjects, or the DSSE payload's own. */
function coveredDigests(bundle: Bundle): string[] {
  const content = bundle.content
  if (content.$case === 'messageSignature') {
    const md = content.messageSignature.messageDigest
    // Image digests are SHA-256 (an unspecified algorithm means it too); others are named as such.
    const alg =
      md?.algorithm === HashAlgorithm.SHA2_256 ||
      md?.algorithm === HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED
        ? 'sha256'
        : `alg${md?.algorithm ?? '?'}`
    return md ? [`${alg}:${md.digest.toString('hex')}`] : []
  }
  const envelope = content.dsseEnvelope
  if (envelope.payloadType === 'application/vnd.in-toto+json') {
    const json = parseJsonBytes(envelope.payload, MAX_BUNDLE_BYTES)
    const statement = json.ok ? inToto.safeParse(json.value) : null
    if (statement?.success) {
      return (statement.data.subject ?? [])
        .map((s) => s.digest?.['sha256'])
        .filter((d): d is string => typeof d === 'string' && /^[a-f0-9]{64}$/.test(d))
        .map((d) => `sha256:${d}`)
    }
  }
  return [`sha256:${createHash('sha256').update(envelope.payload).digest('hex')}`]
}

// Errors the verifier gives when the root does not hold the CA or the log the bundle names.
const TRUST_CODES = new Set(['CERTIFICATE_ERROR', 'TLOG_ERROR', 'TIMESTAMP_ERROR'])

/**
 * Verifies a keyless Sigstore bundle for the image `subjectDigest`, offline. `artifact` is the
 * subject's bytes (its manifest) for a message signature over it; a message signature over other
 * bytes is checked through its transparency log entry (Rekor checked the signature when it recorded
 * it), and the verdict says so.
 */
export function verifyKeylessBundle(input: {
  bundleBytes: Uint8Array
  subjectDigest: string
  artifact?: Buffer
  trusted?: AppTrustedRoot
}): KeylessCheck {
  const identity = keylessIdentity(input.bundleBytes)
  if (!identity.ok)
    return { identity: null, verdict: { kind: 'unreadable-bundle', reason: identity.problem } }
  // The certificate stays in main: only the identity on it goes out.
  const { subject, issuer, notBefore, notAfter, signedDigest: claimed } = identity.value
  const shown: KeylessIdentity = { subject, issuer, notBefore, notAfter, signedDigest: claimed }
  const json = parseJsonBytes(input.bundleBytes, MAX_BUNDLE_BYTES)
  let bundle: Bundle
  try {
    if (!json.ok) throw new Error(json.problem)
    bundle = bundleFromJSON(json.value)
  } catch (error) {
    return {
      identity: shown,
      verdict: {
        kind: 'unreadable-bundle',
        reason: `The bundle is not a valid Sigstore bundle: ${clip(String((error as Error).message ?? error), 300)}`,
      },
    }
  }
  const covered = coveredDigests(bundle)
  const covers = covered.includes(input.subjectDigest)
  const digest = covers ? input.subjectDigest : (covered[0] ?? 'an unknown digest')
  const signedDigest = digest === 'an unknown digest' ? shown.signedDigest : digest

  const trusted = input.trusted ?? shippedTrustedRoot()
  const unknownArtifact = bundle.content.$case === 'messageSignature' && !(covers && input.artifact)
  let entity: SignedEntity
  try {
    entity = toSignedEntity(bundle, covers ? input.artifact : undefined)
  } catch (error) {
    return {
      identity: { ...shown, signedDigest },
      verdict: { kind: 'unreadable-bundle', reason: clip(String((error as Error).message), 300) },
    }
  }
  if (unknownArtifact) {
    // The signed bytes are not this image's, so they are not at hand: the signature bytes are
    // held to the ones the transparency log recorded (and checked) for that digest instead.
    const signature = entity.signature
    entity = {
      ...entity,
      signature: {
        signature: signature.signature,
        compareSignature: (s) => signature.compareSignature(s),
        compareDigest: (d) => signature.compareDigest(d),
        verifySignature: () => true,
      },
    }
  }
  try {
    new Verifier(toTrustMaterial(trusted.root)).verify(entity)
  } catch (error) {
    const issued = new Date(shown.notBefore)
    if (
      error instanceof VerificationError &&
      TRUST_CODES.has(error.code) &&
      issued.getTime() > trusted.newest.getTime()
    ) {
      return {
        identity: { ...shown, signedDigest },
        verdict: {
          kind: 'root-older-than-certificate',
          certificateIssued: issued.toISOString(),
          rootNewest: trusted.newest.toISOString(),
        },
      }
    }
    const reason =
      error instanceof VerificationError
        ? `${clip(error.message, 300)} (${error.code})`
        : clip(String((error as Error).message ?? error), 300)
    return { identity: { ...shown, signedDigest }, verdict: { kind: 'invalid', reason } }
  }
  const verdict: KeylessVerdict = covers
    ? { kind: 'covers-this-image', digest }
    : {
        kind: 'covers-another-digest',
        digest,
        checkedBy: unknownArtifact ? 'transparency-log' : 'signature',
      }
  return { identity: { ...shown, signedDigest }, verdict }
}

/** The keyless verdict in the words the user is shown. */
export function keylessVerdictInWords(v: KeylessVerdict): string {
  switch (v.kind) {
    case 'covers-this-image':
      return 'Valid, covers this image'
    case 'covers-another-digest':
      return v.checkedBy === 'signature'
        ? `Valid signature, but it covers another digest: ${v.digest}`
        : `Valid signature (checked by the Sigstore transparency log when it was recorded), but it covers another digest: ${v.digest}`
    case 'invalid':
      return `Does not verify: ${v.reason}`
    case 'root-older-than-certificate':
      return `Cannot be verified with the trusted root in the app: the certificate was issued on ${v.certificateIssued}, after the newest key in the app's Sigstore trusted root (${v.rootNewest}). Update the app to get a newer root.`
    case 'unreadable-bundle':
      return `The bundle cannot be read: ${v.reason}`
  }
}
