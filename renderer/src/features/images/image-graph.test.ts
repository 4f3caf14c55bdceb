import { describe, expect, it } from 'vitest'
import type { ImageManifest, ImageSummary } from '../../../../shared/models/image'
import {
  groupImages,
  indexChildren,
  kindsLabel,
  legacyReferrer,
  referrerKind,
  restoreCommand,
} from './image-graph'

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`
const image = (n: number, extra: Partial<ImageSummary> = {}): ImageSummary => ({
  digest: digest(n),
  tags: [],
  pushedAt: null,
  sizeInBytes: 1,
  manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
  artifactMediaType: null,
  lastRecordedPullTime: null,
  scanStatus: null,
  scanFindings: null,
  imageStatus: 'ACTIVE',
  lastArchivedAt: null,
  lastActivatedAt: null,
  subjectDigest: null,
  ...extra,
})
const indexManifest = (n: number, children: { n: number; arch: string; attestation?: boolean }[]) =>
  ({
    kind: 'index',
    digest: digest(n),
    mediaType: 'application/vnd.oci.image.index.v1+json',
    raw: '{}',
    platforms: children.map((c) => ({
      digest: digest(c.n),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 1,
      os: c.attestation ? 'unknown' : 'linux',
      architecture: c.attestation ? 'unknown' : c.arch,
      variant: null,
      osVersion: null,
      attestation: c.attestation ?? false,
    })),
  }) satisfies ImageManifest

describe('referrers', () => {
  it('reads cosign legacy tags', () => {
    expect(legacyReferrer(`sha256-${'a'.repeat(64)}.sig`)).toEqual({
      subject: `sha256:${'a'.repeat(64)}`,
      kind: 'signed',
    })
    expect(legacyReferrer(`sha256-${'a'.repeat(64)}.sbom`)?.kind).toBe('SBOM')
    expect(legacyReferrer(`sha256-${'a'.repeat(64)}.att`)?.kind).toBe('attestation')
    expect(legacyReferrer('sha256-abc.sig')).toBeNull()
    expect(legacyReferrer('1.0')).toBeNull()
  })

  it('names artifact types in words', () => {
    expect(referrerKind('application/spdx+json')).toBe('SBOM')
    expect(referrerKind('application/vnd.cyclonedx+json')).toBe('SBOM')
    expect(referrerKind('application/vnd.dev.cosign.artifact.sig.v1+json')).toBe('signed')
    expect(referrerKind('application/vnd.cncf.notary.signature')).toBe('signed')
    expect(referrerKind('application/vnd.in-toto+json')).toBe('attestation')
    expect(referrerKind('https://slsa.dev/provenance/v1')).toBe('provenance')
    expect(referrerKind('application/vnd.amazon.soci.index.v2+json')).toBe('SOCI index')
    expect(referrerKind('application/x-other')).toBe('artifact')
    expect(kindsLabel(['provenance', 'SBOM', 'signed', 'SBOM'])).toBe('signed · SBOM · provenance')
  })

  it('puts OCI 1.1 and legacy referrers under their subject, with a count and kinds', () => {
    const subject = image(1, { tags: ['1.0'] })
    const sbom = image(2, { subjectDigest: digest(1), artifactMediaType: 'application/spdx+json' })
    const sig = image(3, { tags: [`sha256-${digest(1).slice(7)}.sig`] })
    const rows = groupImages([subject, sbom, sig], new Map(), { flat: false, childrenKnown: true })
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ image: subject, referrers: [sbom, sig], dangling: false })
    expect(kindsLabel(rows[0]!.kinds)).toBe('signed · SBOM')
  })

  it('keeps a referrer whose subject is not listed as a row, and shows all flat on request', () => {
    const orphan = image(2, { subjectDigest: digest(9) })
    const subject = image(1, { tags: ['1.0'] })
    const sbom = image(3, { subjectDigest: digest(1), artifactMediaType: 'application/spdx+json' })
    expect(
      groupImages([orphan], new Map(), { flat: false, childrenKnown: true }).map((r) => r.image),
    ).toEqual([orphan])
    const flat = groupImages([subject, sbom], new Map(), { flat: true, childrenKnown: true })
    expect(flat.map((r) => [r.image.digest, r.partOf])).toEqual([
      [digest(1), null],
      [digest(3), 'SBOM of 1.0'],
    ])
  })
})

describe('index children', () => {
  const index = image(10, {
    tags: ['1.2.0'],
    manifestMediaType: 'application/vnd.oci.image.index.v1+json',
  })
  const amd = image(11)
  const arm = image(12)
  const att = image(13)
  const dangling = image(14)
  const children = indexChildren([
    {
      image: index,
      manifest: indexManifest(10, [
        { n: 11, arch: 'amd64' },
        { n: 12, arch: 'arm64' },
        { n: 13, arch: '', attestation: true },
      ]),
    },
  ])

  it('shows untagged children as part of their index, and marks the truly dangling', () => {
    const rows = groupImages([index, amd, arm, att, dangling], children, {
      flat: false,
      childrenKnown: true,
    })
    expect(rows.map((r) => r.image.digest)).toEqual([digest(10), digest(14)])
    expect(rows[0]?.children).toEqual([amd, arm, att])
    expect(rows[1]?.dangling).toBe(true)
    expect(rows[0]?.dangling).toBe(false)
  })

  it('labels children "linux/arm64 of 1.2.0" when flat', () => {
    const rows = groupImages([index, amd, arm, att], children, { flat: true, childrenKnown: true })
    expect(rows.map((r) => r.partOf)).toEqual([
      null,
      'linux/amd64 of 1.2.0',
      'linux/arm64 of 1.2.0',
      'attestation of 1.2.0',
    ])
  })

  it('calls nothing dangling before the index manifests are read', () => {
    const rows = groupImages([index, amd], new Map(), { flat: false, childrenKnown: false })
    expect(rows.map((r) => r.dangling)).toEqual([false, false])
  })

  it('groups 50,000 images without referrers or indexes into 50,000 rows', () => {
    const many = Array.from({ length: 50_000 }, (_, i) =>
      image(i + 100, i % 10 ? { tags: [`b${i}`] } : {}),
    )
    const rows = groupImages(many, new Map(), { flat: false, childrenKnown: true })
    expect(rows).toHaveLength(50_000)
    expect(rows.filter((r) => r.dangling)).toHaveLength(5_000)
  })
})

it('keeps an unchanged row the same object when more pages arrive', () => {
  const first = Array.from({ length: 3 }, (_, i) => image(i + 200, { tags: [`t${i}`] }))
  const subject = image(300, { tags: ['2.0'] })
  const sbom = image(301, {
    subjectDigest: digest(300),
    artifactMediaType: 'application/spdx+json',
  })
  const before = groupImages(first, new Map(), { flat: false, childrenKnown: true })
  const after = groupImages([...first, subject, sbom], new Map(), {
    flat: false,
    childrenKnown: true,
  })
  expect(after.slice(0, 3)).toHaveLength(3)
  after.slice(0, 3).forEach((row, i) => expect(row).toBe(before[i]))
  expect(after[3]).toMatchObject({ image: subject, referrers: [sbom] })
})

it('spells the restore command', () => {
  expect(restoreCommand('demo/archive', digest(1))).toBe(
    `aws ecr update-image-storage-class --repository-name demo/archive --image-id imageDigest=${digest(1)} --target-storage-class STANDARD`,
  )
})
