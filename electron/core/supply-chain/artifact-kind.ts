// What a referrer is, in words, from its artifactType (or, for older artifacts, its config or
// layer media type). The words are what the Supply chain section shows.

export type ArtifactKind =
  | 'sbom-spdx'
  | 'sbom-cyclonedx'
  | 'provenance'
  | 'attestation'
  | 'cosign-signature'
  | 'sigstore-bundle'
  | 'notation-signature'
  | 'soci-index'
  | 'other'

const KINDS: [RegExp, ArtifactKind, string][] = [
  [/^application\/spdx\+json$|^text\/spdx|^application\/vnd\.spdx/, 'sbom-spdx', 'SBOM (SPDX)'],
  [/^application\/vnd\.cyclonedx/, 'sbom-cyclonedx', 'SBOM (CycloneDX)'],
  [
    /^application\/vnd\.dev\.sigstore\.bundle/,
    'sigstore-bundle',
    'Signature (Sigstore bundle, keyless)',
  ],
  [/^application\/vnd\.dev\.cosign\.simplesigning/, 'cosign-signature', 'Signature (cosign)'],
  [/^application\/vnd\.dev\.cosign\.artifact\.sig/, 'cosign-signature', 'Signature (cosign)'],
  [/^application\/vnd\.cncf\.notary\.signature$/, 'notation-signature', 'Signature (Notation)'],
  [/^application\/vnd\.amazon\.soci\.index/, 'soci-index', 'SOCI index (lazy loading)'],
  [
    /^application\/vnd\.dsse\.envelope|^application\/vnd\.in-toto/,
    'attestation',
    'Attestation (in-toto)',
  ],
]

/** Classifies a referrer by its artifact type, falling back to the media types inside it. */
export function artifactKind(
  artifactType: string | undefined,
  mediaTypes: readonly string[] = [],
): ArtifactKind {
  for (const type of [artifactType, ...mediaTypes]) {
    if (type === undefined) continue
    for (const [pattern, kind] of KINDS) if (pattern.test(type)) return kind
  }
  return 'other'
}

/** The kind in words; an attestation whose predicate is SLSA provenance reads "Provenance (SLSA)". */
export function artifactKindInWords(kind: ArtifactKind, artifactType?: string): string {
  if (kind === 'provenance') return 'Provenance (SLSA)'
  if (kind === 'other') return artifactType ? `Artifact (${artifactType})` : 'Artifact'
  return KINDS.find(([, k]) => k === kind)![2]
}

/** cosign's legacy tags (sha256-<hex>.sig, .att, .sbom): one definition, in shared/. */
export { legacyCosignTag } from '../../../shared/cosign-legacy-tag'
