import type {
  ImageManifest,
  LayerAvailability,
  LayerDescriptor,
  PlatformEntry,
} from '../../../../shared/models/image'
import { formatDateTime } from '../../components/format'

/** The manifest of one runnable image (not an index). */
export type ImageManifestOnly = Extract<ImageManifest, { kind: 'image' }>

/** "linux/arm64/v8", "windows/amd64 10.0.20348.2113"; "unknown" parts stay visible. */
export function platformLabel(
  platform: Pick<PlatformEntry, 'os' | 'architecture' | 'variant' | 'osVersion'>,
): string {
  const parts = [platform.os ?? 'unknown', platform.architecture ?? 'unknown']
  if (platform.variant) parts.push(platform.variant)
  const label = parts.join('/')
  return platform.osVersion ? `${label} ${platform.osVersion}` : label
}

/** What an attestation entry is for: "Attestation for linux/amd64" when its subject is listed. */
export function attestationLabel(
  entry: PlatformEntry,
  platforms: readonly PlatformEntry[],
): string {
  const subject = entry.annotations?.['vnd.docker.reference.digest']
  const target = subject ? platforms.find((p) => p.digest === subject) : undefined
  if (target) return `Attestation for ${platformLabel(target)}`
  return 'Attestation'
}

/**
 * The platform to show: the one the URL asks for when it is selectable, else the first
 * selectable one (attestations never are). Null when the index has no runnable platform.
 */
export function choosePlatform(
  platforms: readonly PlatformEntry[],
  requested: string | null,
): PlatformEntry | null {
  const selectable = platforms.filter((platform) => !platform.attestation)
  return selectable.find((platform) => platform.digest === requested) ?? selectable[0] ?? null
}

/**
 * The URI a registry client uses: "<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:…" or
 * "…/<repo>:<tag>". ECR's own repositoryUri already names the registry and region.
 */
export function imageUri(repositoryUri: string, ref: { digest: string } | { tag: string }): string {
  return 'digest' in ref ? `${repositoryUri}@${ref.digest}` : `${repositoryUri}:${ref.tag}`
}

/** ECR's repository URI, built the documented way when DescribeRepositories did not say. */
export function repositoryUriFor(
  registryId: string,
  region: string,
  repositoryName: string,
): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `${registryId}.dkr.ecr.${region}.${suffix}/${repositoryName}`
}

/** `docker pull`, pinned to a platform when one of an index's platforms is on screen. */
export function dockerPullCommand(uri: string, platform?: PlatformEntry | null): string {
  if (!platform) return `docker pull ${uri}`
  const spec = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')
  return spec ? `docker pull --platform ${spec} ${uri}` : `docker pull ${uri}`
}

/** The layer's format for the table: "gzip", "zstd", "tar", or the media type itself. */
export function layerFormatLabel(layer: LayerDescriptor): string {
  switch (layer.compression) {
    case 'gzip':
      return 'gzip'
    case 'zstd':
      return 'zstd'
    case 'none':
      return 'tar'
    default:
      return layer.mediaType
  }
}

/** A layer's availability in words; foreign layers are not in ECR at all. */
export function availabilityLabel(
  layer: LayerDescriptor,
  availability: LayerAvailability | undefined,
): string {
  if (layer.foreign) return 'Outside ECR'
  if (!availability) return '—'
  if (availability.availability === 'AVAILABLE') return 'Available'
  if (availability.availability === 'UNAVAILABLE') return 'Unavailable'
  if (availability.availability === 'ARCHIVED') return 'Archived'
  return availability.failureCode ? `Missing (${availability.failureCode})` : 'Unknown'
}

/** The image configs the app can read; other config types belong to artifacts. */
export function isImageConfig(mediaType: string): boolean {
  return (
    mediaType === 'application/vnd.docker.container.image.v1+json' ||
    mediaType === 'application/vnd.oci.image.config.v1+json'
  )
}

/** The layers' totals for the table's footer. */
export function layerTotals(layers: readonly LayerDescriptor[]): {
  count: number
  compressedSize: number
  foreign: number
} {
  let compressedSize = 0
  let foreign = 0
  for (const layer of layers) {
    compressedSize += layer.size
    if (layer.foreign) foreign++
  }
  return { count: layers.length, compressedSize, foreign }
}

/** "7 available, 1 archived": the availability column summed up, most common first. */
export function availabilitySummary(
  layers: readonly LayerDescriptor[],
  byDigest: ReadonlyMap<string, LayerAvailability>,
): string {
  const counts = new Map<string, number>()
  for (const layer of layers) {
    const label = availabilityLabel(layer, byDigest.get(layer.digest))
    if (label === '—') continue
    counts.set(label, (counts.get(label) ?? 0) + 1)
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([label, count]) => `${count} ${label.charAt(0).toLowerCase()}${label.slice(1)}`)
    .join(', ')
}

// The shells the classic builder prefixes to each step: Linux's and Windows'.
const SHELL_PREFIX = /^(\/bin\/sh -c|cmd \/S \/C) /

/**
 * A `created_by` as a Dockerfile line: the classic builder's "/bin/sh -c #(nop) " (or Windows'
 * "cmd /S /C #(nop) ") prefix goes, other shell steps read as RUN, and BuildKit's trailing
 * "# buildkit" marker is dropped.
 */
export function dockerfileStep(createdBy: string | null): string {
  if (!createdBy) return '—'
  const step = createdBy.trim().replace(/\s*# buildkit$/, '')
  const shell = SHELL_PREFIX.exec(step)
  if (!shell) return step
  const rest = step.slice(shell[0].length)
  const nop = /^#\(nop\)\s+/.exec(rest)
  return nop ? rest.slice(nop[0].length).trim() : `RUN ${rest}`
}

/** An exec-form command as a shell would show it: ["sh","-c","x y"] -> sh -c "x y". */
export function formatCommand(argv: readonly string[] | null): string {
  if (!argv || argv.length === 0) return '—'
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ')
}

/** An absolute date with time, for a tooltip; the raw value when it does not parse. */
export function absoluteTime(iso: string | null): string | undefined {
  if (!iso) return undefined
  const formatted = formatDateTime(iso)
  return formatted === '—' ? iso : `${formatted} (${iso})`
}
