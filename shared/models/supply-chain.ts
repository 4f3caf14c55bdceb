// What the Supply chain section shows: plain data, already checked and cut to size in main.

/** One package of an SBOM, in the table's columns. */
export interface SbomPackage {
  name: string
  version: string | null
  licence: string | null
  purl: string | null
  supplier: string | null
  /** Paths in the image's file system that the SBOM says belong to this package (no leading slash). */
  files: string[]
}

/** An SBOM as the app read it. */
export interface SbomDocument {
  format: 'SPDX' | 'CycloneDX'
  /** "SPDX-2.3", "1.5". */
  specVersion: string
  name: string | null
  /** Tools, organisations and people the document names as its creators. */
  creators: string[]
  /** ISO 8601, as the document states it. */
  created: string | null
  packages: SbomPackage[]
  /** Packages the app counted itself; more than packages.length when some were left out. */
  packageCount: number
  /** Package entries that were malformed and skipped. */
  skipped: number
  /** True when the table holds fewer packages than the document (the cap was reached). */
  truncated: boolean
}

/** A source the build read: a repository at a commit, a base image, a file. */
export interface ProvenanceMaterial {
  uri: string
  digest: Record<string, string>
}

/** An in-toto statement's SLSA provenance, in words. */
export interface ProvenanceSummary {
  predicateType: string
  /** "v0.2", "v1", or null for a predicate that is not SLSA provenance. */
  slsaVersion: 'v0.2' | 'v1' | null
  builder: string | null
  buildType: string | null
  sourceRepository: string | null
  sourceCommit: string | null
  materials: ProvenanceMaterial[]
  /** Invocation or external parameters, flattened to "key: value" pairs. */
  parameters: { name: string; value: string }[]
  subjects: { name: string; digest: Record<string, string> }[]
  startedOn: string | null
  finishedOn: string | null
  /** The statement as JSON, pretty-printed, for "Show raw". */
  raw: string
}

/**
 * What a signature check concluded, in the three words the user is shown (and the failures before
 * them). `keyName` names the trusted key (settings) that verified it, when none was pasted.
 */
export type SignatureVerdict =
  | { kind: 'covers-this-image'; digest: string; keyName?: string }
  | { kind: 'covers-another-digest'; digest: string; keyName?: string }
  /** `triedKeys`: the trusted keys' names, when no key was pasted and settings' keys were tried. */
  | { kind: 'does-not-verify'; triedKeys?: string[] }
  | { kind: 'unusable-key'; reason: string }
  | { kind: 'unreadable-signature'; reason: string }

/** The public key kinds cosign signs with. */
export type PublicKeyKind = 'ECDSA P-256' | 'ECDSA P-384' | 'RSA' | 'Ed25519'

/** A Notation (Notary Project) signature, as its JWS envelope states it. */
export interface NotationSummary {
  /** The leaf certificate's subject (AWS Signer puts the signing profile here). */
  signer: string | null
  issuer: string | null
  signingTime: string | null
  expiry: string | null
  signingScheme: string | null
  signingAgent: string | null
  algorithm: string | null
  /** The manifest digest the signature covers. */
  signedDigest: string | null
  signedMediaType: string | null
}

/** The identity on a keyless (Fulcio) signing certificate. */
export interface KeylessIdentity {
  /** The SAN: an e-mail address or a workflow URI. */
  subject: string | null
  /** The OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8, or .1.1 in older certificates). */
  issuer: string | null
  notBefore: string
  notAfter: string
  /** The digest the bundle's signature covers, when it is a message signature or a DSSE statement. */
  signedDigest: string | null
}

/**
 * What offline verification of a keyless Sigstore bundle concluded, against the Sigstore
 * public-good trusted root the app ships.
 */
export type KeylessVerdict =
  /** Certificate chain, transparency log entry and signature verify; it covers this image. */
  | { kind: 'covers-this-image'; digest: string }
  /**
   * It verifies, but it covers another digest. `checkedBy` says who checked the signature bytes:
   * the app ('signature'), or, when the signed bytes are not this image and so not at hand, the
   * Sigstore transparency log when it recorded the entry ('transparency-log').
   */
  | { kind: 'covers-another-digest'; digest: string; checkedBy: 'signature' | 'transparency-log' }
  /** It does not verify: `reason` in words. */
  | { kind: 'invalid'; reason: string }
  /**
   * It does not verify, and the certificate was issued after the newest key in the app's trusted
   * root: it may come from a Fulcio CA or Rekor log the app does not know yet.
   */
  | { kind: 'root-older-than-certificate'; certificateIssued: string; rootNewest: string }
  /** The bundle cannot be read (not a bundle, signed with a key, no certificate). */
  | { kind: 'unreadable-bundle'; reason: string }

/** A keyless bundle's identity and verdict, as supply-chain:keyless gives them. */
export interface KeylessCheck {
  identity: KeylessIdentity | null
  verdict: KeylessVerdict
}

/** A SOCI index, described (its zTOCs are used later). */
export interface SociSummary {
  version: 'v1' | 'v2'
  ztocCount: number
  /** Layers the index covers (by digest). */
  layers: string[]
  /** Bytes of zTOCs in all. */
  ztocBytes: number
}

/** One blob of a referrer manifest, as its descriptor states it. */
export interface ReferrerBlob {
  digest: string
  mediaType: string
  size: number
  annotations: Record<string, string>
}

/** A referrer with what it is in words and what hangs on it in turn (a signature on an SBOM). */
export interface SupplyChainReferrer {
  digest: string
  mediaType: string
  artifactType: string | null
  /** "SBOM (SPDX)", "Signature (cosign)", "Provenance (SLSA)"… */
  kind: string
  kindCode: string
  size: number | null
  annotations: Record<string, string>
  status: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'
  blobs: ReferrerBlob[]
  /** The claim a cosign signature makes before any key checks it: the digest its payload names. */
  claimedDigest: string | null
  /**
   * How the app found it: ListImageReferrers (OCI 1.1 `subject`), or only through cosign's legacy
   * tag scheme (`sha256-<hex>.sig`, `.att`, `.sbom` in the same repository).
   */
  source: 'referrers-api' | 'legacy-tag'
  /** A SOCI index, described (set for an active SOCI index referrer). */
  soci?: SociSummary
  referrers: SupplyChainReferrer[]
}
