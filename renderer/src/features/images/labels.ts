import { MEDIA_TYPES } from '../../../../shared/manifest'

const MANIFEST_LABELS: Record<string, string> = {
  [MEDIA_TYPES.dockerManifest]: 'Docker v2',
  [MEDIA_TYPES.dockerManifestList]: 'Docker manifest list',
  [MEDIA_TYPES.ociManifest]: 'OCI manifest',
  [MEDIA_TYPES.ociIndex]: 'OCI index',
  'application/vnd.docker.distribution.manifest.v1+json': 'Docker v1',
  'application/vnd.docker.distribution.manifest.v1+prettyjws': 'Docker v1 (signed)',
}

// The config types of a runnable image: an artifact type equal to one of these says nothing new.
const IMAGE_CONFIG_TYPES = new Set([
  'application/vnd.docker.container.image.v1+json',
  'application/vnd.oci.image.config.v1+json',
])

const ARTIFACT_LABELS: Record<string, string> = {
  'application/vnd.cncf.helm.config.v1+json': 'Helm chart',
  'application/vnd.dev.cosign.artifact.sig.v1+json': 'Cosign signature',
  'application/vnd.dev.sigstore.bundle.v0.3+json': 'Sigstore bundle',
  'application/vnd.in-toto+json': 'in-toto attestation',
  'application/vnd.oci.empty.v1+json': 'OCI artifact',
  'application/spdx+json': 'SPDX SBOM',
  'application/vnd.cyclonedx+json': 'CycloneDX SBOM',
}

/** A short name for a manifest media type; unknown types are shown as they are. */
export function manifestTypeLabel(mediaType: string | null): string {
  if (!mediaType) return '—'
  return MANIFEST_LABELS[mediaType] ?? mediaType
}

/** Whether a media type is an index or manifest list (several platforms). */
export function isIndexType(mediaType: string | null): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList
}

/**
 * A short name for DescribeImages' artifactMediaType, or null when it is a plain image config
 * (which is what it is for nearly every image, so it would only add noise).
 */
export function artifactTypeLabel(artifactType: string | null): string | null {
  if (!artifactType || IMAGE_CONFIG_TYPES.has(artifactType)) return null
  return (
    ARTIFACT_LABELS[artifactType] ??
    artifactType.replace(/^application\/(vnd\.)?/, '').replace(/\+json$/, '')
  )
}

/** "sha256:0123456789ab", as docker shows IDs: the one definition, in shared/digest.ts. */
export { shortDigest, shortHex } from '../../../../shared/digest'

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED']

/** "IN_PROGRESS" -> "In progress". */
export function sentenceCase(value: string): string {
  const words = value.toLowerCase().replaceAll('_', ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** The scan column: findings by severity once complete, else the status; "—" when never scanned. */
export function formatScan(status: string | null, findings: Record<string, number> | null): string {
  if (!status && !findings) return '—'
  if (findings && (status === null || status === 'COMPLETE' || status === 'ACTIVE')) {
    const known = SEVERITIES.filter((severity) => (findings[severity] ?? 0) > 0)
    const other = Object.keys(findings).filter(
      (severity) => !SEVERITIES.includes(severity) && (findings[severity] ?? 0) > 0,
    )
    const parts = [...known, ...other].map(
      (severity) => `${findings[severity]} ${severity.toLowerCase()}`,
    )
    return parts.length > 0 ? parts.join(', ') : 'No findings'
  }
  if (status === 'COMPLETE') return 'No findings'
  return status ? sentenceCase(status) : '—'
}
