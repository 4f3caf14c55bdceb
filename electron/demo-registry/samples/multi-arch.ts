import { MEDIA_TYPES } from '../images'
import type { BlobRef, ImageRecord, ScanInfo } from '../images'
import { deterministicBytes } from '../keystream'
import { at, DAY, defineSample, dir, HOUR, PATH_ENV, scanComplete } from './builder'
import type { ImageSpec, SampleBuilder } from './builder'

const REPOSITORY = 'demo/multi-arch'
const TAGS = { latest: 'latest', v2: 'v2', dockerList: 'docker-list' } as const

export interface MultiArchSample {
  readonly index: ImageRecord
  readonly amd64: ImageRecord
  readonly arm64: ImageRecord
  readonly attestation: ImageRecord
  readonly dockerList: ImageRecord
  readonly dockerAmd64: ImageRecord
  readonly dockerArm64: ImageRecord
}

async function build(b: SampleBuilder): Promise<MultiArchSample> {
  const repositoryName = REPOSITORY
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
      tags: [TAGS.latest, TAGS.v2],
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
      tags: [TAGS.dockerList],
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

/** `demo/multi-arch`: an OCI index with an attestation, and a Docker manifest list of the same blobs. */
export const multiArch = defineSample({
  key: 'multiArch',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
})
