// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { AppErrorException } from '../../../../shared/ipc/result'
import { renderApp } from '../../test/render-app'
import { contentsImagePath, contentsLayerPath } from './routes'

afterEach(() => {
  cleanup()
  delete window.ecr
})

const layer = {
  digest: `sha256:${'ab'.repeat(32)}`,
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  size: 2_500_000,
}
const MESSAGE =
  "This layer's index is too large to show (more than 15,978 entries, 63.9 MB of names); extract it instead."

describe('a layer too large to list', () => {
  it('shows why, and extracts the whole layer instead when asked', async () => {
    const ecr = renderApp(contentsLayerPath('demo/hostile', layer), {
      'contents:index': () => {
        throw new AppErrorException({ code: 'LayerIndexTooLarge', message: MESSAGE })
      },
      'contents:extract': ({ path }) => ({
        status: 'extracted',
        directory: '/home/me/Downloads',
        path: `/home/me/Downloads/layer-abababababab${path}`,
        files: 20_000,
        bytes: 0,
        skipped: [{ path: 'n/7', reason: 'the name is too long for this system' }],
      }),
    })
    const alert = await screen.findByRole('alert')
    expect(within(alert).getByRole('heading').textContent).toBe('Too many files to list')
    expect(alert.textContent).toContain(MESSAGE)
    expect(alert.textContent).toContain('Extract the whole layer instead')
    // Retrying would read into the same limit again.
    expect(within(alert).queryByRole('button', { name: 'Retry' })).toBeNull()

    fireEvent.click(screen.getByRole('button', { name: 'Extract the whole layer instead' }))
    const status = await screen.findByRole('status')
    expect(status.textContent).toContain('/home/me/Downloads/layer-abababababab')
    expect(status.textContent).toContain('20,000 files')
    expect(within(status).getByRole('list', { name: 'Left out for safety' }).textContent).toContain(
      'n/7: the name is too long for this system',
    )
    await waitFor(() =>
      expect(ecr.requests('contents:extract')).toEqual([
        expect.objectContaining({ repositoryName: 'demo/hostile', ...layer, path: '' }),
      ]),
    )
  })

  it("is offered beside any layer's files, and lists what it refused with a count", async () => {
    const skipped = Array.from({ length: 53 }, (_, i) => ({
      path: `etc/link-${i}`,
      reason: `symlink to ${'../'.repeat(14)}etc/shadow points outside the folder`,
    }))
    const ecr = renderApp(contentsLayerPath('demo/hostile', layer), {
      'contents:index': () => ({
        digest: layer.digest,
        compression: 'gzip',
        complete: true,
        problem: null,
        entries: [],
        compressedBytes: layer.size,
        tarBytes: 1024,
        fileBytes: 0,
        fromCache: false,
        entryCount: 0,
        next: null,
      }),
      'contents:extract': () => ({
        status: 'extracted',
        directory: '/home/me/Downloads',
        path: '/home/me/Downloads/layer-abababababab',
        files: 3,
        bytes: 30,
        skipped,
      }),
    })
    fireEvent.click(await screen.findByRole('button', { name: 'Extract the whole layer' }))
    const region = screen.getByRole('region', { name: 'Extract the whole layer' })
    const status = await within(region).findByRole('status')
    expect(status.textContent).toContain('53 entries left out for safety:')
    const list = within(status).getByRole('list', { name: 'Left out for safety' })
    // A short list: the first 50, then how many more.
    expect(within(list).getAllByRole('listitem')).toHaveLength(50)
    expect(list.textContent).toContain(`etc/link-0: ${skipped[0]!.reason}`)
    expect(status.textContent).toContain('…and 3 more.')
    await waitFor(() =>
      expect(ecr.requests('contents:extract')).toEqual([expect.objectContaining({ path: '' })]),
    )
  })

  it('in an image view, names the layer and offers no Retry that would hit the same limit', async () => {
    const named = `Layer 2 of 3 (${layer.digest.slice(0, 19)}…): ${MESSAGE} Open that layer on its own to extract it.`
    renderApp(contentsImagePath('demo/hostile', 'name-bomb'), {
      'contents:image-filesystem': () => {
        throw new AppErrorException({ code: 'LayerIndexTooLarge', message: named })
      },
    })
    const alert = await screen.findByRole('alert')
    expect(within(alert).getByRole('heading').textContent).toBe('Too many files to list')
    expect(alert.textContent).toContain(named)
    expect(within(alert).queryByRole('button', { name: 'Retry' })).toBeNull()
  })
})
