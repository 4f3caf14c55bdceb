import { MEDIA_TYPES } from '../images'
import type { BlobRef, ImageRecord, SigningStatusRecord } from '../images'
import { deterministicBytes } from '../keystream'
import { at, DAY, defineSample, dir, HOUR, PATH_ENV } from './builder'
import type { SampleBuilder } from './builder'
import { SIGSTORE_JS_DSSE_BUNDLE, SIGSTORE_JS_DSSE_PAYLOAD } from './sigstore-bundle'
import {
  cosignSign,
  cycloneDxSbom,
  demoRunKeys,
  notationSignature,
  slsaProvenance,
  spdxSbom,
  type DemoPackage,
  type LayerFile,
} from './supply-chain-artifacts'
import { shortHex } from '../../../shared/digest'

// demo/signed: an image with everything a supply chain hangs on it, with real bytes, signed at
// start with this run's key; one image whose signature covers another digest; one signed with a
// key that is not published.

const REPOSITORY = 'demo/signed'
const TAGS = {
  signed: '1.0',
  copiedSignature: '1.0-copied-signature',
  unknownSigner: '1.0-unknown-signer',
  keyless: '1.0-keyless',
  soci: '1.0-soci',
} as const

export const ARTIFACT_TYPES = {
  spdx: 'application/spdx+json',
  cycloneDx: 'application/vnd.cyclonedx+json',
  inToto: 'application/vnd.in-toto+json',
  dsse: 'application/vnd.dsse.envelope.v1+json',
  cosignSignature: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  notation: 'application/vnd.cncf.notary.signature',
  jose: 'application/jose+json',
  sigstoreBundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  sociIndexV2: 'application/vnd.amazon.soci.index.v2+json',
  sociZtoc: 'application/octet-stream',
} as const
const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature'
const SOURCE = 'https://github.com/example/greeter'
const COMMIT = '4f1c9e2b7a6d5c3e8f0a1b2c3d4e5f60718293a4'

export interface SignedSample {
  /** `1.0`: SBOMs, provenance, cosign (OCI 1.1 and legacy tag) and Notation signatures. */
  readonly signed: ImageRecord
  /** The files `1.0`'s layer holds, as the SBOMs describe them. */
  readonly files: readonly LayerFile[]
  readonly packages: readonly DemoPackage[]
  readonly spdx: ImageRecord
  readonly cycloneDx: ImageRecord
  readonly provenance: ImageRecord
  readonly signature: ImageRecord
  /** cosign's signature of the SPDX SBOM: a referrer of a referrer. */
  readonly sbomSignature: ImageRecord
  readonly legacySignature: ImageRecord
  readonly legacySignatureTag: string
  readonly notation: ImageRecord
  /** An image carrying a copy of `1.0`'s signature: valid, but it covers `1.0`'s digest. */
  readonly copiedSignature: ImageRecord
  readonly copiedSignatureReferrer: ImageRecord
  /**
   * An image with a keyless Sigstore bundle as its referrer: sigstore-js's own test vector, which
   * verifies against the public-good root but signs "hello, world!", not this image.
   */
  readonly keyless: ImageRecord
  readonly keylessBundle: ImageRecord
  /** An image with a SOCI index v2 (one zTOC for its layer) as its referrer. */
  readonly soci: ImageRecord
  readonly sociIndex: ImageRecord
  /** The image layer the zTOC indexes. */
  readonly sociLayerDigest: string
  /** An image signed with a key this run never shows. */
  readonly unknownSigner: ImageRecord
  readonly unknownSignerReferrer: ImageRecord
  /** The public key of this run's signing key (PEM), shown in the welcome text. */
  readonly publicKeyPem: string
}

function layerFiles(version: string): LayerFile[] {
  return [
    {
      path: 'usr/bin/greeter',
      content: deterministicBytes(`signed:greeter:${version}`, 24 * 1024),
    },
    {
      path: 'usr/lib/libhello.so.2',
      content: deterministicBytes('signed:libhello:2.3.1', 12 * 1024),
    },
    {
      path: 'etc/os-release',
      content: Buffer.from('NAME="Demo Linux"\nID=demo\nVERSION_ID=3.20\n', 'utf8'),
    },
    { path: 'usr/share/doc/greeter/VERSION', content: Buffer.from(`${version}\n`, 'utf8') },
  ]
}

const PACKAGES: DemoPackage[] = [
  {
    name: 'greeter',
    version: '1.0.0',
    licence: 'Apache-2.0',
    supplier: 'Example Corp',
    purl: 'pkg:generic/greeter@1.0.0',
    files: ['usr/bin/greeter', 'usr/share/doc/greeter/VERSION'],
  },
  {
    name: 'libhello',
    version: '2.3.1-r0',
    licence: 'MIT',
    supplier: 'Demo Linux',
    purl: 'pkg:apk/demo/libhello@2.3.1-r0?arch=x86_64',
    files: ['usr/lib/libhello.so.2'],
  },
  {
    name: 'demo-base-files',
    version: '3.20.0-r1',
    licence: 'GPL-2.0-only',
    supplier: 'Demo Linux',
    purl: 'pkg:apk/demo/demo-base-files@3.20.0-r1?arch=x86_64',
    files: ['etc/os-release'],
  },
]

const SIGNING_PROFILES = {
  release: 'arn:aws:signer:us-east-1:111122223333:/signing-profiles/demo_release',
  audit: 'arn:aws:signer:us-east-1:111122223333:/signing-profiles/demo_audit',
}

async function image(
  b: SampleBuilder,
  version: string,
  t: Date,
  tag: string,
  signingStatuses?: readonly SigningStatusRecord[],
) {
  const files = layerFiles(version)
  const layer = await b.layer(
    [
      dir('etc/', { mtime: t }),
      dir('usr/', { mtime: t }),
      dir('usr/bin/', { mtime: t }),
      dir('usr/lib/', { mtime: t }),
      dir('usr/share/', { mtime: t }),
      dir('usr/share/doc/', { mtime: t }),
      dir('usr/share/doc/greeter/', { mtime: t }),
      ...files.map((f) => ({
        name: f.path,
        mode: f.path.startsWith('usr/bin/') ? 0o755 : 0o644,
        mtime: t,
        content: f.content,
      })),
    ],
    'gzip',
    MEDIA_TYPES.ociLayerGzip,
  )
  const config = b.config(MEDIA_TYPES.ociConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t,
    config: { Env: [PATH_ENV], Entrypoint: ['/usr/bin/greeter'] },
    diffIds: [layer.diffId],
    history: [{ created_by: 'COPY rootfs/ / # buildkit' }],
  })
  const spec = { repositoryName: REPOSITORY, tags: [tag], pushedAt: t }
  const record = b.manifest(signingStatuses ? { ...spec, signingStatuses } : spec, 'oci', config, [
    layer.ref,
  ])
  return { record, files }
}

function created(t: Date): Record<string, string> {
  return { 'org.opencontainers.image.created': t.toISOString() }
}

async function build(b: SampleBuilder): Promise<SignedSample> {
  const { published, unpublished } = demoRunKeys()
  const t = at(2 * DAY)
  const after = (hours: number) => new Date(t.getTime() + hours * HOUR)
  const { record: signed, files } = await image(b, '1.0.0', t, TAGS.signed, [
    { signingProfileArn: SIGNING_PROFILES.release, status: 'COMPLETE' },
    {
      signingProfileArn: SIGNING_PROFILES.audit,
      status: 'FAILED',
      failureCode: 'SigningProfileRevoked',
      failureReason: 'The signing profile demo_audit was revoked on the day before the push.',
    },
  ])
  const subjectRef = `${REPOSITORY}:${TAGS.signed}`

  const json = (bytes: Buffer, mediaType: string): BlobRef => b.storeBlob(bytes, mediaType)
  const referrer = (
    subject: ImageRecord,
    artifactType: string,
    blob: BlobRef,
    when: Date,
    extra: { annotations?: Record<string, string>; layerAnnotations?: Record<string, string> } = {},
  ) =>
    b.artifact(
      { repositoryName: REPOSITORY, pushedAt: when },
      {
        artifactType,
        subject,
        blobs: [blob],
        annotations: { ...created(when), ...extra.annotations },
        ...(extra.layerAnnotations ? { layerAnnotations: extra.layerAnnotations } : {}),
      },
    )

  const spdx = referrer(
    signed,
    ARTIFACT_TYPES.spdx,
    json(
      spdxSbom({
        name: subjectRef,
        namespace: `https://demo.invalid/spdx/demo-signed-1.0-${shortHex(signed.imageDigest)}`,
        created: after(1),
        files,
        packages: PACKAGES,
      }),
      ARTIFACT_TYPES.spdx,
    ),
    after(1),
  )
  const cycloneDx = referrer(
    signed,
    ARTIFACT_TYPES.cycloneDx,
    json(
      cycloneDxSbom({
        serial: 'urn:uuid:5f0c1c55-8d0e-4c3b-9d7e-1e0a6b3f2c11',
        subject: { name: REPOSITORY, version: TAGS.signed, digest: signed.imageDigest },
        created: after(1),
        files,
        packages: PACKAGES,
      }),
      ARTIFACT_TYPES.cycloneDx,
    ),
    after(1),
  )
  const provenance = referrer(
    signed,
    ARTIFACT_TYPES.inToto,
    json(
      slsaProvenance({
        key: published.privateKey,
        subject: { name: `demo.invalid/${REPOSITORY}`, digest: signed.imageDigest },
        repository: SOURCE,
        commit: COMMIT,
        ref: 'refs/tags/v1.0.0',
        startedOn: new Date(t.getTime() - 10 * 60_000),
        finishedOn: t,
      }),
      ARTIFACT_TYPES.dsse,
    ),
    after(1),
    { annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v1' } },
  )

  const cosign = (subject: ImageRecord, key = published) =>
    cosignSign(key.privateKey, subjectRef, subject.imageDigest)
  const signatureOf = (
    subject: ImageRecord,
    signedPayload: { payload: Buffer; signature: string },
    when: Date,
  ) =>
    referrer(
      subject,
      ARTIFACT_TYPES.cosignSignature,
      json(signedPayload.payload, MEDIA_TYPES.cosignSimpleSigning),
      when,
      {
        layerAnnotations: { [SIGNATURE_ANNOTATION]: signedPayload.signature },
      },
    )
  const signedPayload = cosign(signed)
  const signature = signatureOf(signed, signedPayload, after(2))
  const sbomSignature = signatureOf(spdx, cosign(spdx), after(2))

  // The same signature under cosign's legacy tag, as `cosign sign` without OCI 1.1 stores it.
  const legacySignatureTag = `sha256-${signed.imageDigest.slice('sha256:'.length)}.sig`
  const payloadBlob = json(signedPayload.payload, MEDIA_TYPES.cosignSimpleSigning)
  const legacyConfig = b.config(MEDIA_TYPES.ociConfig, {
    architecture: '',
    os: '',
    created: after(2),
    config: {},
    diffIds: [payloadBlob.digest],
    history: [{ created_by: 'cosign sign' }],
  })
  const legacySignature = b.manifest(
    { repositoryName: REPOSITORY, tags: [legacySignatureTag], pushedAt: after(2) },
    'oci',
    legacyConfig,
    [payloadBlob],
    { layerAnnotations: { [SIGNATURE_ANNOTATION]: signedPayload.signature } },
  )

  const notation = referrer(
    signed,
    ARTIFACT_TYPES.notation,
    json(
      notationSignature({
        target: {
          mediaType: signed.imageManifestMediaType,
          digest: signed.imageDigest,
          size: Buffer.byteLength(signed.imageManifest, 'utf8'),
        },
        signingTime: after(3),
        expiry: new Date(after(3).getTime() + 365 * DAY),
      }),
      ARTIFACT_TYPES.jose,
    ),
    after(3),
    { annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': '["demo"]' } },
  )

  const copied = await image(b, '1.0.1', after(5), TAGS.copiedSignature)
  // Someone copied 1.0's signature onto 1.0.1: it verifies, but it names 1.0's digest.
  const copiedSignatureReferrer = signatureOf(copied.record, signedPayload, after(6))
  const unknown = await image(b, '1.0.2', after(7), TAGS.unknownSigner)
  const unknownSignerReferrer = signatureOf(
    unknown.record,
    cosign(unknown.record, unpublished),
    after(8),
  )

  const keyless = await image(b, '1.0.3', after(9), TAGS.keyless)
  const keylessBundle = referrer(
    keyless.record,
    ARTIFACT_TYPES.sigstoreBundle,
    json(
      Buffer.from(JSON.stringify(SIGSTORE_JS_DSSE_BUNDLE), 'utf8'),
      ARTIFACT_TYPES.sigstoreBundle,
    ),
    after(10),
    {
      annotations: {
        'org.opencontainers.image.description': `sigstore-js's test vector: a keyless signature of the text "${SIGSTORE_JS_DSSE_PAYLOAD}", not of this image`,
      },
    },
  )

  // SOCI v2: an index artifact whose zTOC blobs each name the image layer they index. The zTOC
  // bytes are stand-ins (deterministic, not a real zTOC): only the index is described for now.
  const soci = await image(b, '1.0.4', after(11), TAGS.soci)
  const sociLayer = (
    JSON.parse(soci.record.imageManifest) as { layers: { digest: string; mediaType: string }[] }
  ).layers[0]!
  const ztoc = b.storeBlob(deterministicBytes('soci-ztoc:1.0.4', 4096), ARTIFACT_TYPES.sociZtoc)
  const sociIndex = b.artifact(
    { repositoryName: REPOSITORY, pushedAt: after(12) },
    {
      artifactType: ARTIFACT_TYPES.sociIndexV2,
      subject: soci.record,
      blobs: [ztoc],
      annotations: {
        ...created(after(12)),
        'com.amazon.soci.build-tool-identifier': 'AWS SOCI CLI v0.9',
      },
      blobAnnotations: [
        {
          'com.amazon.soci.image-layer-digest': sociLayer.digest,
          'com.amazon.soci.image-layer-mediatype': sociLayer.mediaType,
        },
      ],
    },
  )

  return {
    soci: soci.record,
    sociIndex,
    sociLayerDigest: sociLayer.digest,
    keyless: keyless.record,
    keylessBundle,
    signed,
    files,
    packages: PACKAGES,
    spdx,
    cycloneDx,
    provenance,
    signature,
    sbomSignature,
    legacySignature,
    legacySignatureTag,
    notation,
    copiedSignature: copied.record,
    copiedSignatureReferrer,
    unknownSigner: unknown.record,
    unknownSignerReferrer,
    publicKeyPem: published.publicKeyPem,
  }
}

/** `demo/signed`: `1.0` with SBOMs, provenance and signatures of every kind; two images whose signatures do not hold. */
export const signedSample = defineSample({
  key: 'signed',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
  state: () => ({}),
})
