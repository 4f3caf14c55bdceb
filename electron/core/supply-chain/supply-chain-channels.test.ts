import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type {
  ProvenanceSummary,
  SbomDocument,
  SupplyChainReferrer,
} from '../../../shared/models/supply-chain'
import { SAMPLE_REPOSITORIES } from '../../demo-registry/testing'
import { startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'

// The supply-chain channels through the app's dispatcher: schema, service, Result.
let harness: Harness
let restoreEnv: () => void
beforeAll(async () => {
  harness = await startHarness()
  restoreEnv = stubProcessEnv(harness.env)
})
afterAll(async () => {
  restoreEnv()
  await harness.close()
})

const repositoryName = SAMPLE_REPOSITORIES.signed
const sample = () => harness.registry.samples().signed

describe('supply-chain channels', () => {
  it('supply-chain:referrers lists 1.0’s referrers in words', async () => {
    const result = await harness.app.dispatch('supply-chain:referrers', {
      repositoryName,
      imageDigest: sample().signed.imageDigest,
    })
    expect(result.ok && (result.value as SupplyChainReferrer[]).map((r) => r.kind).sort()).toEqual(
      [
        'Provenance (SLSA)',
        'SBOM (CycloneDX)',
        'SBOM (SPDX)',
        'Signature (Notation)',
        'Signature (cosign)',
      ].sort(),
    )
  })

  it('supply-chain:verify answers only the verdict', async () => {
    const s = sample()
    const result = await harness.app.dispatch('supply-chain:verify', {
      repositoryName,
      digest: s.signature.imageDigest,
      subjectDigest: s.signed.imageDigest,
      publicKeyPem: s.publicKeyPem,
    })
    expect(result).toEqual({
      ok: true,
      value: { kind: 'covers-this-image', digest: s.signed.imageDigest },
    })
  })

  it('supply-chain:sbom and supply-chain:provenance read the documents', async () => {
    const s = sample()
    const sbom = await harness.app.dispatch('supply-chain:sbom', {
      repositoryName,
      digest: s.spdx.imageDigest,
    })
    expect(sbom.ok && (sbom.value as SbomDocument).packages.map((p) => p.name)).toEqual([
      'greeter',
      'libhello',
      'demo-base-files',
    ])
    const provenance = await harness.app.dispatch('supply-chain:provenance', {
      repositoryName,
      digest: s.provenance.imageDigest,
    })
    expect(provenance.ok && (provenance.value as ProvenanceSummary).slsaVersion).toBe('v1')
  })

  it('supply-chain:demo-key gives the demo key only while the demo registry is in use', async () => {
    // The harness connects through AWS environment variables, not the demo.
    expect(await harness.app.dispatch('supply-chain:demo-key', {})).toEqual({
      ok: true,
      value: null,
    })
  })

  it('refuses a request outside the schema before it reaches AWS', async () => {
    const result = await harness.app.dispatch('supply-chain:verify', {
      repositoryName,
      digest: 'sha256:nope',
      subjectDigest: sample().signed.imageDigest,
      publicKeyPem: 'x',
    })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.error.code).toBe('InvalidParameter')
  })
})
