// cosign's legacy scheme tags an artifact after the digest it is about: sha256-<hex>.sig, .att or
// .sbom. The one definition of that tag; the core's supply-chain section and the renderer's image
// grouping both read it from here.

const LEGACY_COSIGN_TAG = /^sha256-([a-f0-9]{64})\.(sig|att|sbom)$/

/** What a cosign legacy tag says the artifact is. */
export type LegacyCosignKind = 'sig' | 'att' | 'sbom'

/** The digest a cosign legacy tag names and the kind its suffix says; null for any other tag. */
export function legacyCosignTag(
  tag: string,
): { subjectDigest: string; kind: LegacyCosignKind } | null {
  const m = LEGACY_COSIGN_TAG.exec(tag)
  return m ? { subjectDigest: `sha256:${m[1]}`, kind: m[2] as LegacyCosignKind } : null
}
