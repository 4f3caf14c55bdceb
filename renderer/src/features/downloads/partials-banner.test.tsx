// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { RequestOf } from '../../../../shared/ipc/contract'
import { AppErrorException } from '../../../../shared/ipc/result'
import type { DownloadResult, PartialDownload } from '../../../../shared/models/download'
import { renderApp, waitForReady } from '../../test/render-app'

afterEach(() => {
  cleanup()
  delete window.ecr
})

const FOLDER = '/home/me/Downloads'
const partial = (hex: string, registryId: string | null = null, copy = ''): PartialDownload => {
  const digest = `sha256:${hex.repeat(64 / hex.length)}`
  const finalPath = `${FOLDER}/demo_web-app_sha256-${hex.repeat(64 / hex.length)}${copy}.tar.gz`
  return {
    path: `${finalPath}.partial`,
    finalPath,
    bytesOnDisk: 10_240,
    repositoryName: 'demo/web-app',
    registryId,
    digest,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    size: 40_960,
    imageDigest: null,
  }
}

describe('unfinished downloads, in the tray', () => {
  it('offers nothing when no partial file was left', async () => {
    renderApp('/')
    await waitForReady()
    expect(screen.queryByRole('region', { name: /unfinished download/ })).toBeNull()
    expect(screen.getByRole('button', { name: 'Downloads' }).textContent).not.toContain(
      'unfinished',
    )
  })

  it('lists the leftovers, discards one, and resumes the rest with their sidecar’s details', async () => {
    const first = partial('aa')
    // Opened from an image: the resumed download names it too (an archived image's restore
    // command needs it).
    const image = `sha256:${'d'.repeat(64)}`
    const second = { ...partial('bb', '210987654321'), imageDigest: image }
    let left = [first, second]
    const never = new Promise<DownloadResult>(() => {})
    const ecr = renderApp('/', {
      'downloads:list-partials': () => left,
      'downloads:discard-partial': ({ path }) => {
        left = left.filter((p) => p.path !== path)
        return null
      },
      'downloads:start': () => never,
    })
    // The page is left alone: the tray's toggle counts them, and the tray lists them.
    const toggle = await screen.findByRole('button', {
      name: 'Downloads, 2 unfinished to resume',
    })
    expect(screen.queryByRole('region', { name: '2 unfinished downloads' })).toBeNull()
    fireEvent.click(toggle)
    const banner = await screen.findByRole('region', { name: '2 unfinished downloads' })
    expect(
      within(screen.getByRole('region', { name: 'Downloads' })).getByRole('region', {
        name: '2 unfinished downloads',
      }),
    ).toBe(banner)
    expect(banner.textContent).toContain('demo/web-app@sha256:aaaaaaaaaaaa')
    expect(banner.textContent).toContain('10.0 KiB of 40.0 KiB')

    fireEvent.click(
      within(banner).getByRole('button', { name: 'Discard demo/web-app@sha256:aaaaaaaaaaaa' }),
    )
    await waitFor(() =>
      expect(ecr.requests('downloads:discard-partial')).toEqual([{ path: first.path }]),
    )
    const after = await screen.findByRole('region', { name: '1 unfinished download' })
    expect(document.activeElement).toBe(within(after).getByRole('button', { name: 'Resume all' }))

    fireEvent.click(within(after).getByRole('button', { name: 'Resume all' }))
    await waitFor(() => expect(ecr.requests('downloads:start')).toHaveLength(1))
    expect(ecr.requests('downloads:start')[0]).toEqual({
      operationId: expect.any(String) as string,
      registryId: '210987654321',
      repositoryName: 'demo/web-app',
      digest: second.digest,
      mediaType: second.mediaType,
      size: second.size,
      onExisting: 'ask',
      resumePartial: second.path,
      imageDigest: image,
    })
    expect(screen.queryByRole('region', { name: /unfinished download/ })).toBeNull()
    const panel = screen.getByRole('region', { name: 'Downloads' })
    expect(
      within(panel).getByRole('listitem', { name: 'demo/web-app@sha256:bbbbbbbbbbbb' }),
    ).toBeTruthy()
    await waitFor(() => expect(document.activeElement).toBe(panel))
  })

  it('resumes a "keep both" copy by its own partial file, through conflicts and retries', async () => {
    const copy = partial('cc', null, ' (2)')
    const calls: RequestOf<'downloads:start'>[] = []
    const pending: { resolve: (result: DownloadResult) => void; reject: (e: Error) => void }[] = []
    renderApp('/', {
      'downloads:list-partials': () => [copy],
      'downloads:start': (request) => {
        calls.push(request)
        return new Promise<DownloadResult>((resolve, reject) => pending.push({ resolve, reject }))
      },
    })
    fireEvent.click(
      await screen.findByRole('button', { name: 'Downloads, 1 unfinished to resume' }),
    )
    const banner = await screen.findByRole('region', { name: '1 unfinished download' })
    expect(banner.textContent).toContain(`in ${copy.path.slice(FOLDER.length + 1)}`)
    fireEvent.click(within(banner).getByRole('button', { name: 'Resume all' }))
    await waitFor(() => expect(calls).toHaveLength(1))
    expect(calls[0]).toMatchObject({ resumePartial: copy.path, onExisting: 'ask' })

    // A different file took the "(2)" name meanwhile: the answer still continues that partial.
    pending[0]!.resolve({
      status: 'conflict',
      path: copy.finalPath,
      digest: copy.digest,
      size: 0,
      bytesTransferred: 0,
      resumedFrom: null,
    })
    const dialog = await screen.findByRole('dialog')
    fireEvent.click(within(dialog).getByRole('button', { name: /Keep both/ }))
    await waitFor(() => expect(calls).toHaveLength(2))
    expect(calls[1]).toMatchObject({ resumePartial: copy.path, onExisting: 'keep-both' })

    // The network gave up: main kept the partial, so Retry continues it again.
    pending[1]!.reject(new AppErrorException({ code: 'Throttling', message: 'slow down' }))
    const panel = screen.getByRole('region', { name: 'Downloads' })
    fireEvent.click(await within(panel).findByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(calls).toHaveLength(3))
    expect(calls[2]).toMatchObject({ resumePartial: copy.path, onExisting: 'keep-both' })

    // A corrupt blob: main removed the partial, so Retry starts the blob afresh.
    pending[2]!.reject(new AppErrorException({ code: 'DigestMismatch', message: 'bad bytes' }))
    fireEvent.click(await within(panel).findByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(calls).toHaveLength(4))
    expect(calls[3]).not.toHaveProperty('resumePartial')
    expect(calls[3]).toMatchObject({ digest: copy.digest, onExisting: 'keep-both' })
  })
})
