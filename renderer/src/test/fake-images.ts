import type { RequestOf, ResponseOf } from '../../../shared/ipc/contract'
import { MEDIA_TYPES } from '../../../shared/manifest'
import type {
  HistoryEntry,
  ImageConfig,
  ImageManifest,
  ImageSummary,
  LayerDescriptor,
  PlatformEntry,
} from '../../../shared/models/image'

/** A digest made of one repeated hex string: digest('ab') is sha256:abab…ab. */
export function digest(seed: string | number): string {
  const hex = typeof seed === 'number' ? seed.toString(16).padStart(8, '0') : seed
  return `sha256:${hex.repeat(Math.ceil(64 / hex.length)).slice(0, 64)}`
}

/**
 * `count` images: every third untagged, the others tagged v<n> (v0 also "latest"), pushed one
 * hour apart (image 0 oldest), sizes spread so size order differs from push order.
 */
export function makeImages(count: number): ImageSummary[] {
  return Array.from({ length: count }, (_, index) => ({
    digest: digest(index),
    tags: index % 3 === 2 ? [] : index === 0 ? ['v0', 'latest'] : [`v${index}`],
    pushedAt: new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString(),
    sizeInBytes: ((index * 7919) % 1000) * 1024 * 1024 + index,
    manifestMediaType: MEDIA_TYPES.ociManifest,
    artifactMediaType: 'application/vnd.oci.image.config.v1+json',
    lastRecordedPullTime: index % 2 ? new Date(Date.UTC(2025, 4, 1)).toISOString() : null,
    scanStatus: index % 5 === 0 ? 'COMPLETE' : null,
    scanFindings: index % 5 === 0 ? { HIGH: 2, LOW: 1 } : null,
    imageStatus: 'ACTIVE',
    lastArchivedAt: null,
    lastActivatedAt: null,
    subjectDigest: null,
  }))
}

/** A listImages handler that applies tagStatus and pages like ECR, with numeric tokens. */
export function pagedImages(images: ImageSummary[]) {
  return (request: RequestOf<'ecr:list-images'>): ResponseOf<'ecr:list-images'> => {
    const status = request.tagStatus ?? 'ANY'
    const matching =
      status === 'ANY'
        ? images
        : images.filter((image) => (status === 'TAGGED') === image.tags.length > 0)
    const start = request.nextToken ? Number(request.nextToken) : 0
    const end = start + (request.maxResults ?? 100)
    return {
      items: matching.slice(start, end),
      nextToken: end < matching.length ? String(end) : null,
    }
  }
}

const layer = (
  seed: string,
  mediaType: string,
  size: number,
  foreign = false,
): LayerDescriptor => ({
  digest: digest(seed),
  mediaType,
  size,
  compression: mediaType.endsWith('zstd') ? 'zstd' : mediaType.endsWith('gzip') ? 'gzip' : 'none',
  foreign,
  ...(foreign ? { urls: ['https://mcr.microsoft.com/v2/windows/blobs/x'] } : {}),
})

const step = (createdBy: string, emptyLayer = false): HistoryEntry => ({
  created: '2025-05-01T10:00:00Z',
  createdBy,
  comment: null,
  author: null,
  emptyLayer,
})

/** A Docker v2 image with three gzip layers and empty-layer steps around them. */
export function sampleImage(seed = 'a1'): {
  summary: ImageSummary
  manifest: Extract<ImageManifest, { kind: 'image' }>
  config: ImageConfig
} {
  const layers = [
    layer(`${seed}01`, 'application/vnd.docker.image.rootfs.diff.tar.gzip', 3_500_000),
    layer(`${seed}02`, 'application/vnd.docker.image.rootfs.diff.tar.gzip', 1_200_000),
    layer(`${seed}03`, 'application/vnd.docker.image.rootfs.diff.tar.gzip', 4096),
  ]
  const configDigest = digest(`${seed}cf`)
  const history = [
    step('/bin/sh -c #(nop) ADD file:abc in / '),
    step('/bin/sh -c #(nop)  CMD ["/bin/sh"]', true),
    step('/bin/sh -c #(nop)  ENV NODE_VERSION=22.1.0', true),
    step('/bin/sh -c apk add --no-cache nodejs'),
    step('COPY dist/ /app/ # buildkit'),
    step('EXPOSE map[8080/tcp:{}]', true),
  ]
  const manifest = {
    kind: 'image' as const,
    digest: digest(seed),
    mediaType: MEDIA_TYPES.dockerManifest,
    raw: JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerManifest,
      config: { digest: configDigest, size: 1234 },
      layers: layers.map(({ digest, size, mediaType }) => ({ digest, size, mediaType })),
    }),
    config: {
      digest: configDigest,
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 1234,
    },
    layers,
    artifactType: null,
  }
  const config: ImageConfig = {
    digest: configDigest,
    raw: JSON.stringify({ architecture: 'amd64', os: 'linux' }),
    os: 'linux',
    architecture: 'amd64',
    variant: null,
    created: '2025-05-01T10:00:00Z',
    author: null,
    env: ['PATH=/usr/local/bin:/usr/bin', 'NODE_VERSION=22.1.0'],
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['node', 'server.js'],
    workingDir: '/app',
    user: 'node',
    labels: { 'org.opencontainers.image.source': 'https://example.com/web-app' },
    exposedPorts: ['8080/tcp'],
    history,
    diffIds: [],
  }
  const summary: ImageSummary = {
    digest: manifest.digest,
    tags: ['1.2.0', 'latest'],
    pushedAt: '2025-05-01T10:05:00Z',
    sizeInBytes: 4_705_330,
    manifestMediaType: MEDIA_TYPES.dockerManifest,
    artifactMediaType: 'application/vnd.docker.container.image.v1+json',
    lastRecordedPullTime: '2025-05-20T00:00:00Z',
    scanStatus: 'COMPLETE',
    scanFindings: { CRITICAL: 1 },
    imageStatus: 'ACTIVE',
    lastArchivedAt: null,
    lastActivatedAt: null,
    subjectDigest: null,
  }
  return { summary, manifest, config }
}

/** An OCI index with amd64, arm64/v8 and an attestation manifest for amd64. */
export function sampleIndex(): {
  summary: ImageSummary
  index: Extract<ImageManifest, { kind: 'index' }>
  platforms: Record<'amd64' | 'arm64', ReturnType<typeof sampleImage>>
} {
  const amd64 = sampleImage('d1')
  const arm64 = sampleImage('e2')
  arm64.config = {
    ...arm64.config,
    architecture: 'arm64',
    variant: 'v8',
    history: arm64.config.history.map((entry, index) =>
      index === 3 ? { ...entry, createdBy: '/bin/sh -c apk add --no-cache nodejs-arm64' } : entry,
    ),
  }
  const entry = (
    image: ReturnType<typeof sampleImage>,
    architecture: string,
    variant: string | null,
  ): PlatformEntry => ({
    digest: image.manifest.digest,
    mediaType: MEDIA_TYPES.ociManifest,
    size: 900,
    os: 'linux',
    architecture,
    variant,
    osVersion: null,
    attestation: false,
  })
  const platforms: PlatformEntry[] = [
    entry(amd64, 'amd64', null),
    entry(arm64, 'arm64', 'v8'),
    {
      digest: digest('f3'),
      mediaType: MEDIA_TYPES.ociManifest,
      size: 566,
      os: 'unknown',
      architecture: 'unknown',
      variant: null,
      osVersion: null,
      attestation: true,
      annotations: {
        'vnd.docker.reference.digest': amd64.manifest.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
    },
  ]
  const index = {
    kind: 'index' as const,
    digest: digest('c0'),
    mediaType: MEDIA_TYPES.ociIndex,
    raw: JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] }),
    platforms,
  }
  const summary: ImageSummary = {
    digest: index.digest,
    tags: ['latest'],
    pushedAt: '2025-05-02T00:00:00Z',
    sizeInBytes: 4_705_330,
    manifestMediaType: MEDIA_TYPES.ociIndex,
    artifactMediaType: null,
    lastRecordedPullTime: null,
    scanStatus: null,
    scanFindings: null,
    imageStatus: 'ACTIVE',
    lastArchivedAt: null,
    lastActivatedAt: null,
    subjectDigest: null,
  }
  return { summary, index, platforms: { amd64, arm64 } }
}
