import { createHash, generateKeyPairSync } from 'node:crypto'
import { ECRClient } from '@aws-sdk/client-ecr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DemoRegistry, SAMPLE_REPOSITORIES } from '../../demo-registry/testing'
import { BlobHttp } from '../services/blob-http'
import { EcrService } from '../services/ecr-service'
import { verdictInWords } from './cosign'
import { SupplyChainService } from './supply-chain-service'

// The Supply chain section's reads, through EcrService and the blob pipeline, against demo/signed.
const repositoryName = SAMPLE_REPOSITORIES.signed
let registry: DemoRegistry
let client: ECRClient
let service: SupplyChainService

beforeAll(async () => {
  registry = new DemoRegistry({ repositoryCount: 14 })
  const { endpoint } = await registry.start()
  client = new ECRClient({
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    maxAttempts: 1,
  })
  const blobs = { http: new BlobHttp() }
  service = new SupplyChainService(
    new EcrService(() => Promise.resolve({ client, registryId: undefined }), blobs),
    blobs,
  )
})
afterAll(async () => {
  client.destroy()
  await registry.stop()
})

describe('SupplyChainService', () => {
  it('describes each referrer in words, with blobs, the claim a signature makes and the signature on the SBOM', async () => {
    const s = registry.samples().signed
    const referrers = await service.referrers({ repositoryName, imageDigest: s.signed.imageDigest })
    expect(referrers.map((r) => r.kind).sort()).toEqual(
      [
        'Provenance (SLSA)',
        'SBOM (CycloneDX)',
        'SBOM (SPDX)',
        'Signature (Notation)',
        'Signature (cosign)',
      ].sort(),
    )
    const cosign = referrers.find((r) => r.kindCode === 'cosign-signature')!
    expect(cosign.claimedDigest).toBe(s.signed.imageDigest)
    expect(cosign.blobs[0]?.annotations['dev.cosignproject.cosign/signature']).toBeTruthy()
    const spdx = referrers.find((r) => r.digest === s.spdx.imageDigest)!
    expect(spdx.annotations['org.opencontainers.image.created']).toBeTruthy()
    expect(spdx.referrers.map((r) => [r.kind, r.claimedDigest])).toEqual([
      ['Signature (cosign)', s.spdx.imageDigest],
    ])
  })

  it("merges a signature found only through cosign's legacy .sig tag, marked legacy-tag", async () => {
    const s = registry.samples().supplyChain
    const referrers = await service.referrers({
      repositoryName: SAMPLE_REPOSITORIES.supplyChain,
      imageDigest: s.previous.imageDigest,
    })
    expect(
      referrers.map((r) => [r.digest, r.kindCode, r.source, r.claimedDigest, r.status]),
    ).toEqual([
      [
        s.legacySignature.imageDigest,
        'cosign-signature',
        'legacy-tag',
        s.previous.imageDigest,
        'ACTIVE',
      ],
    ])
    expect(referrers[0]?.size).toBe(Buffer.byteLength(s.legacySignature.imageManifest, 'utf8'))
    // 1.0 has OCI 1.1 referrers and no legacy tag: nothing is marked legacy.
    const subject = await service.referrers({
      repositoryName: SAMPLE_REPOSITORIES.supplyChain,
      imageDigest: s.subject.imageDigest,
    })
    expect(subject.map((r) => [r.digest, r.source]).sort()).toEqual(
      [
        [s.sbom.imageDigest, 'referrers-api'],
        [s.archivedSbom.imageDigest, 'referrers-api'],
      ].sort(),
    )
  })

  it('lists a signature stored both as a referrer and under the legacy tag once', async () => {
    const s = registry.samples().signed
    const referrers = await service.referrers({ repositoryName, imageDigest: s.signed.imageDigest })
    const signatures = referrers.filter((r) => r.kindCode === 'cosign-signature')
    expect(signatures.map((r) => [r.digest, r.source])).toEqual([
      [s.signature.imageDigest, 'referrers-api'],
    ])
    expect(referrers.some((r) => r.digest === s.legacySignature.imageDigest)).toBe(false)
    expect(referrers.every((r) => r.source === 'referrers-api')).toBe(true)
  })

  it('gives the three verdicts with the demo key', async () => {
    const s = registry.samples().signed
    const verify = (digest: string, subjectDigest: string) =>
      service
        .verifyCosign({ repositoryName, digest, subjectDigest, publicKeyPem: s.publicKeyPem })
        .then(verdictInWords)
    expect(await verify(s.signature.imageDigest, s.signed.imageDigest)).toBe(
      'Valid, covers this image',
    )
    expect(await verify(s.legacySignature.imageDigest, s.signed.imageDigest)).toBe(
      'Valid, covers this image',
    )
    expect(await verify(s.copiedSignatureReferrer.imageDigest, s.copiedSignature.imageDigest)).toBe(
      `Valid signature, but it covers another digest: ${s.signed.imageDigest}`,
    )
    expect(await verify(s.unknownSignerReferrer.imageDigest, s.unknownSigner.imageDigest)).toBe(
      'Does not verify with this key',
    )
  })

  it('verifies with the trusted keys whose prefix matches when no key is pasted, naming the key', async () => {
    const s = registry.samples().signed
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString()
    const key = (name: string, repositoryPrefix: string, publicKeyPem: string) => ({
      id: `id-${name}-0000`,
      name,
      repositoryPrefix,
      publicKeyPem,
      addedAt: '2026-01-01T00:00:00.000Z',
    })
    const trusted = [
      key('Someone else', 'demo/', other),
      key('Demo signing key', 'demo/sig', s.publicKeyPem),
      key('Other team', 'team/', s.publicKeyPem),
    ]
    const blobs = { http: new BlobHttp() }
    const withKeys = (keys: typeof trusted) =>
      new SupplyChainService(
        new EcrService(() => Promise.resolve({ client, registryId: undefined }), blobs),
        blobs,
        () => Promise.resolve(keys),
      )
    const verify = (keys: typeof trusted, digest: string, subjectDigest: string) =>
      withKeys(keys).verifyCosign({ repositoryName, digest, subjectDigest })
    expect(await verify(trusted, s.signature.imageDigest, s.signed.imageDigest)).toEqual({
      kind: 'covers-this-image',
      digest: s.signed.imageDigest,
      keyName: 'Demo signing key',
    })
    expect(
      await verify(trusted, s.copiedSignatureReferrer.imageDigest, s.copiedSignature.imageDigest),
    ).toEqual({
      kind: 'covers-another-digest',
      digest: s.signed.imageDigest,
      keyName: 'Demo signing key',
    })
    // Only the keys for demo/ are tried; team/'s is not.
    expect(
      await verify(trusted, s.unknownSignerReferrer.imageDigest, s.unknownSigner.imageDigest),
    ).toEqual({ kind: 'does-not-verify', triedKeys: ['Someone else', 'Demo signing key'] })
    const none = await verify(
      [key('Other team', 'team/', s.publicKeyPem)],
      s.signature.imageDigest,
      s.signed.imageDigest,
    )
    expect(none.kind).toBe('unusable-key')
    expect(verdictInWords(none)).toBe(
      `This key cannot be used: No trusted key is set for "${repositoryName}". Paste the signer's public key, or add it under Settings → Trusted keys for this repository's prefix.`,
    )
    // A pasted key wins over the trusted ones.
    expect(
      await withKeys(trusted).verifyCosign({
        repositoryName,
        digest: s.signature.imageDigest,
        subjectDigest: s.signed.imageDigest,
        publicKeyPem: other,
      }),
    ).toEqual({ kind: 'does-not-verify' })
  })

  it("verifies demo/signed's keyless bundle offline: sigstore-js's vector, valid, covering another digest", async () => {
    const s = registry.samples().signed
    const [bundle] = await service.referrers({ repositoryName, imageDigest: s.keyless.imageDigest })
    expect([bundle?.digest, bundle?.kindCode, bundle?.kind]).toEqual([
      s.keylessBundle.imageDigest,
      'sigstore-bundle',
      'Signature (Sigstore bundle, keyless)',
    ])
    const check = await service.keyless({
      repositoryName,
      digest: s.keylessBundle.imageDigest,
      subjectDigest: s.keyless.imageDigest,
    })
    const helloWorld = `sha256:${createHash('sha256').update('hello, world!').digest('hex')}`
    expect(check).toEqual({
      identity: {
        subject: 'brian@dehamer.com',
        issuer: 'https://github.com/login/oauth',
        notBefore: '2024-04-04T17:34:52.000Z',
        notAfter: '2024-04-04T17:44:52.000Z',
        signedDigest: helloWorld,
      },
      verdict: { kind: 'covers-another-digest', digest: helloWorld, checkedBy: 'signature' },
    })
    // A referrer that is not a bundle says so.
    expect(
      (
        await service.keyless({
          repositoryName,
          digest: s.spdx.imageDigest,
          subjectDigest: s.signed.imageDigest,
        })
      ).verdict,
    ).toEqual({ kind: 'unreadable-bundle', reason: 'Not a Sigstore bundle.' })
  })

  it("describes demo/signed:1.0-soci's SOCI index v2 among its referrers", async () => {
    const s = registry.samples().signed
    const referrers = await service.referrers({ repositoryName, imageDigest: s.soci.imageDigest })
    expect(referrers.map((r) => [r.digest, r.kindCode, r.kind, r.artifactType])).toEqual([
      [
        s.sociIndex.imageDigest,
        'soci-index',
        'SOCI index (lazy loading)',
        'application/vnd.amazon.soci.index.v2+json',
      ],
    ])
    expect(referrers[0]?.soci).toEqual({
      version: 'v2',
      ztocCount: 1,
      layers: [s.sociLayerDigest],
      ztocBytes: 4096,
    })
    expect(referrers[0]?.blobs[0]?.annotations['com.amazon.soci.image-layer-digest']).toBe(
      s.sociLayerDigest,
    )
    // Only a SOCI index carries a description of one.
    const signed = await service.referrers({ repositoryName, imageDigest: s.signed.imageDigest })
    expect(signed.every((r) => r.soci === undefined)).toBe(true)
  })

  it('reads the SBOM, the provenance and the Notation signature', async () => {
    const s = registry.samples().signed
    const sbom = await service.sbom({ repositoryName, digest: s.cycloneDx.imageDigest })
    expect(sbom.packages.find((p) => p.name === 'libhello')?.files).toEqual([
      'usr/lib/libhello.so.2',
    ])
    const provenance = await service.provenance({
      repositoryName,
      digest: s.provenance.imageDigest,
    })
    expect(provenance.builder).toBe('https://github.com/actions/runner/github-hosted')
    const notation = await service.notation({ repositoryName, digest: s.notation.imageDigest })
    expect(notation.signedDigest).toBe(s.signed.imageDigest)
  })

  it('refuses to read an SBOM from a referrer that is not one, with a catalog error', async () => {
    const s = registry.samples().signed
    await expect(
      service.sbom({ repositoryName, digest: s.signature.imageDigest }),
    ).rejects.toMatchObject({
      error: { code: 'InvalidManifest' },
    })
  })
})
