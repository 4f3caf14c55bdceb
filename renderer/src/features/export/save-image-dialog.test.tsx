// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { ImageManifest, LayerDescriptor } from '../../../../shared/models/image'
import { fail, type FakeHandlers } from '../../test/fake-ecr'
import { sampleImage, sampleIndex } from '../../test/fake-images'
import { renderApp } from '../../test/render-app'

// "Save image": a docker-archive's limits are said in words before anything is written (zstd
// layers, OCI media types, one platform of an index only), with the OCI layout offered instead.

afterEach(() => {
  cleanup()
  delete window.ecr
})

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd'

function serve(manifests: ImageManifest[], summary = sampleImage().summary): FakeHandlers {
  return {
    'ecr:describe-image': () => summary,
    'ecr:get-manifest': ({ imageDigest }) =>
      manifests.find((m) => m.digest === imageDigest) ??
      fail({ code: 'ImageNotFound', message: `no ${imageDigest}` }),
    'ecr:get-config': () => sampleImage().config,
    'ecr:check-layers': ({ layerDigests }) =>
      layerDigests.map((d) => ({
        digest: d,
        availability: 'AVAILABLE' as const,
        failureCode: null,
        failureReason: null,
      })),
    'downloads:folder': () => ({ path: '/home/me/Downloads', overridden: false }),
  }
}

/** An OCI image whose first two layers are zstd-compressed. */
function zstdOciImage() {
  const image = sampleImage('b7')
  const layers: LayerDescriptor[] = image.manifest.layers.map((l, i) =>
    i < 2 ? { ...l, mediaType: ZSTD, compression: 'zstd' } : l,
  )
  return {
    ...image,
    manifest: { ...image.manifest, mediaType: OCI_MANIFEST, layers },
  }
}

async function openDialog(path: string, handlers: FakeHandlers) {
  const ecr = renderApp(path, handlers)
  // The button shows once the page has its manifest (several fake calls: allow a loaded machine).
  fireEvent.click(await screen.findByRole('button', { name: 'Save image…' }, { timeout: 5000 }))
  const dialog = await screen.findByRole('dialog', { name: 'Save image' })
  return { ecr, dialog }
}

const limitsOf = (dialog: HTMLElement) =>
  within(dialog).queryByRole('list', { name: 'What won’t load where' })

describe('Save image dialog', () => {
  it('says, before writing, that a docker-archive of zstd layers and OCI media types won’t load in docker, and offers the OCI layout instead', async () => {
    const { manifest } = zstdOciImage()
    const { ecr, dialog } = await openDialog(
      `/repositories/demo/web-app/images/${manifest.digest}`,
      serve([manifest]),
    )
    // The OCI layout is the default: nothing to warn about.
    expect(
      within(dialog).getByRole<HTMLInputElement>('radio', { name: /OCI layout \(folder\)/ })
        .checked,
    ).toBe(true)
    expect(limitsOf(dialog)).toBeNull()

    fireEvent.click(within(dialog).getByRole('radio', { name: /docker-archive/ }))
    const limits = await waitFor(() => {
      const list = limitsOf(dialog)
      expect(list).not.toBeNull()
      return list!
    })
    const items = within(limits)
      .getAllByRole('listitem')
      .map((li) => li.textContent)
    expect(items).toEqual([
      expect.stringContaining('2 layers are zstd-compressed: it won’t load in docker'),
      expect.stringContaining('The image uses OCI media types'),
    ])
    expect(items.every((text) => text?.includes('Save as an OCI layout instead'))).toBe(true)
    // Nothing was written: no export was asked for.
    expect(ecr.requests('export:save-image')).toEqual([])

    fireEvent.click(within(dialog).getByRole('button', { name: 'Use an OCI layout instead' }))
    expect(
      within(dialog).getByRole<HTMLInputElement>('radio', { name: /OCI layout \(folder\)/ })
        .checked,
    ).toBe(true)
    expect(limitsOf(dialog)).toBeNull()
    expect(within(dialog).getByLabelText<HTMLInputElement>('Save to').value).toBe(
      '/home/me/Downloads/web-app-1.2.0',
    )
  })

  it('says nothing against a docker-archive of a gzip Docker v2 image', async () => {
    const { manifest } = sampleImage()
    const { dialog } = await openDialog(
      `/repositories/demo/web-app/images/${manifest.digest}`,
      serve([manifest]),
    )
    fireEvent.click(within(dialog).getByRole('radio', { name: /docker-archive/ }))
    expect(within(dialog).getByLabelText<HTMLInputElement>('Save to').value).toBe(
      '/home/me/Downloads/web-app-1.2.0.tar',
    )
    // The manifest (read for the page already) holds no zstd layer and Docker media types.
    expect(limitsOf(dialog)).toBeNull()
  })

  it('says a docker-archive of an index holds one platform only, and keeps the whole index as an OCI layout', async () => {
    const { index, platforms, summary } = sampleIndex()
    const { ecr, dialog } = await openDialog(
      `/repositories/demo/multi-arch/images/${index.digest}`,
      serve([index, platforms.amd64.manifest, platforms.arm64.manifest], summary),
    )
    const select = within(dialog).getByLabelText<HTMLSelectElement>('Platforms')
    expect(select.value).toBe('all')
    fireEvent.click(within(dialog).getByRole('radio', { name: /docker-archive/ }))
    // One platform is picked for it (the one on screen), and the others are said to be left out.
    expect(select.value).toBe(platforms.amd64.manifest.digest)
    const limits = await waitFor(() => {
      const list = limitsOf(dialog)
      expect(list).not.toBeNull()
      return list!
    })
    expect(
      within(limits)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'A docker-archive holds one platform only: the other platform of this index won’t be in it. Save as an OCI layout instead to keep the whole index.',
    ])

    fireEvent.click(within(dialog).getByRole('button', { name: 'Use an OCI layout instead' }))
    expect(select.value).toBe('all')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(ecr.requests('export:save-image')).toHaveLength(1))
    expect(ecr.requests('export:save-image')[0]).toMatchObject({
      format: 'oci-dir',
      platform: 'all',
      imageTag: 'latest',
      target: '/home/me/Downloads/multi-arch-latest',
    })
  })
})
