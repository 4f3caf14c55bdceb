import { SEED_EPOCH } from './data'
import { MEDIA_TYPES, manifestSize } from './images'
import type { BlobRef, ImageRecord, ScanInfo } from './images'
import { deterministicBytes } from './keystream'
import { buildLayer, sha256Digest } from './layers'
import type { LayerCompression, TarEntrySpec } from './layers'
import type { PullThroughCacheRuleRecord } from './operations/types'
import { ScaleImageCollection } from './scale'

/** The sample repositories that hold images; `demo/api` and generated repositories stay empty. */
export const SAMPLE_REPOSITORIES = {
  webApp: 'demo/web-app',
  api: 'demo/api',
  ociZstd: 'demo/oci-zstd',
  multiArch: 'demo/multi-arch',
  untagged: 'demo/untagged',
  windows: 'demo/windows',
  alpine: 'ecr-public/docker/library/alpine',
  scale: 'demo/scale-50k',
} as const

/** The tags the samples carry, so tests never spell them twice. */
export const SAMPLE_TAGS = {
  webApp: { latest: 'latest', current: '1.2.0', previous: '1.1.0' },
  ociZstd: { latest: 'latest' },
  multiArch: { latest: 'latest', v2: 'v2', dockerList: 'docker-list' },
  untagged: { tagged: 'stable' },
  windows: { latest: 'ltsc2022' },
  alpine: { cached: '3.20', uncached: '3.21' },
} as const

/** The upstream the `ecr-public` pull-through cache rule mirrors; error messages name it. */
export const ECR_PUBLIC_UPSTREAM = 'public.ecr.aws'

/** An image the pull-through cache knows upstream but has not cached: nothing of it is stored. */
export interface UncachedUpstreamImage {
  readonly tag: string
  readonly digest: string
  readonly manifest: string
  readonly layerDigests: readonly string[]
}

/** Every sample image and the special digests tests need, looked up instead of hard-coded. */
export interface SampleCatalogue {
  readonly webApp: {
    /** Tagged `latest` and `1.2.0`: whiteouts, an opaque dir, an overwrite and wasted space. */
    readonly current: ImageRecord
    /** Tagged `1.1.0`: shares the base layer; its second layer is reported ARCHIVED. */
    readonly previous: ImageRecord
    /** A blob stored in the repository that no manifest references (LayerInaccessibleException). */
    readonly orphanBlobDigest: string
    readonly archivedLayerDigest: string
  }
  readonly ociZstd: { readonly latest: ImageRecord }
  readonly multiArch: {
    readonly index: ImageRecord
    readonly amd64: ImageRecord
    readonly arm64: ImageRecord
    readonly attestation: ImageRecord
    readonly dockerList: ImageRecord
    readonly dockerAmd64: ImageRecord
    readonly dockerArm64: ImageRecord
  }
  readonly untagged: { readonly tagged: ImageRecord; readonly untagged: readonly ImageRecord[] }
  readonly windows: { readonly latest: ImageRecord; readonly foreignLayer: BlobRef }
  readonly alpine: { readonly cached: ImageRecord; readonly uncached: UncachedUpstreamImage }
}

/** The built samples: images per repository, the blob bytes, and the catalogue describing them. */
export interface SampleSet {
  readonly images: ReadonlyMap<string, readonly ImageRecord[]>
  readonly blobs: ReadonlyMap<string, Buffer>
  /** Blobs stored in a repository without any manifest referencing them. */
  readonly orphans: ReadonlyMap<string, readonly string[]>
  /** Layers BatchCheckLayerAvailability reports as ARCHIVED, per repository. */
  readonly archived: ReadonlyMap<string, readonly string[]>
  /** Digests of layers and images that only the pull-through cache's upstream has, per repository. */
  readonly upstreamOnly: ReadonlyMap<string, UncachedUpstreamImage>
  /** `demo/scale-50k`, generated on demand from shared real blobs. */
  readonly scale: ScaleImageCollection
  readonly catalogue: SampleCatalogue
}

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
const at = (msBeforeEpoch: number): Date => new Date(SEED_EPOCH.getTime() - msBeforeEpoch)
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

interface HistoryEntry {
  created_by: string
  empty_layer?: true
  comment?: string
}

interface ImageSpec {
  repositoryName: string
  tags?: string[]
  pushedAt: Date
  lastRecordedPullTime?: Date
  scan?: ScanInfo
}

/** The registry's pull-through cache rules: `ecr-public` (which created the alpine repository) and a Docker Hub rule. */
export function pullThroughCacheRules(
  accountId: string,
  region: string,
): PullThroughCacheRuleRecord[] {
  return [
    {
      ecrRepositoryPrefix: 'docker-hub',
      upstreamRegistryUrl: 'registry-1.docker.io',
      upstreamRegistry: 'docker-hub',
      credentialArn: `arn:aws:secretsmanager:${region}:${accountId}:secret:ecr-pullthroughcache/docker-hub-Xy12Ab`,
      createdAt: at(300 * DAY),
      updatedAt: at(100 * DAY),
    },
    {
      ecrRepositoryPrefix: 'ecr-public',
      upstreamRegistryUrl: ECR_PUBLIC_UPSTREAM,
      upstreamRegistry: 'ecr-public',
      createdAt: at(400 * DAY),
    },
  ]
}

let cached: Promise<SampleSet> | undefined

/** Builds every sample once per process; the bytes are deterministic, so sharing them is safe. */
export function loadSamples(): Promise<SampleSet> {
  cached ??= buildSamples()
  return cached
}

class SampleBuilder {
  readonly blobs = new Map<string, Buffer>()
  readonly images = new Map<string, ImageRecord[]>()

  storeBlob(bytes: Buffer, mediaType: string): BlobRef {
    const digest = sha256Digest(bytes)
    this.blobs.set(digest, bytes)
    return { digest, size: bytes.length, mediaType }
  }

  async layer(
    entries: readonly TarEntrySpec[],
    compression: LayerCompression,
    mediaType: string,
  ): Promise<{ ref: BlobRef; diffId: string }> {
    const built = await buildLayer(entries, compression)
    this.blobs.set(built.digest, built.blob)
    return { ref: { digest: built.digest, size: built.size, mediaType }, diffId: built.diffId }
  }

  /** Writes an image config whose history lines up with `diffIds` the way `docker build` does. */
  config(
    mediaType: string,
    options: {
      architecture: string
      os: string
      variant?: string
      osVersion?: string
      created: Date
      config: Record<string, unknown>
      diffIds: readonly string[]
      history: readonly HistoryEntry[]
    },
  ): BlobRef {
    const nonEmpty = options.history.filter((h) => !h.empty_layer).length
    if (nonEmpty !== options.diffIds.length) {
      throw new Error(`history has ${nonEmpty} layer entries for ${options.diffIds.length} layers`)
    }
    const start = options.created.getTime() - options.history.length * 60_000
    const body = {
      architecture: options.architecture,
      ...(options.variant ? { variant: options.variant } : {}),
      os: options.os,
      ...(options.osVersion ? { 'os.version': options.osVersion } : {}),
      created: options.created.toISOString(),
      config: options.config,
      rootfs: { type: 'layers', diff_ids: options.diffIds },
      history: options.history.map((h, i) => ({
        created: new Date(start + (i + 1) * 60_000).toISOString(),
        ...h,
      })),
    }
    return this.storeBlob(Buffer.from(JSON.stringify(body), 'utf8'), mediaType)
  }

  /** Stores an image manifest (Docker v2 or OCI) as exact text and records it. */
  manifest(
    spec: ImageSpec,
    kind: 'docker' | 'oci',
    config: BlobRef,
    layers: readonly BlobRef[],
    extra: { annotations?: Record<string, string>; layerAnnotations?: Record<string, string> } = {},
  ): ImageRecord {
    const descriptor = (ref: BlobRef, annotations?: Record<string, string>) => ({
      mediaType: ref.mediaType,
      size: ref.size,
      digest: ref.digest,
      ...(ref.urls ? { urls: ref.urls } : {}),
      ...(annotations ? { annotations } : {}),
    })
    const mediaType = kind === 'docker' ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest
    const body = {
      schemaVersion: 2,
      mediaType,
      config: descriptor(config),
      layers: layers.map((l) => descriptor(l, extra.layerAnnotations)),
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    }
    // Docker's registry client indents with three spaces and BuildKit writes compact JSON; keeping
    // both shows that clients must hash the stored text, never a re-serialisation.
    const text = kind === 'docker' ? JSON.stringify(body, null, 3) : JSON.stringify(body)
    return this.record(spec, {
      imageManifest: text,
      imageManifestMediaType: mediaType,
      artifactMediaType: config.mediaType,
      imageSizeInBytes: manifestSize(config, layers),
      config,
      layers,
      children: [],
    })
  }

  /** Stores an OCI index or Docker manifest list; its size is its largest child's, as in ECR. */
  index(
    spec: ImageSpec,
    kind: 'oci' | 'docker',
    entries: readonly {
      image: ImageRecord
      platform: Record<string, string>
      annotations?: Record<string, string>
    }[],
  ): ImageRecord {
    const mediaType = kind === 'oci' ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerManifestList
    const children: BlobRef[] = entries.map((e) => ({
      mediaType: e.image.imageManifestMediaType,
      size: Buffer.byteLength(e.image.imageManifest, 'utf8'),
      digest: e.image.imageDigest,
    }))
    const body = {
      schemaVersion: 2,
      mediaType,
      manifests: entries.map((e, i) => ({
        ...children[i],
        platform: e.platform,
        ...(e.annotations ? { annotations: e.annotations } : {}),
      })),
    }
    const text = kind === 'docker' ? JSON.stringify(body, null, 3) : JSON.stringify(body)
    return this.record(spec, {
      imageManifest: text,
      imageManifestMediaType: mediaType,
      imageSizeInBytes: Math.max(...entries.map((e) => e.image.imageSizeInBytes)),
      layers: [],
      children,
    })
  }

  private record(
    spec: ImageSpec,
    fields: Omit<
      ImageRecord,
      | 'repositoryName'
      | 'imageDigest'
      | 'imageTags'
      | 'imagePushedAt'
      | 'lastRecordedPullTime'
      | 'scan'
    >,
  ): ImageRecord {
    const image: ImageRecord = {
      repositoryName: spec.repositoryName,
      imageDigest: sha256Digest(fields.imageManifest),
      imageTags: spec.tags ?? [],
      imagePushedAt: spec.pushedAt,
      ...(spec.lastRecordedPullTime ? { lastRecordedPullTime: spec.lastRecordedPullTime } : {}),
      ...(spec.scan ? { scan: spec.scan } : {}),
      ...fields,
    }
    const list = this.images.get(spec.repositoryName) ?? []
    list.push(image)
    this.images.set(spec.repositoryName, list)
    return image
  }
}

function scanComplete(completedAt: Date, counts: Record<string, number>): ScanInfo {
  return {
    status: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
    findings: {
      imageScanCompletedAt: completedAt,
      vulnerabilitySourceUpdatedAt: new Date(completedAt.getTime() - 6 * HOUR),
      findingSeverityCounts: counts,
    },
  }
}

const dir = (name: string, extra: Partial<TarEntrySpec> = {}): TarEntrySpec => ({
  name,
  type: 'directory',
  ...extra,
})

const APP_OWNER = { uid: 1000, gid: 1000, uname: 'app', gname: 'app' } as const

/** A name over 100 bytes with no `/` to split at, so ustar cannot hold it and tar writes PAX. */
export const WEB_APP_LONG_NAME =
  'usr/share/doc/app/' +
  'release-notes-for-the-demo-web-application-covering-every-single-change-since-the-very-first-public-preview.txt'

/** A path over 255 bytes: too long even for ustar's 155-byte prefix plus 100-byte name. */
export const WEB_APP_VERY_LONG_PATH =
  'usr/share/doc/app/' +
  Array.from(
    { length: 12 },
    (_, i) => `nested-directory-level-${String(i + 1).padStart(2, '0')}`,
  ).join('/') +
  '/README.md'

async function buildWebApp(b: SampleBuilder): Promise<SampleCatalogue['webApp']> {
  const repositoryName = SAMPLE_REPOSITORIES.webApp
  const t0 = at(120 * DAY)
  const base = await b.layer(
    [
      dir('etc/', { mtime: t0 }),
      {
        name: 'etc/os-release',
        mtime: t0,
        content:
          'NAME="Demo Linux"\nID=demo\nVERSION_ID=3.20.3\nPRETTY_NAME="Demo Linux v3.20"\nHOME_URL="https://example.invalid/"\n',
      },
      // An absolute symlink: a layer browser must not resolve it against the host.
      { name: 'etc/localtime', type: 'symlink', linkname: '/usr/share/zoneinfo/UTC', mtime: t0 },
      dir('etc/app/', { ...APP_OWNER, mode: 0o750, mtime: t0 }),
      {
        name: 'etc/app/config.yaml',
        ...APP_OWNER,
        mode: 0o640,
        mtime: t0,
        content: 'listen: 0.0.0.0:8080\nlog_level: info\n',
      },
      { name: 'etc/app/old.conf', ...APP_OWNER, mtime: t0, content: 'legacy=true\n' },
      dir('usr/', { mtime: t0 }),
      dir('usr/bin/', { mtime: t0 }),
      {
        name: 'usr/bin/app',
        mode: 0o755,
        mtime: t0,
        content: Buffer.concat([
          Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'),
          deterministicBytes('web-app:/usr/bin/app', 24 * 1024),
        ]),
        // A sub-second mtime only PAX can carry.
        pax: { mtime: `${Math.floor(t0.getTime() / 1000)}.123456789` },
      },
      { name: 'usr/bin/app-link', type: 'symlink', linkname: 'app', mtime: t0 },
      { name: 'usr/bin/app-hardlink', type: 'link', linkname: 'usr/bin/app', mtime: t0 },
      dir('usr/share/', { mtime: t0 }),
      dir('usr/share/doc/', { mtime: t0 }),
      dir('usr/share/doc/app/', { mtime: t0 }),
      { name: WEB_APP_LONG_NAME, mtime: t0, content: 'All notable changes are listed here.\n' },
      { name: WEB_APP_VERY_LONG_PATH, mtime: t0, content: 'You found the deepest file.\n' },
      { name: 'usr/share/doc/app/café-menü.txt', mtime: t0, content: 'UTF-8 names need PAX.\n' },
      dir('var/', { mtime: t0 }),
      dir('var/cache/', { mtime: t0 }),
      dir('var/cache/app/', { ...APP_OWNER, mtime: t0 }),
      { name: 'var/cache/app/stale-1.bin', ...APP_OWNER, mtime: t0, content: 'stale cache one\n' },
      { name: 'var/cache/app/stale-2.bin', ...APP_OWNER, mtime: t0, content: 'stale cache two\n' },
      dir('tmp/', { mode: 0o1777, mtime: t0 }),
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )

  // 1.2.0: a build cache added in one layer and deleted in the next is pure wasted space.
  const t1 = at(30 * DAY)
  const wasteful = await b.layer(
    [
      dir('tmp/', { mode: 0o1777, mtime: t1 }),
      {
        name: 'tmp/build-cache.bin',
        mtime: t1,
        content: deterministicBytes('web-app:build-cache', 200 * 1024),
      },
      dir('usr/lib/', { mtime: t1 }),
      dir('usr/lib/app/', { ...APP_OWNER, mtime: t1 }),
      { name: 'usr/lib/app/plugin.so', mtime: t1, mode: 0o755, content: 'plugin v1.2\n' },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  const t2 = at(30 * DAY - HOUR)
  const update = await b.layer(
    [
      dir('etc/', { mtime: t2 }),
      dir('etc/app/', { ...APP_OWNER, mode: 0o750, mtime: t2 }),
      {
        name: 'etc/app/config.yaml',
        ...APP_OWNER,
        mode: 0o640,
        mtime: t2,
        content:
          'listen: 0.0.0.0:8080\nlog_level: debug\nfeatures:\n' +
          Array.from({ length: 40 }, (_, i) => `  flag_${i}: ${i % 2 === 0}\n`).join(''),
      },
      { name: 'etc/app/.wh.old.conf', mtime: t2 },
      dir('tmp/', { mode: 0o1777, mtime: t2 }),
      { name: 'tmp/.wh.build-cache.bin', mtime: t2 },
      dir('var/', { mtime: t2 }),
      dir('var/cache/', { mtime: t2 }),
      dir('var/cache/app/', { ...APP_OWNER, mtime: t2 }),
      { name: 'var/cache/app/.wh..wh..opq', mtime: t2 },
      { name: 'var/cache/app/fresh.json', ...APP_OWNER, mtime: t2, content: '{"warm":true}\n' },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )

  const baseHistory: HistoryEntry[] = [
    { created_by: '/bin/sh -c #(nop) ADD file:6f1a2c0d9e5b in / ' },
    { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
    {
      created_by: 'ENV APP_HOME=/usr/lib/app',
      comment: 'buildkit.dockerfile.v0',
      empty_layer: true,
    },
  ]
  const tail = (version: string): HistoryEntry[] => [
    {
      created_by: `LABEL org.opencontainers.image.version=${version}`,
      comment: 'buildkit.dockerfile.v0',
      empty_layer: true,
    },
    { created_by: 'WORKDIR /usr/lib/app', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    { created_by: 'USER app', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    {
      created_by: 'ENTRYPOINT ["/usr/bin/app"]',
      comment: 'buildkit.dockerfile.v0',
      empty_layer: true,
    },
    {
      created_by: 'CMD ["serve" "--port" "8080"]',
      comment: 'buildkit.dockerfile.v0',
      empty_layer: true,
    },
  ]
  const runtime = (version: string) => ({
    Env: [PATH_ENV, 'APP_HOME=/usr/lib/app', `APP_VERSION=${version}`],
    Entrypoint: ['/usr/bin/app'],
    Cmd: ['serve', '--port', '8080'],
    Labels: {
      'org.opencontainers.image.title': 'web-app',
      'org.opencontainers.image.version': version,
      'org.opencontainers.image.source': 'https://example.invalid/demo/web-app',
    },
    WorkingDir: '/usr/lib/app',
    User: 'app',
    ExposedPorts: { '8080/tcp': {} },
  })

  const currentConfig = b.config(MEDIA_TYPES.dockerConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t2,
    config: runtime('1.2.0'),
    diffIds: [base.diffId, wasteful.diffId, update.diffId],
    history: [
      ...baseHistory,
      {
        created_by:
          'RUN /bin/sh -c dd if=/dev/urandom of=/tmp/build-cache.bin bs=1024 count=200 && make install # buildkit',
        comment: 'buildkit.dockerfile.v0',
      },
      {
        created_by:
          'RUN /bin/sh -c rm -rf /tmp/build-cache.bin /etc/app/old.conf /var/cache/app && mkdir -p /var/cache/app && app warm-cache # buildkit',
        comment: 'buildkit.dockerfile.v0',
      },
      ...tail('1.2.0'),
    ],
  })
  const current = b.manifest(
    {
      repositoryName,
      tags: [SAMPLE_TAGS.webApp.latest, SAMPLE_TAGS.webApp.current],
      pushedAt: at(30 * DAY - 2 * HOUR),
      lastRecordedPullTime: at(2 * HOUR),
      scan: scanComplete(at(30 * DAY - 3 * HOUR), {
        CRITICAL: 1,
        HIGH: 3,
        MEDIUM: 7,
        LOW: 12,
        INFORMATIONAL: 2,
      }),
    },
    'docker',
    currentConfig,
    [base.ref, wasteful.ref, update.ref],
  )

  const tOld = at(90 * DAY)
  const previousApp = await b.layer(
    [
      dir('etc/', { mtime: tOld }),
      dir('etc/app/', { ...APP_OWNER, mode: 0o750, mtime: tOld }),
      {
        name: 'etc/app/config.yaml',
        ...APP_OWNER,
        mode: 0o640,
        mtime: tOld,
        content: 'listen: 0.0.0.0:8080\nlog_level: warn\n',
      },
      dir('usr/', { mtime: tOld }),
      dir('usr/lib/', { mtime: tOld }),
      dir('usr/lib/app/', { ...APP_OWNER, mtime: tOld }),
      { name: 'usr/lib/app/plugin.so', mtime: tOld, mode: 0o755, content: 'plugin v1.1\n' },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  const previousConfig = b.config(MEDIA_TYPES.dockerConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: tOld,
    config: runtime('1.1.0'),
    diffIds: [base.diffId, previousApp.diffId],
    history: [
      ...baseHistory,
      { created_by: 'COPY rootfs/ / # buildkit', comment: 'buildkit.dockerfile.v0' },
      ...tail('1.1.0'),
    ],
  })
  const previous = b.manifest(
    {
      repositoryName,
      tags: [SAMPLE_TAGS.webApp.previous],
      pushedAt: at(90 * DAY - HOUR),
      scan: scanComplete(at(89 * DAY), { CRITICAL: 4, HIGH: 9, MEDIUM: 15, LOW: 20 }),
    },
    'docker',
    previousConfig,
    [base.ref, previousApp.ref],
  )

  const orphan = await b.layer(
    [{ name: 'orphan.txt', content: 'uploaded, never referenced\n' }],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  return {
    current,
    previous,
    orphanBlobDigest: orphan.ref.digest,
    archivedLayerDigest: previousApp.ref.digest,
  }
}

async function buildOciZstd(b: SampleBuilder): Promise<SampleCatalogue['ociZstd']> {
  const t = at(14 * DAY)
  const base = await b.layer(
    [
      dir('bin/', { mtime: t }),
      {
        name: 'bin/busybox',
        mode: 0o755,
        mtime: t,
        content: deterministicBytes('oci:busybox', 48 * 1024),
      },
      { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', mtime: t },
      dir('etc/', { mtime: t }),
      {
        name: 'etc/os-release',
        mtime: t,
        content: 'NAME="Demo Linux"\nID=demo\nVERSION_ID=3.20.3\n',
      },
    ],
    'zstd',
    MEDIA_TYPES.ociLayerZstd,
  )
  const tool = await b.layer(
    [
      dir('opt/', { mtime: t }),
      dir('opt/tool/', { mtime: t }),
      dir('opt/tool/bin/', { mtime: t }),
      {
        name: 'opt/tool/bin/tool',
        mode: 0o755,
        mtime: t,
        content: deterministicBytes('oci:tool', 32 * 1024),
      },
      dir('opt/tool/share/', { mtime: t }),
      {
        name: 'opt/tool/share/data.json',
        mtime: t,
        content: JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ id: i })) }),
      },
    ],
    'zstd',
    MEDIA_TYPES.ociLayerZstd,
  )
  const settings = await b.layer(
    [
      dir('etc/', { mtime: t }),
      dir('etc/tool/', { mtime: t }),
      { name: 'etc/tool/settings.toml', mtime: t, content: '[server]\nport = 9000\n' },
    ],
    'gzip',
    MEDIA_TYPES.ociLayerGzip,
  )
  const version = await b.layer(
    [{ name: 'opt/tool/VERSION', mtime: t, content: '2.4.1\n' }],
    'none',
    MEDIA_TYPES.ociLayerTar,
  )
  const config = b.config(MEDIA_TYPES.ociConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t,
    config: {
      Env: [PATH_ENV, 'TOOL_HOME=/opt/tool'],
      Entrypoint: ['/opt/tool/bin/tool'],
      Cmd: ['--help'],
      Labels: { 'org.opencontainers.image.title': 'oci-zstd' },
      WorkingDir: '/opt/tool',
    },
    diffIds: [base.diffId, tool.diffId, settings.diffId, version.diffId],
    history: [
      { created_by: 'ADD rootfs.tar.zst / # buildkit', comment: 'buildkit.dockerfile.v0' },
      {
        created_by: 'ENV TOOL_HOME=/opt/tool',
        comment: 'buildkit.dockerfile.v0',
        empty_layer: true,
      },
      { created_by: 'COPY tool /opt/tool # buildkit', comment: 'buildkit.dockerfile.v0' },
      { created_by: 'COPY settings.toml /etc/tool/ # buildkit', comment: 'buildkit.dockerfile.v0' },
      { created_by: 'COPY VERSION /opt/tool/ # buildkit', comment: 'buildkit.dockerfile.v0' },
      {
        created_by: 'ENTRYPOINT ["/opt/tool/bin/tool"]',
        comment: 'buildkit.dockerfile.v0',
        empty_layer: true,
      },
      { created_by: 'CMD ["--help"]', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    ],
  })
  const latest = b.manifest(
    {
      repositoryName: SAMPLE_REPOSITORIES.ociZstd,
      tags: [SAMPLE_TAGS.ociZstd.latest],
      pushedAt: t,
    },
    'oci',
    config,
    [base.ref, tool.ref, settings.ref, version.ref],
    {
      annotations: {
        'org.opencontainers.image.created': t.toISOString(),
        'org.opencontainers.image.source': 'https://example.invalid/demo/oci-zstd',
      },
    },
  )
  return { latest }
}

async function buildMultiArch(b: SampleBuilder): Promise<SampleCatalogue['multiArch']> {
  const repositoryName = SAMPLE_REPOSITORIES.multiArch
  const t = at(7 * DAY)
  const platformImage = async (arch: 'amd64' | 'arm64') => {
    const loader = arch === 'amd64' ? 'ld-musl-x86_64.so.1' : 'ld-musl-aarch64.so.1'
    const base = await b.layer(
      [
        dir('lib/', { mtime: t }),
        {
          name: `lib/${loader}`,
          mode: 0o755,
          mtime: t,
          content: deterministicBytes(`multi:${arch}:loader`, 12 * 1024),
        },
        dir('etc/', { mtime: t }),
        { name: 'etc/os-release', mtime: t, content: `NAME="Demo Linux"\nID=demo\nARCH=${arch}\n` },
      ],
      'gzip',
      MEDIA_TYPES.ociLayerGzip,
    )
    const curl = await b.layer(
      [
        dir('usr/', { mtime: t }),
        dir('usr/bin/', { mtime: t }),
        {
          name: 'usr/bin/curl',
          mode: 0o755,
          mtime: t,
          content: deterministicBytes(`multi:${arch}:curl`, arch === 'amd64' ? 20_000 : 26_000),
        },
      ],
      'gzip',
      MEDIA_TYPES.ociLayerGzip,
    )
    const suffix = arch === 'arm64' ? ' # arm64' : ''
    const config = b.config(MEDIA_TYPES.ociConfig, {
      architecture: arch,
      os: 'linux',
      ...(arch === 'arm64' ? { variant: 'v8' } : {}),
      created: t,
      config: { Env: [PATH_ENV], Cmd: ['curl', '--version'] },
      diffIds: [base.diffId, curl.diffId],
      history: [
        { created_by: `/bin/sh -c #(nop) ADD file:${arch}-rootfs in /${suffix}` },
        { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
        { created_by: `RUN /bin/sh -c apk add --no-cache curl${suffix}` },
        { created_by: 'CMD ["curl" "--version"]', empty_layer: true },
      ],
    })
    return { config, layers: [base.ref, curl.ref] }
  }
  const amdParts = await platformImage('amd64')
  const armParts = await platformImage('arm64')
  const child = (pushedAt: Date, scan?: ScanInfo): ImageSpec => ({
    repositoryName,
    pushedAt,
    ...(scan ? { scan } : {}),
  })
  const amd64 = b.manifest(
    child(t, scanComplete(at(7 * DAY - HOUR), { MEDIUM: 2, LOW: 1 })),
    'oci',
    amdParts.config,
    amdParts.layers,
  )
  const arm64 = b.manifest(child(t), 'oci', armParts.config, armParts.layers)

  // BuildKit's provenance/SBOM attestation: an image manifest for platform unknown/unknown.
  const statement = b.storeBlob(
    Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://spdx.dev/Document',
        subject: [
          { name: 'pkg:docker/demo/multi-arch', digest: { sha256: amd64.imageDigest.slice(7) } },
        ],
        predicate: { spdxVersion: 'SPDX-2.3', name: 'sbom', packages: [{ name: 'curl' }] },
      }),
      'utf8',
    ),
    MEDIA_TYPES.inToto,
  )
  const attestationConfig = b.config(MEDIA_TYPES.ociConfig, {
    architecture: 'unknown',
    os: 'unknown',
    created: t,
    config: {},
    diffIds: [statement.digest],
    history: [{ created_by: 'attestation' }],
  })
  const attestation = b.manifest(child(t), 'oci', attestationConfig, [statement], {
    layerAnnotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' },
  })
  const index = b.index(
    {
      repositoryName,
      tags: [SAMPLE_TAGS.multiArch.latest, SAMPLE_TAGS.multiArch.v2],
      pushedAt: new Date(t.getTime() + 1000),
      lastRecordedPullTime: at(DAY),
    },
    'oci',
    [
      { image: amd64, platform: { architecture: 'amd64', os: 'linux' } },
      { image: arm64, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
      {
        image: attestation,
        platform: { architecture: 'unknown', os: 'unknown' },
        annotations: {
          'vnd.docker.reference.digest': amd64.imageDigest,
          'vnd.docker.reference.type': 'attestation-manifest',
        },
      },
    ],
  )

  // The same blobs under Docker media types, listed by a Docker manifest list.
  const asDocker = (ref: BlobRef, mediaType: string): BlobRef => ({ ...ref, mediaType })
  const tDocker = at(6 * DAY)
  const dockerChild = (parts: { config: BlobRef; layers: BlobRef[] }) =>
    b.manifest(
      child(tDocker),
      'docker',
      asDocker(parts.config, MEDIA_TYPES.dockerConfig),
      parts.layers.map((l) => asDocker(l, MEDIA_TYPES.dockerLayerGzip)),
    )
  const dockerAmd64 = dockerChild(amdParts)
  const dockerArm64 = dockerChild(armParts)
  const dockerList = b.index(
    {
      repositoryName,
      tags: [SAMPLE_TAGS.multiArch.dockerList],
      pushedAt: new Date(tDocker.getTime() + 1000),
    },
    'docker',
    [
      { image: dockerAmd64, platform: { architecture: 'amd64', os: 'linux' } },
      { image: dockerArm64, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    ],
  )
  return { index, amd64, arm64, attestation, dockerList, dockerAmd64, dockerArm64 }
}

async function buildUntagged(b: SampleBuilder): Promise<SampleCatalogue['untagged']> {
  const images: ImageRecord[] = []
  for (let i = 0; i < 4; i++) {
    const t = at((40 - i * 9) * DAY)
    const layer = await b.layer(
      [{ name: 'build.txt', mtime: t, content: `build ${i + 1}\n` }],
      'gzip',
      MEDIA_TYPES.dockerLayerGzip,
    )
    const config = b.config(MEDIA_TYPES.dockerConfig, {
      architecture: 'amd64',
      os: 'linux',
      created: t,
      config: { Env: [PATH_ENV], Cmd: ['cat', '/build.txt'] },
      diffIds: [layer.diffId],
      history: [{ created_by: 'COPY build.txt / # buildkit', comment: 'buildkit.dockerfile.v0' }],
    })
    const tagged = i === 3
    images.push(
      b.manifest(
        {
          repositoryName: SAMPLE_REPOSITORIES.untagged,
          pushedAt: t,
          ...(tagged ? { tags: [SAMPLE_TAGS.untagged.tagged], scan: scanComplete(t, {}) } : {}),
        },
        'docker',
        config,
        [layer.ref],
      ),
    )
  }
  const [a, b2, c, tagged] = images
  if (!a || !b2 || !c || !tagged) throw new Error('untagged samples missing')
  return { tagged, untagged: [a, b2, c] }
}

async function buildWindows(b: SampleBuilder): Promise<SampleCatalogue['windows']> {
  const t = at(60 * DAY)
  const foreignDigest = sha256Digest('foreign:windows/servercore:ltsc2022')
  // Non-distributable: the manifest names it, but only Microsoft's registry serves the bytes.
  const foreignLayer: BlobRef = {
    mediaType: MEDIA_TYPES.dockerForeignLayer,
    size: 1_436_210_987,
    digest: foreignDigest,
    urls: [`https://mcr.microsoft.com/v2/windows/servercore/blobs/${foreignDigest}`],
  }
  const app = await b.layer(
    [
      dir('Files/', { mtime: t }),
      dir('Files/App/', { mtime: t }),
      {
        name: 'Files/App/app.exe',
        mtime: t,
        content: Buffer.concat([Buffer.from('MZ'), deterministicBytes('windows:app', 16 * 1024)]),
      },
      dir('Hives/', { mtime: t }),
      { name: 'Hives/Software_Delta', mtime: t, content: deterministicBytes('windows:hive', 4096) },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  const config = b.config(MEDIA_TYPES.dockerConfig, {
    architecture: 'amd64',
    os: 'windows',
    osVersion: '10.0.20348.2113',
    created: t,
    config: { Env: [], Cmd: ['C:\\App\\app.exe'], WorkingDir: 'C:\\App' },
    diffIds: [sha256Digest('foreign:windows/servercore:ltsc2022:tar'), app.diffId],
    history: [
      { created_by: 'Apply image 10.0.20348.2113' },
      { created_by: 'cmd /S /C copy app.exe C:\\App\\' },
      { created_by: 'cmd /S /C #(nop)  CMD ["C:\\\\App\\\\app.exe"]', empty_layer: true },
    ],
  })
  const latest = b.manifest(
    {
      repositoryName: SAMPLE_REPOSITORIES.windows,
      tags: [SAMPLE_TAGS.windows.latest],
      pushedAt: t,
      scan: {
        status: {
          status: 'UNSUPPORTED_IMAGE',
          description: 'The operating system and/or package manager are not supported.',
        },
      },
    },
    'docker',
    config,
    [foreignLayer, app.ref],
  )
  return { latest, foreignLayer }
}

async function buildAlpine(b: SampleBuilder): Promise<SampleCatalogue['alpine']> {
  const release = async (version: string, t: Date, store: SampleBuilder) => {
    const layer = await store.layer(
      [
        dir('bin/', { mtime: t }),
        {
          name: 'bin/busybox',
          mode: 0o755,
          mtime: t,
          content: deterministicBytes(`alpine:${version}:busybox`, 40 * 1024),
        },
        { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', mtime: t },
        dir('etc/', { mtime: t }),
        { name: 'etc/alpine-release', mtime: t, content: `${version}.0\n` },
        dir('etc/apk/', { mtime: t }),
        {
          name: 'etc/apk/repositories',
          mtime: t,
          content: `https://dl-cdn.alpinelinux.org/alpine/v${version}/main\n`,
        },
      ],
      'gzip',
      MEDIA_TYPES.dockerLayerGzip,
    )
    const config = store.config(MEDIA_TYPES.dockerConfig, {
      architecture: 'amd64',
      os: 'linux',
      created: t,
      config: { Env: [PATH_ENV], Cmd: ['/bin/sh'] },
      diffIds: [layer.diffId],
      history: [
        { created_by: `/bin/sh -c #(nop) ADD file:alpine-${version} in / ` },
        { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
      ],
    })
    return { layer: layer.ref, config }
  }
  const t = at(45 * DAY)
  const cachedParts = await release('3.20', t, b)
  const cached = b.manifest(
    {
      repositoryName: SAMPLE_REPOSITORIES.alpine,
      tags: [SAMPLE_TAGS.alpine.cached],
      pushedAt: at(20 * DAY),
      lastRecordedPullTime: at(DAY + 3 * HOUR),
      scan: scanComplete(at(20 * DAY), {}),
    },
    'docker',
    cachedParts.config,
    [cachedParts.layer],
  )
  // Built in a throwaway builder: nothing of the uncached release may land in the registry.
  const upstream = new SampleBuilder()
  const upstreamParts = await release('3.21', at(10 * DAY), upstream)
  const upstreamImage = upstream.manifest(
    { repositoryName: SAMPLE_REPOSITORIES.alpine, pushedAt: at(10 * DAY) },
    'docker',
    upstreamParts.config,
    [upstreamParts.layer],
  )
  return {
    cached,
    uncached: {
      tag: SAMPLE_TAGS.alpine.uncached,
      digest: upstreamImage.imageDigest,
      manifest: upstreamImage.imageManifest,
      layerDigests: [upstreamParts.config.digest, upstreamParts.layer.digest],
    },
  }
}

async function buildScale(b: SampleBuilder): Promise<ScaleImageCollection> {
  const t = at(400 * DAY)
  const layer = await b.layer(
    [{ name: 'build-info.txt', mtime: t, content: 'built by the nightly pipeline\n' }],
    'gzip',
    MEDIA_TYPES.ociLayerGzip,
  )
  const config = b.config(MEDIA_TYPES.ociConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t,
    config: { Env: [PATH_ENV], Cmd: ['cat', '/build-info.txt'] },
    diffIds: [layer.diffId],
    history: [
      { created_by: 'COPY build-info.txt / # buildkit', comment: 'buildkit.dockerfile.v0' },
    ],
  })
  return new ScaleImageCollection(SAMPLE_REPOSITORIES.scale, config, layer.ref)
}

/** Builds every sample afresh; loadSamples() caches this, tests call it to check determinism. */
export async function buildSamples(): Promise<SampleSet> {
  const b = new SampleBuilder()
  const webApp = await buildWebApp(b)
  const ociZstd = await buildOciZstd(b)
  const multiArch = await buildMultiArch(b)
  const untagged = await buildUntagged(b)
  const windows = await buildWindows(b)
  const alpine = await buildAlpine(b)
  const scale = await buildScale(b)
  return {
    images: b.images,
    blobs: b.blobs,
    orphans: new Map([[SAMPLE_REPOSITORIES.webApp, [webApp.orphanBlobDigest]]]),
    archived: new Map([[SAMPLE_REPOSITORIES.webApp, [webApp.archivedLayerDigest]]]),
    upstreamOnly: new Map([[SAMPLE_REPOSITORIES.alpine, alpine.uncached]]),
    scale,
    catalogue: { webApp, ociZstd, multiArch, untagged, windows, alpine },
  }
}
