import { MEDIA_TYPES } from '../images'
import type { BlobRef, ImageRecord } from '../images'
import { deterministicBytes } from '../keystream'
import { at, DAY, defineSample, dir, HOUR, PATH_ENV } from './builder'
import type { SampleBuilder } from './builder'

const REPOSITORY = 'demo/supply-chain'
const TAGS = { subject: '1.0', previous: '0.9' } as const

/** The artifact type of an SPDX 2.x JSON SBOM attached as an OCI 1.1 referrer. */
export const SPDX_ARTIFACT_TYPE = 'application/spdx+json'

export interface SupplyChainSample {
  /** `1.0`: the image the referrers hang on. */
  readonly subject: ImageRecord
  /** An SPDX SBOM of `1.0` attached through `subject` (ACTIVE). */
  readonly sbom: ImageRecord
  /** The SBOM an earlier scan attached to `1.0`, since archived. */
  readonly archivedSbom: ImageRecord
  /** `0.9`, whose signature is stored only under cosign's legacy tag. */
  readonly previous: ImageRecord
  /** The manifest tagged `sha256-<hex of 0.9>.sig`: cosign's legacy scheme, no `subject`. */
  readonly legacySignature: ImageRecord
  readonly legacySignatureTag: string
}

function spdx(name: string, created: Date, packages: readonly [string, string][]): Buffer {
  return Buffer.from(
    JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name,
      documentNamespace: `https://demo.invalid/spdx/${name}`,
      creationInfo: { created: created.toISOString(), creators: ['Tool: demo-registry'] },
      packages: packages.map(([pkg, version]) => ({
        name: pkg,
        SPDXID: `SPDXRef-Package-${pkg}`,
        versionInfo: version,
        downloadLocation: 'NOASSERTION',
        licenseConcluded: 'MIT',
        externalRefs: [
          {
            referenceCategory: 'PACKAGE-MANAGER',
            referenceType: 'purl',
            referenceLocator: `pkg:apk/demo/${pkg}@${version}`,
          },
        ],
      })),
    }),
    'utf8',
  )
}

async function image(
  b: SampleBuilder,
  version: string,
  t: Date,
  tag: string,
): Promise<ImageRecord> {
  const layer = await b.layer(
    [
      dir('app/', { mtime: t }),
      {
        name: 'app/server',
        mode: 0o755,
        mtime: t,
        content: deterministicBytes(`supply-chain:${version}`, 16 * 1024),
      },
      { name: 'app/VERSION', mtime: t, content: `${version}\n` },
    ],
    'gzip',
    MEDIA_TYPES.ociLayerGzip,
  )
  const config = b.config(MEDIA_TYPES.ociConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t,
    config: { Env: [PATH_ENV], Entrypoint: ['/app/server'] },
    diffIds: [layer.diffId],
    history: [{ created_by: 'COPY server VERSION /app/ # buildkit' }],
  })
  return b.manifest({ repositoryName: REPOSITORY, tags: [tag], pushedAt: t }, 'oci', config, [
    layer.ref,
  ])
}

async function build(b: SampleBuilder): Promise<SupplyChainSample> {
  const t = at(3 * DAY)
  const previous = await image(b, '0.9', at(10 * DAY), TAGS.previous)
  const subject = await image(b, '1.0', t, TAGS.subject)

  const sbomBlob = (created: Date, packages: [string, string][]): BlobRef =>
    b.storeBlob(spdx(`demo-supply-chain-1.0`, created, packages), SPDX_ARTIFACT_TYPE)
  const archivedSbom = b.artifact(
    {
      repositoryName: REPOSITORY,
      pushedAt: new Date(t.getTime() + HOUR),
      imageStatus: 'ARCHIVED',
      lastArchivedAt: at(DAY),
    },
    {
      artifactType: SPDX_ARTIFACT_TYPE,
      subject,
      blobs: [sbomBlob(new Date(t.getTime() + HOUR), [['server', '1.0.0']])],
      annotations: {
        'org.opencontainers.image.created': new Date(t.getTime() + HOUR).toISOString(),
      },
    },
  )
  const created = new Date(t.getTime() + 2 * HOUR)
  const sbom = b.artifact(
    { repositoryName: REPOSITORY, pushedAt: created },
    {
      artifactType: SPDX_ARTIFACT_TYPE,
      subject,
      blobs: [
        sbomBlob(created, [
          ['server', '1.0.0'],
          ['musl', '1.2.5'],
        ]),
      ],
      annotations: { 'org.opencontainers.image.created': created.toISOString() },
    },
  )

  // cosign's legacy scheme: a manifest tagged after the digest it signs, its payload a layer.
  // Part of the graph plumbing only; the supply-chain views sign their own images at start.
  const payload = b.storeBlob(
    Buffer.from(
      JSON.stringify({
        critical: {
          identity: { 'docker-reference': `demo/supply-chain` },
          image: { 'docker-manifest-digest': previous.imageDigest },
          type: 'cosign container image signature',
        },
        optional: null,
      }),
      'utf8',
    ),
    MEDIA_TYPES.cosignSimpleSigning,
  )
  const sigConfig = b.config(MEDIA_TYPES.ociConfig, {
    architecture: '',
    os: '',
    created: at(10 * DAY - HOUR),
    config: {},
    diffIds: [payload.digest],
    history: [{ created_by: 'cosign sign' }],
  })
  const legacySignatureTag = `sha256-${previous.imageDigest.slice('sha256:'.length)}.sig`
  const legacySignature = b.manifest(
    { repositoryName: REPOSITORY, tags: [legacySignatureTag], pushedAt: at(10 * DAY - HOUR) },
    'oci',
    sigConfig,
    [payload],
  )
  return { subject, sbom, archivedSbom, previous, legacySignature, legacySignatureTag }
}

/** `demo/supply-chain`: `1.0` with SPDX SBOMs attached through OCI 1.1 `subject`, `0.9` signed through a legacy cosign tag. */
export const supplyChain = defineSample({
  key: 'supplyChain',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
})
