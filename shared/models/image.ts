/** DescribeImages' tag filter. */
export type TagStatus = 'TAGGED' | 'UNTAGGED' | 'ANY'

/** Where an image's bytes are: ACTIVE (pullable), ARCHIVED, or ACTIVATING (being restored). */
export type ImageStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'

/** One image as DescribeImages reports it. Dates are ISO 8601 strings. */
export interface ImageSummary {
  digest: string
  tags: string[]
  pushedAt: string | null
  /** Compressed size; for an index or manifest list, the largest child's size. */
  sizeInBytes: number | null
  manifestMediaType: string | null
  artifactMediaType: string | null
  /** Refreshed by ECR only about once every 24 hours. */
  lastRecordedPullTime: string | null
  scanStatus: string | null
  /** Vulnerability counts by severity, when a scan completed. */
  scanFindings: Record<string, number> | null
  /** ACTIVE when ECR does not say (older registries and SDKs report no status). */
  imageStatus: ImageStatus
  lastArchivedAt: string | null
  /** When the image was last restored from archive. */
  lastActivatedAt: string | null
  /** For a referrer (signature, SBOM, attestation): the digest of the image it refers to. */
  subjectDigest: string | null
}

/** One OCI 1.1 referrer of an image, as ListImageReferrers reports it. */
export interface ImageReferrer {
  digest: string
  mediaType: string
  artifactType: string | null
  /** The referrer manifest's size in bytes, as its descriptor states it. */
  size: number | null
  annotations: Record<string, string>
  status: ImageStatus
}

/** ECR managed signing's result for one signing profile (DescribeImageSigningStatus). */
export interface SigningStatus {
  signingProfileArn: string | null
  status: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | null
  failureCode: string | null
  failureReason: string | null
}

/** A content descriptor from a manifest. */
export interface Descriptor {
  digest: string
  mediaType: string
  size: number
  urls?: string[]
  annotations?: Record<string, string>
}

/** How a layer blob is compressed, from its media type. */
export type LayerCompression = 'gzip' | 'zstd' | 'none' | 'unknown'

/** A layer descriptor, classified. */
export interface LayerDescriptor extends Descriptor {
  compression: LayerCompression
  /** A foreign or non-distributable layer (mostly Windows base layers) that lives outside ECR. */
  foreign: boolean
}

/** One entry of an index or manifest list. */
export interface PlatformEntry extends Descriptor {
  os: string | null
  architecture: string | null
  variant: string | null
  osVersion: string | null
  /** A build attestation (SBOM/provenance) rather than a runnable image: shown, not selectable. */
  attestation: boolean
}

/** A parsed, validated manifest: an image manifest or an index of per-platform manifests. */
export type ImageManifest =
  | {
      kind: 'index'
      digest: string
      mediaType: string
      raw: string
      platforms: PlatformEntry[]
    }
  | {
      kind: 'image'
      digest: string
      mediaType: string
      raw: string
      config: Descriptor
      layers: LayerDescriptor[]
      artifactType: string | null
    }

/** One `history` entry of an image config. */
export interface HistoryEntry {
  created: string | null
  createdBy: string | null
  comment: string | null
  author: string | null
  emptyLayer: boolean
}

/** The parts of an image config the UI shows, plus the raw JSON. */
export interface ImageConfig {
  digest: string
  raw: string
  os: string | null
  architecture: string | null
  variant: string | null
  created: string | null
  author: string | null
  env: string[]
  entrypoint: string[] | null
  cmd: string[] | null
  workingDir: string | null
  user: string | null
  labels: Record<string, string>
  exposedPorts: string[]
  history: HistoryEntry[]
  diffIds: string[]
}

/** BatchCheckLayerAvailability's answer for one layer. */
export interface LayerAvailability {
  digest: string
  availability: 'AVAILABLE' | 'UNAVAILABLE' | 'ARCHIVED' | null
  failureCode: string | null
  failureReason: string | null
}

/** A pull-through cache rule: repositories under the prefix mirror the upstream registry. */
export interface PullThroughRule {
  prefix: string
  upstreamRegistryUrl: string
  upstreamRegistry: string | null
  createdAt: string | null
}
