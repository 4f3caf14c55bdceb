import {
  BatchGetImageCommand,
  DescribeImageSigningStatusCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  ListImageReferrersCommand,
  ListImagesCommand,
} from '@aws-sdk/client-ecr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DemoRegistry, SAMPLE_REPOSITORIES } from '../../demo-registry/testing'
import { artifactKind, artifactKindInWords, legacyCosignTag } from './artifact-kind'
import { verdictInWords, verifyCosignSignature } from './cosign'
import { parseNotationJws } from './notation'
import { parseProvenance } from './provenance'
import { parseSbom } from './sbom'

// demo/signed's artifacts, read over the wire as the app reads them, checked by the core.
const REPO = SAMPLE_REPOSITORIES.signed
let registry: DemoRegistry
let client: ECRClient

beforeAll(async () => {
  registry = new DemoRegistry({ repositoryCount: 14 })
  const { endpoint } = await registry.start()
  client = new ECRClient({
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    maxAttempts: 1,
  })
})
afterAll(async () => {
  client.destroy()
  await registry.stop()
})

interface Manifest {
  layers: { mediaType: string; digest: string; annotations?: Record<string, string> }[]
}

async function manifestOf(imageDigest: string): Promise<Manifest> {
  const out = await client.send(
    new BatchGetImageCommand({ repositoryName: REPO, imageIds: [{ imageDigest }] }),
  )
  return JSON.parse(out.images?.[0]?.imageManifest ?? '{}') as Manifest
}

async function blob(digest: string): Promise<Buffer> {
  const { downloadUrl } = await client.send(
    new GetDownloadUrlForLayerCommand({ repositoryName: REPO, layerDigest: digest }),
  )
  const response = await fetch(downloadUrl ?? '')
  return Buffer.from(await response.arrayBuffer())
}

async function verdictFor(signatureDigest: string, subjectDigest: string, publicKeyPem: string) {
  const layer = (await manifestOf(signatureDigest)).layers[0]!
  return verifyCosignSignature({
    publicKeyPem,
    payload: await blob(layer.digest),
    signatureBase64: layer.annotations?.['dev.cosignproject.cosign/signature'],
    subjectDigest,
  })
}

describe('demo/signed', () => {
  it('lists 1.0’s referrers: two SBOMs, provenance, a cosign and a Notation signature', async () => {
    const s = registry.samples().signed
    const out = await client.send(
      new ListImageReferrersCommand({
        repositoryName: REPO,
        subjectId: { imageDigest: s.signed.imageDigest },
      }),
    )
    const kinds = (out.referrers ?? [])
      .map((r) => artifactKindInWords(artifactKind(r.artifactType)))
      .sort()
    expect(kinds).toEqual(
      [
        'Attestation (in-toto)',
        'SBOM (CycloneDX)',
        'SBOM (SPDX)',
        'Signature (Notation)',
        'Signature (cosign)',
      ].sort(),
    )
    const onSbom = await client.send(
      new ListImageReferrersCommand({
        repositoryName: REPO,
        subjectId: { imageDigest: s.spdx.imageDigest },
      }),
    )
    expect(onSbom.referrers?.map((r) => r.digest)).toEqual([s.sbomSignature.imageDigest])
  })

  it('1.0’s cosign signature, as a referrer and under the legacy tag, is valid and covers 1.0 with the published key', async () => {
    const s = registry.samples().signed
    for (const sig of [s.signature, s.legacySignature]) {
      expect(
        verdictInWords(await verdictFor(sig.imageDigest, s.signed.imageDigest, s.publicKeyPem)),
      ).toBe('Valid, covers this image')
    }
    const tags = await client.send(
      new ListImagesCommand({ repositoryName: REPO, filter: { tagStatus: 'TAGGED' } }),
    )
    const legacy = (tags.imageIds ?? [])
      .map((i) => legacyCosignTag(i.imageTag ?? ''))
      .filter((x) => x !== null)
    expect(legacy).toEqual([{ subjectDigest: s.signed.imageDigest, kind: 'sig' }])
  })

  it('the copied signature verifies but covers 1.0; the unknown signer’s does not verify with the published key', async () => {
    const s = registry.samples().signed
    expect(
      verdictInWords(
        await verdictFor(
          s.copiedSignatureReferrer.imageDigest,
          s.copiedSignature.imageDigest,
          s.publicKeyPem,
        ),
      ),
    ).toBe(`Valid signature, but it covers another digest: ${s.signed.imageDigest}`)
    expect(
      verdictInWords(
        await verdictFor(
          s.unknownSignerReferrer.imageDigest,
          s.unknownSigner.imageDigest,
          s.publicKeyPem,
        ),
      ),
    ).toBe('Does not verify with this key')
  })

  it('the SBOMs list the packages, and their files are really in 1.0’s layer', async () => {
    const s = registry.samples().signed
    const paths = new Set(s.files.map((f) => f.path))
    for (const sbom of [s.spdx, s.cycloneDx]) {
      const doc = parseSbom(await blob((await manifestOf(sbom.imageDigest)).layers[0]!.digest))
      expect(doc.ok).toBe(true)
      if (!doc.ok) continue
      expect(doc.value.packages.map((p) => p.name)).toEqual([
        'greeter',
        'libhello',
        'demo-base-files',
      ])
      expect(doc.value.packages.flatMap((p) => p.files).every((f) => paths.has(f))).toBe(true)
      expect(doc.value.packages[1]).toMatchObject({
        licence: 'MIT',
        purl: 'pkg:apk/demo/libhello@2.3.1-r0?arch=x86_64',
        supplier: 'Demo Linux',
      })
    }
  })

  it('the provenance is SLSA v1 naming 1.0, and the Notation signature names 1.0’s digest', async () => {
    const s = registry.samples().signed
    const p = parseProvenance(
      await blob((await manifestOf(s.provenance.imageDigest)).layers[0]!.digest),
    )
    expect(p.ok && p.value).toMatchObject({
      slsaVersion: 'v1',
      sourceRepository: 'https://github.com/example/greeter',
      sourceCommit: '4f1c9e2b7a6d5c3e8f0a1b2c3d4e5f60718293a4',
      subjects: [{ digest: { sha256: s.signed.imageDigest.slice(7) } }],
    })
    const n = parseNotationJws(
      await blob((await manifestOf(s.notation.imageDigest)).layers[0]!.digest),
    )
    expect(n.ok && [n.value.signedDigest, n.value.matchesCertificate]).toEqual([
      s.signed.imageDigest,
      true,
    ])
  })

  it('reports managed signing: one profile complete, one failed with its reason', async () => {
    const s = registry.samples().signed
    const out = await client.send(
      new DescribeImageSigningStatusCommand({
        repositoryName: REPO,
        imageId: { imageDigest: s.signed.imageDigest },
      }),
    )
    expect(out.signingStatuses?.map((x) => x.status)).toEqual(['COMPLETE', 'FAILED'])
    expect(out.signingStatuses?.[1]?.failureReason).toContain('revoked')
  })
})
