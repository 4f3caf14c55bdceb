// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { ImageStatus } from '../../../../shared/models/image'
import type { DownloadResult } from '../../../../shared/models/download'
import { fail, type FakeHandlers } from '../../test/fake-ecr'
import { sampleImage } from '../../test/fake-images'
import { renderApp, waitForReady } from '../../test/render-app'

afterEach(() => {
  cleanup()
  delete window.ecr
})

/** One image in the given storage status, served as main would. */
function serve(imageStatus: ImageStatus, extra: FakeHandlers = {}): FakeHandlers {
  const { summary, manifest, config } = sampleImage()
  return {
    'ecr:describe-image': () => ({ ...summary, imageStatus, lastArchivedAt: null }),
    'ecr:get-manifest': ({ imageDigest }) =>
      imageDigest === manifest.digest
        ? manifest
        : fail({ code: 'ImageNotFound', message: 'no such image' }),
    'ecr:get-config': () => config,
    'ecr:check-layers': ({ layerDigests }) =>
      layerDigests.map((digest) => ({
        digest,
        availability: imageStatus === 'ACTIVE' ? ('AVAILABLE' as const) : ('ARCHIVED' as const),
        failureCode: null,
        failureReason: null,
      })),
    ...extra,
  }
}

const describedBy = (element: HTMLElement) =>
  (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ')

describe("an archived image's layers", () => {
  it.each([
    ['ARCHIVED', /This image is archived; restore it first/],
    ['ACTIVATING', /being restored from archive \(Activating\)/],
  ] as const)(
    'when %s, Download, Copy download URL and Look inside are disabled with the reason',
    async (status, reason) => {
      const { manifest } = sampleImage()
      const ecr = renderApp(
        `/repositories/demo/web-app/images/${manifest.digest}`,
        serve(status, {
          'downloads:start': () => fail({ code: 'Unknown', message: 'not expected' }),
        }),
      )
      await waitForReady()
      for (const name of [
        'Download layer 1',
        'Copy download URL of layer 1',
        'Look inside layer 2',
      ]) {
        const button = await screen.findByRole<HTMLButtonElement>('button', { name })
        expect(button.disabled, name).toBe(true)
        expect(describedBy(button), name).toMatch(reason)
      }
      expect(screen.queryByRole('link', { name: 'Look inside layer 1' })).toBeNull()
      const all = screen.getByRole<HTMLButtonElement>('button', { name: 'Download all layers' })
      expect(all.disabled).toBe(true)
      for (const name of ['Download config blob', 'Copy download URL of the config blob']) {
        expect(screen.getByRole<HTMLButtonElement>('button', { name }).disabled, name).toBe(true)
      }
      expect(all.getAttribute('title')).toMatch(reason)
      expect(all.parentElement?.querySelector('.archived-reason')?.textContent).toMatch(reason)

      // The narrow window's "More" menu says the same.
      fireEvent.click(screen.getByRole('button', { name: 'More actions for layer 1' }))
      const menu = screen.getByRole('menu', { name: 'More actions for layer 1' })
      const item = within(menu).getByRole('menuitem', { name: /^Look inside/ })
      expect(item.getAttribute('aria-disabled')).toBe('true')
      expect(item.textContent).toMatch(reason)
      expect(ecr.requests('downloads:start')).toEqual([])
    },
  )

  it('the Files tab explains the archive and gives the restore command instead of failing', async () => {
    const { manifest, summary } = sampleImage()
    const ecr = renderApp(
      `/repositories/demo/web-app/images/${manifest.digest}?tab=files`,
      serve('ARCHIVED'),
    )
    const note = await screen.findByRole('note', { name: 'Archived image' })
    expect(note.textContent).toContain('90 days')
    expect(note.textContent).toContain(
      `aws ecr update-image-storage-class --repository-name demo/web-app --image-id imageDigest=${summary.digest} --target-storage-class STANDARD`,
    )
    expect(ecr.requests('contents:image-filesystem')).toEqual([])
  })

  it('an active image passes its digest with each layer download, so an error can name it', async () => {
    const { manifest } = sampleImage()
    const ecr = renderApp(
      `/repositories/demo/web-app/images/${manifest.digest}`,
      serve('ACTIVE', {
        'downloads:start': (request): DownloadResult => ({
          status: 'downloaded',
          path: '/home/me/Downloads/layer.tar.gz',
          digest: request.digest,
          size: request.size ?? 0,
          bytesTransferred: request.size ?? 0,
          resumedFrom: null,
        }),
      }),
    )
    await waitForReady()
    const download = screen.getByRole<HTMLButtonElement>('button', { name: 'Download layer 1' })
    expect(download.disabled).toBe(false)
    fireEvent.click(download)
    await waitFor(() => expect(ecr.requests('downloads:start')).toHaveLength(1))
    expect(ecr.requests('downloads:start')[0]).toMatchObject({
      repositoryName: 'demo/web-app',
      digest: manifest.layers[0]!.digest,
      imageDigest: manifest.digest,
    })
  })
})
