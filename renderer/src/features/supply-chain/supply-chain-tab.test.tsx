// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { SignatureVerdict, SupplyChainReferrer } from '../../../../shared/models/supply-chain'
import { fail, type FakeHandlers } from '../../test/fake-ecr'
import { digest, sampleImage } from '../../test/fake-images'
import { renderApp } from '../../test/render-app'

afterEach(() => {
  cleanup()
  delete window.ecr
})

const referrer = (
  seed: string,
  kind: string,
  kindCode: string,
  extra: Partial<SupplyChainReferrer> = {},
): SupplyChainReferrer => ({
  digest: digest(seed),
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  kind,
  kindCode,
  size: 800,
  annotations: { 'org.opencontainers.image.created': '2025-05-30T13:00:00Z' },
  status: 'ACTIVE',
  blobs: [
    { digest: digest(`${seed}b`), mediaType: 'application/json', size: 300, annotations: {} },
  ],
  claimedDigest: null,
  source: 'referrers-api',
  referrers: [],
  ...extra,
})

function serve(
  referrers: SupplyChainReferrer[],
  verify: () => SignatureVerdict = () => fail({ code: 'Unknown', message: 'no' }),
) {
  const { manifest, summary, config } = sampleImage()
  return {
    image: manifest,
    handlers: {
      'ecr:describe-image': () => summary,
      'ecr:get-manifest': () => manifest,
      'ecr:get-config': () => config,
      'ecr:check-layers': () => [],
      'supply-chain:referrers': () => referrers,
      'ecr:signing-status': () => [],
      'supply-chain:demo-key': () => null,
      'supply-chain:verify': verify,
    } satisfies FakeHandlers,
  }
}

describe('Supply chain tab', () => {
  it('nests a referrer’s referrers under it, marks legacy-tag finds and counts them all', async () => {
    const sbomSignature = referrer('c3', 'Signature (cosign)', 'cosign-signature')
    const sbom = referrer('c1', 'SBOM (SPDX)', 'sbom-spdx', {
      artifactType: 'application/spdx+json',
      referrers: [sbomSignature],
    })
    const legacy = referrer('c2', 'Signature (cosign)', 'cosign-signature', {
      source: 'legacy-tag',
      status: 'ARCHIVED',
    })
    const { image, handlers } = serve([sbom, legacy])
    renderApp(`/repositories/demo/signed/images/${image.digest}?tab=supply-chain`, handlers)

    const top = await screen.findByRole(
      'list',
      { name: 'Referrers of this image' },
      { timeout: 8000 },
    )
    expect(screen.getByRole('tab', { name: /^Supply chain/ }).textContent).toBe('Supply chain3')
    const nested = within(top).getByRole('list', {
      name: `Referrers of SBOM (SPDX) ${digest('c1').slice(0, 19)}`,
    })
    expect(within(nested).getByRole('link', { name: /^Signature \(cosign\)/ })).toBeTruthy()
    const legacyCard = screen.getByRole('article', {
      name: `Signature (cosign) ${digest('c2').slice(0, 19)}`,
    })
    expect(legacyCard.textContent).toContain('found through cosign’s legacy tag')
    expect(legacyCard.textContent).toContain('Archived')
    // An archived artifact's blobs cannot be fetched: Download says why instead.
    const download = within(legacyCard).getByRole<HTMLButtonElement>('button', {
      name: /^Download/,
    })
    expect(download.disabled).toBe(true)
    expect(download.title).toContain('restore')
    expect(screen.getByText('3 referrers, 2 directly on this image')).toBeTruthy()
  })

  it('verifies with the repository’s trusted keys and names the key that verified', async () => {
    const signature = referrer('d1', 'Signature (cosign)', 'cosign-signature')
    const { image, handlers } = serve([signature], () => ({
      kind: 'covers-this-image' as const,
      digest: sampleImage().manifest.digest,
      keyName: 'release',
    }))
    const ecr = renderApp(
      `/repositories/demo/signed/images/${image.digest}?tab=supply-chain&referrer=${encodeURIComponent(signature.digest)}`,
      handlers,
      {
        trustedKeys: [
          {
            id: 'key-release-1',
            name: 'release',
            repositoryPrefix: 'demo/',
            publicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
            addedAt: '2025-05-01T00:00:00Z',
          },
          {
            id: 'key-other-1',
            name: 'other team',
            repositoryPrefix: 'other/',
            publicKeyPem: '-----BEGIN PUBLIC KEY-----\nBBBB\n-----END PUBLIC KEY-----',
            addedAt: '2025-05-01T00:00:00Z',
          },
        ],
      },
    )
    const form = await screen.findByRole(
      'form',
      { name: 'Verify with a public key' },
      { timeout: 8000 },
    )
    await waitFor(() => expect(form.textContent).toContain('Trusted keys for demo/signed'))
    expect(form.textContent).toContain('release')
    expect(form.textContent).not.toContain('other team')
    fireEvent.click(within(form).getByRole('button', { name: 'Verify with the trusted keys' }))
    const status = within(form).getByRole('status')
    await waitFor(() => expect(status.textContent).toContain('Valid — covers this image'))
    expect(status.textContent).toContain('with the trusted key “release”')
    // No key was sent: main tried the trusted keys itself.
    expect(ecr.requests('supply-chain:verify')).toEqual([
      {
        repositoryName: 'demo/signed',
        digest: signature.digest,
        subjectDigest: image.digest,
      },
    ])
  })
})
