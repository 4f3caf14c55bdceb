import { createHash } from 'node:crypto'
import { z } from 'zod'
import { SHA256_DIGEST } from '../../../shared/digest'
import type { AppError } from '../../../shared/ipc/result'
import { AppErrorException } from '../../../shared/ipc/result'
import type { ImageManifest, ImageReferrer } from '../../../shared/models/image'
import type { TrustedKeySetting } from '../../../shared/models/settings'
import type {
  KeylessCheck,
  NotationSummary,
  ProvenanceSummary,
  ReferrerBlob,
  SbomDocument,
  SignatureVerdict,
  SociSummary,
  SupplyChainReferrer,
} from '../../../shared/models/supply-chain'
import { fetchBlob, type PipelineDeps } from '../blob/fetch-blob'
import { memorySink } from '../blob/memory-sink'
import type { HandlersOf } from '../ipc/handlers'
import { artifactKind, artifactKindInWords, type ArtifactKind } from './artifact-kind'
import { blobText, listedBlob, MAX_RAW_TEXT_BYTES, tooLargeToShow } from './blob-text'
import {
  COSIGN_SIGNATURE_ANNOTATION,
  COSIGN_SIMPLE_SIGNING,
  parseSimpleSigning,
  verifyCosignSignature,
} from './cosign'
import { MAX_DOCUMENT_BYTES, type Parsed } from './limits'
import { parseNotationJws } from './notation'
import { parseProvenance } from './provenance'
import { parseSbom } from './sbom'
import { verifyKeylessBundle } from './keyless-verify'
import { describeSoci } from './soci'

/** What the service needs of ECR (EcrService has it). */
export interface ArtifactRegistry {
  listReferrers(request: {
    repositoryName: string
    registryId?: string
    imageDigest: string
  }): Promise<ImageReferrer[]>
  getManifest(request: {
    repositoryName: string
    registryId?: string
    imageDigest?: string
  }): Promise<ImageManifest>
  /** One call for several tags; tags that name nothing are left out. */
  getManifestsByTag(request: {
    repositoryName: string
    registryId?: string
    imageTags: readonly string[]
  }): Promise<ImageManifest[]>
  downloadUrl(
    request: { repositoryName: string; registryId?: string },
    layerDigest: string,
  ): Promise<string>
}

interface ArtifactRequest {
  repositoryName: string
  registryId?: string
  /** The referrer manifest's digest. */
  digest: string
}

const BLOB_TIMEOUT_MS = 60_000
/** Referrers of referrers are followed this deep (a signature on an SBOM is depth 2). */
const MAX_DEPTH = 3
const SIGSTORE_BUNDLE = /^application\/vnd\.dev\.sigstore\.bundle/
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024
/** cosign's legacy tag suffixes: signatures, attestations and attached SBOMs. */
const LEGACY_SUFFIXES = ['sig', 'att', 'sbom'] as const
/** Referrers listed per subject before the rest are left out. */
const MAX_REFERRERS = 500

const rawLayers = z.object({
  layers: z
    .array(
      z.object({
        mediaType: z.string().max(256).catch('application/octet-stream'),
        digest: z.string().regex(SHA256_DIGEST),
        size: z.number().int().nonnegative(),
        annotations: z.record(z.string().max(256), z.string().max(64 * 1024)).optional(),
      }),
    )
    .max(1000),
})

function unreadable(problem: string): AppError {
  return { code: 'InvalidManifest', message: problem }
}
function orThrow<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new AppErrorException(unreadable(parsed.problem))
  return parsed.value
}

/**
 * The Supply chain section's reads: referrers with what they are, their documents through the
 * blob pipeline into a capped memory sink, and signature verification. Keys and certificates stay
 * here; callers get verdicts and identities.
 */
export class SupplyChainService {
  constructor(
    private readonly ecr: ArtifactRegistry,
    private readonly blobs: PipelineDeps,
    /** The public keys the user trusts (settings), tried when a verification names no key. */
    private readonly trustedKeys: () => Promise<readonly TrustedKeySetting[]> = () =>
      Promise.resolve([]),
  ) {}

  /**
   * The `supply-chain:` channels. `demoKey` is the demo registry's signing key while the demo is
   * the connection (the connection service knows), null otherwise.
   */
  handlers(deps: {
    demoKey: () => Promise<{ publicKeyPem: string } | null>
  }): HandlersOf<'supply-chain'> {
    return {
      'supply-chain:referrers': (request) => this.referrers(request),
      'supply-chain:sbom': (request) => this.sbom(request),
      'supply-chain:provenance': (request) => this.provenance(request),
      'supply-chain:notation': (request) => this.notation(request),
      'supply-chain:verify': (request) => this.verifyCosign(request),
      'supply-chain:keyless': (request) => this.keyless(request),
      'supply-chain:blob': async ({ blobDigest, ...request }) => {
        const blob = listedBlob(await this.blobsOf(request), blobDigest)
        if (!blob) {
          throw new AppErrorException({
            code: 'InvalidParameter',
            message: `The referrer ${request.digest} lists no blob ${blobDigest}. Reopen the Supply chain tab to read its blobs again.`,
          })
        }
        return (
          tooLargeToShow(blob) ?? blobText(blob, await this.blob(request, blob, MAX_RAW_TEXT_BYTES))
        )
      },
      'supply-chain:demo-key': () => deps.demoKey(),
    }
  }

  /**
   * The referrers of an image, each described, with their own referrers (every status, every page),
   * and those found only through cosign's legacy tags (`sha256-<hex>.sig`, `.att`, `.sbom`), looked
   * up in one BatchGetImage and marked `legacy-tag`. A legacy manifest that is the same artifact as
   * a listed referrer (its digest, or the same kind with the same blobs, as `cosign sign` writes
   * both forms of one signature) is not listed twice.
   */
  async referrers(request: {
    repositoryName: string
    registryId?: string
    imageDigest: string
  }): Promise<SupplyChainReferrer[]> {
    const seen = new Set([request.imageDigest])
    const listed = await this.walk(request, request.imageDigest, 1, seen)
    const legacy = await this.legacyReferrers(request, request.imageDigest, seen, listed)
    return [...listed, ...legacy]
  }

  private async walk(
    request: { repositoryName: string; registryId?: string },
    subject: string,
    depth: number,
    seen: Set<string>,
  ): Promise<SupplyChainReferrer[]> {
    const listed = (await this.ecr.listReferrers({ ...request, imageDigest: subject })).slice(
      0,
      MAX_REFERRERS,
    )
    const out: SupplyChainReferrer[] = []
    for (const r of listed) {
      // A hostile registry can make referrers refer in a circle.
      if (seen.has(r.digest)) continue
      seen.add(r.digest)
      const blobs =
        r.status === 'ACTIVE'
          ? await this.blobsOf({ ...request, digest: r.digest }).catch(() => [])
          : []
      out.push(await this.describe(request, r, blobs, 'referrers-api', depth, seen))
    }
    return out
  }

  private async describe(
    request: { repositoryName: string; registryId?: string },
    r: ImageReferrer,
    blobs: ReferrerBlob[],
    source: SupplyChainReferrer['source'],
    depth: number,
    seen: Set<string>,
  ): Promise<SupplyChainReferrer> {
    const kind = kindOf(r, blobs)
    return {
      digest: r.digest,
      mediaType: r.mediaType,
      artifactType: r.artifactType,
      kind: artifactKindInWords(kind, r.artifactType ?? undefined),
      kindCode: kind,
      size: r.size,
      annotations: r.annotations,
      status: r.status,
      blobs,
      claimedDigest: kind === 'cosign-signature' ? await this.claimOf(request, blobs) : null,
      source,
      ...(kind === 'soci-index' && r.status === 'ACTIVE'
        ? await this.soci({ ...request, digest: r.digest })
            .then((soci) => ({ soci }))
            .catch(() => ({}))
        : {}),
      referrers: depth < MAX_DEPTH ? await this.walk(request, r.digest, depth + 1, seen) : [],
    }
  }

  /** The manifests tagged after `subject` in cosign's legacy scheme, described, less those already listed. */
  private async legacyReferrers(
    request: { repositoryName: string; registryId?: string },
    subject: string,
    seen: Set<string>,
    listed: readonly SupplyChainReferrer[],
  ): Promise<SupplyChainReferrer[]> {
    const hex = subject.slice('sha256:'.length)
    let manifests: ImageManifest[]
    try {
      manifests = await this.ecr.getManifestsByTag({
        ...request,
        imageTags: LEGACY_SUFFIXES.map((suffix) => `sha256-${hex}.${suffix}`),
      })
    } catch {
      // The legacy scheme is a fallback: a registry that cannot answer it still lists referrers.
      return []
    }
    const out: SupplyChainReferrer[] = []
    for (const m of manifests) {
      if (m.kind !== 'image' || seen.has(m.digest)) continue
      // The tag is only a name: the bytes must be the manifest whose digest came back with them.
      if (`sha256:${createHash('sha256').update(m.raw, 'utf8').digest('hex')}` !== m.digest)
        continue
      const blobs = blobsFromRaw(m.raw)
      if (!blobs) continue
      const r: ImageReferrer = {
        digest: m.digest,
        mediaType: m.mediaType,
        artifactType: m.artifactType,
        size: Buffer.byteLength(m.raw, 'utf8'),
        annotations: manifestAnnotations(m.raw),
        status: 'ACTIVE',
      }
      const kindCode = kindOf(r, blobs)
      if (listed.some((l) => sameArtifact(l, { digest: m.digest, kindCode, blobs }))) continue
      seen.add(m.digest)
      out.push(await this.describe(request, r, blobs, 'legacy-tag', 2, seen))
    }
    return out
  }

  /** A referrer manifest's blobs, from its verified raw text. */
  async blobsOf(request: ArtifactRequest): Promise<ReferrerBlob[]> {
    const manifest = await this.ecr.getManifest({ ...request, imageDigest: request.digest })
    const blobs = blobsFromRaw(manifest.raw)
    if (!blobs)
      throw new AppErrorException(unreadable('The referrer manifest lists no readable blobs.'))
    return blobs
  }

  /** Reads one blob of a referrer into memory, verified, under the document cap. */
  async blob(
    request: { repositoryName: string; registryId?: string },
    blob: ReferrerBlob,
    limit = MAX_DOCUMENT_BYTES,
  ): Promise<Buffer> {
    if (blob.size > limit) {
      throw new AppErrorException(
        unreadable(`The document is ${blob.size} bytes, over the ${limit}-byte limit.`),
      )
    }
    const { value } = await fetchBlob(this.blobs, {
      digest: blob.digest,
      expectedSize: blob.size,
      getUrl: () => this.ecr.downloadUrl(request, blob.digest),
      sink: memorySink(limit, () => unreadable(`The document is larger than ${limit} bytes.`)),
      signal: AbortSignal.timeout(BLOB_TIMEOUT_MS),
      what: 'Artifact blob',
    })
    return value
  }

  private async first(request: ArtifactRequest, accept: (b: ReferrerBlob) => boolean = () => true) {
    const blobs = await this.blobsOf(request)
    const blob = blobs.find(accept)
    if (!blob)
      throw new AppErrorException(
        unreadable('The referrer holds no document of the expected kind.'),
      )
    return { blob, bytes: await this.blob(request, blob) }
  }

  private async claimOf(
    request: { repositoryName: string; registryId?: string },
    blobs: ReferrerBlob[],
  ) {
    const payload = blobs.find((b) => b.mediaType === COSIGN_SIMPLE_SIGNING)
    if (!payload) return null
    try {
      const p = parseSimpleSigning(await this.blob(request, payload, 1024 * 1024))
      return p.ok ? p.value.manifestDigest : null
    } catch {
      return null
    }
  }

  /** An SBOM referrer's document, parsed (SPDX 2.x or CycloneDX 1.x JSON). */
  async sbom(request: ArtifactRequest): Promise<SbomDocument> {
    return orThrow(parseSbom((await this.first(request)).bytes))
  }

  /** A provenance referrer's statement, in words. */
  async provenance(request: ArtifactRequest): Promise<ProvenanceSummary> {
    return orThrow(parseProvenance((await this.first(request)).bytes))
  }

  /** A Notation signature's signer, signing time and signed digest. */
  async notation(
    request: ArtifactRequest,
  ): Promise<NotationSummary & { matchesCertificate: boolean }> {
    return orThrow(
      parseNotationJws(
        (await this.first(request, (b) => b.mediaType === 'application/jose+json')).bytes,
      ),
    )
  }

  /**
   * A keyless Sigstore bundle referrer: its certificate identity and the verdict of offline
   * verification against the trusted root the app ships. A message signature over this image is
   * checked against the image's manifest bytes (by digest, checked again here).
   */
  async keyless(request: ArtifactRequest & { subjectDigest: string }): Promise<KeylessCheck> {
    const blobs = await this.blobsOf(request)
    const blob = blobs.find((b) => SIGSTORE_BUNDLE.test(b.mediaType)) ?? blobs[0]
    if (!blob)
      return {
        identity: null,
        verdict: { kind: 'unreadable-bundle', reason: 'The referrer holds no Sigstore bundle.' },
      }
    const bundleBytes = await this.blob(request, blob, MAX_BUNDLE_BYTES)
    let artifact: Buffer | undefined
    if (bundleBytes.includes('"messageSignature"')) {
      const manifest = await this.ecr.getManifest({
        ...request,
        imageDigest: request.subjectDigest,
      })
      const raw = Buffer.from(manifest.raw, 'utf8')
      if (`sha256:${createHash('sha256').update(raw).digest('hex')}` === request.subjectDigest)
        artifact = raw
    }
    return verifyKeylessBundle({ bundleBytes, subjectDigest: request.subjectDigest, artifact })
  }

  /** A SOCI index, described. */
  async soci(request: ArtifactRequest): Promise<SociSummary> {
    const manifest = await this.ecr.getManifest({ ...request, imageDigest: request.digest })
    return orThrow(describeSoci(Buffer.from(manifest.raw, 'utf8')))
  }

  /**
   * Verifies a cosign signature (referrer or legacy .sig manifest) for `subjectDigest` with a PEM
   * public key, or, without one, with each trusted key whose prefix starts the repository's name:
   * the first that verifies gives the verdict, naming itself.
   */
  async verifyCosign(
    request: ArtifactRequest & { subjectDigest: string; publicKeyPem?: string },
  ): Promise<SignatureVerdict> {
    const blobs = await this.blobsOf(request)
    const payload = blobs.find((b) => b.mediaType === COSIGN_SIMPLE_SIGNING)
    if (!payload)
      return {
        kind: 'unreadable-signature',
        reason: 'The signature holds no simple-signing payload.',
      }
    const check = async (publicKeyPem: string) =>
      verifyCosignSignature({
        publicKeyPem,
        payload: await this.blob(request, payload, 1024 * 1024),
        signatureBase64: payload.annotations[COSIGN_SIGNATURE_ANNOTATION],
        subjectDigest: request.subjectDigest,
      })
    if (request.publicKeyPem !== undefined) return check(request.publicKeyPem)

    const keys = (await this.trustedKeys()).filter((k) =>
      request.repositoryName.startsWith(k.repositoryPrefix),
    )
    if (keys.length === 0) {
      return {
        kind: 'unusable-key',
        reason: `No trusted key is set for "${request.repositoryName}". Paste the signer's public key, or add it under Settings → Trusted keys for this repository's prefix.`,
      }
    }
    const bytes = await this.blob(request, payload, 1024 * 1024)
    const tried: string[] = []
    for (const key of keys) {
      const verdict = verifyCosignSignature({
        publicKeyPem: key.publicKeyPem,
        payload: bytes,
        signatureBase64: payload.annotations[COSIGN_SIGNATURE_ANNOTATION],
        subjectDigest: request.subjectDigest,
      })
      if (verdict.kind === 'covers-this-image' || verdict.kind === 'covers-another-digest')
        return { ...verdict, keyName: key.name }
      // The signature itself cannot be read: no other key will do better.
      if (verdict.kind === 'unreadable-signature') return verdict
      tried.push(key.name)
    }
    return { kind: 'does-not-verify', triedKeys: tried }
  }
}

/** A manifest's layers as blobs, or null when the manifest lists none that can be read. */
function blobsFromRaw(raw: string): ReferrerBlob[] | null {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return null
  }
  const parsed = rawLayers.safeParse(json)
  if (!parsed.success) return null
  return parsed.data.layers.map((l) => ({ ...l, annotations: l.annotations ?? {} }))
}

const rawAnnotations = z.object({
  annotations: z.record(z.string().max(256), z.string().max(64 * 1024)).optional(),
})

function manifestAnnotations(raw: string): Record<string, string> {
  try {
    return rawAnnotations.safeParse(JSON.parse(raw)).data?.annotations ?? {}
  } catch {
    return {}
  }
}

/** One artifact in two forms: the same kind over the same blobs (cosign's referrer and legacy tag). */
function sameArtifact(
  a: SupplyChainReferrer,
  b: Pick<SupplyChainReferrer, 'digest' | 'kindCode' | 'blobs'>,
): boolean {
  if (a.digest === b.digest) return true
  if (a.kindCode !== b.kindCode || a.blobs.length === 0 || a.blobs.length !== b.blobs.length)
    return false
  const digests = new Set(a.blobs.map((x) => x.digest))
  return b.blobs.every((x) => digests.has(x.digest))
}

function kindOf(r: ImageReferrer, blobs: readonly ReferrerBlob[]): ArtifactKind {
  return refine(
    artifactKind(
      r.artifactType ?? undefined,
      blobs.map((b) => b.mediaType),
    ),
    { ...blobs[0]?.annotations, ...r.annotations },
  )
}

/** An in-toto attestation whose predicate is SLSA provenance is shown as provenance. */
function refine(kind: ArtifactKind, annotations: Record<string, string>): ArtifactKind {
  const predicate = annotations['in-toto.io/predicate-type'] ?? annotations['predicateType']
  if (kind === 'attestation' && predicate?.startsWith('https://slsa.dev/provenance/'))
    return 'provenance'
  return kind
}
