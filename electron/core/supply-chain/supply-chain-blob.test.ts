import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReferrerBlobText } from '../../../shared/models/supply-chain-raw'
import { SAMPLE_REPOSITORIES } from '../../demo-registry/testing'
import { startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'
import { blobText, tooLargeToShow, MAX_RAW_TEXT_BYTES } from './blob-text'

// "View raw" of a referrer's blobs: supply-chain:blob through the app's dispatcher.
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
const blob = { digest: `sha256:${'a'.repeat(64)}`, mediaType: 'x', size: 3, annotations: {} }

describe('supply-chain:blob', () => {
  it('gives the SPDX SBOM blob as the text the registry stored, verified', async () => {
    const manifest = JSON.parse(sample().spdx.imageManifest) as {
      layers: { digest: string; size: number }[]
    }
    const layer = manifest.layers[0]!
    const result = await harness.app.dispatch('supply-chain:blob', {
      repositoryName,
      digest: sample().spdx.imageDigest,
      blobDigest: layer.digest,
    })
    expect(result.ok).toBe(true)
    const value = (result as { value: ReferrerBlobText }).value
    expect(value.size).toBe(layer.size)
    expect(value.reason).toBeNull()
    const document = JSON.parse(value.text!) as { spdxVersion: string }
    expect(document.spdxVersion).toMatch(/^SPDX-2/)
  })

  it('refuses a blob the referrer does not list', async () => {
    const result = await harness.app.dispatch('supply-chain:blob', {
      repositoryName,
      digest: sample().spdx.imageDigest,
      blobDigest: `sha256:${'0'.repeat(64)}`,
    })
    expect(!result.ok && result.error.code).toBe('InvalidParameter')
    expect(!result.ok && result.error.message).toContain('lists no blob')
  })
})

describe('blob text', () => {
  it('decodes UTF-8 text and calls NUL bytes or invalid UTF-8 binary', () => {
    expect(blobText(blob, Buffer.from('{"a":1}'))).toMatchObject({ text: '{"a":1}', reason: null })
    expect(blobText(blob, Buffer.from([0x61, 0, 0x62]))).toMatchObject({ text: null })
    expect(blobText(blob, Buffer.from([0xff, 0xfe, 0xfd])).reason).toContain('binary')
  })

  it('does not fetch a blob too large to show', () => {
    expect(tooLargeToShow({ ...blob, size: MAX_RAW_TEXT_BYTES })).toBeNull()
    expect(tooLargeToShow({ ...blob, size: MAX_RAW_TEXT_BYTES + 1 })?.reason).toContain(
      'download it instead',
    )
  })
})
