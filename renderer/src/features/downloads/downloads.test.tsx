// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RequestOf } from '../../../../shared/ipc/contract'
import { AppErrorException } from '../../../../shared/ipc/result'
import type { ImageManifest } from '../../../../shared/models/image'
import type { DownloadProgress, DownloadResult } from '../../../../shared/models/download'
import { fail, type FakeEcr, type FakeHandlers } from '../../test/fake-ecr'
import { sampleImage } from '../../test/fake-images'
import { renderApp, waitForReady } from '../../test/render-app'
import { formatTransfer } from './download-format'

const writeText = vi.fn<(text: string) => Promise<void>>()
beforeEach(() => {
  writeText.mockReset().mockResolvedValue(undefined)
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
})
afterEach(() => {
  cleanup()
  delete window.ecr
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const FOLDER = '/home/me/Downloads'

interface Pending {
  request: RequestOf<'downloads:start'>
  resolve: (result: DownloadResult) => void
  reject: (error: unknown) => void
}

/** A downloadLayer handler that leaves each call pending until the test settles it. */
function pendingDownloads() {
  const calls: Pending[] = []
  const handler: FakeHandlers['downloads:start'] = (request) =>
    new Promise<DownloadResult>((resolve, reject) => calls.push({ request, resolve, reject }))
  return { calls, handler }
}

const outcome = (
  request: RequestOf<'downloads:start'>,
  status: DownloadResult['status'],
  path = `${FOLDER}/file.tar.gz`,
): DownloadResult => ({
  status,
  path,
  digest: request.digest,
  size: request.size ?? 0,
  bytesTransferred: request.size ?? 0,
  resumedFrom: null,
})

function serveImage(manifest: ImageManifest, extra: FakeHandlers = {}): FakeHandlers {
  const { summary, config } = sampleImage()
  return {
    'ecr:describe-image': () => ({ ...summary, digest: manifest.digest }),
    'ecr:get-manifest': ({ imageDigest }) =>
      imageDigest === manifest.digest
        ? manifest
        : fail({ code: 'ImageNotFound', message: 'no such image' }),
    'ecr:get-config': () => config,
    'ecr:check-layers': ({ layerDigests }) =>
      layerDigests.map((digest) => ({
        digest,
        availability: 'AVAILABLE' as const,
        failureCode: null,
        failureReason: null,
      })),
    ...extra,
  }
}

async function openImage(extra: FakeHandlers = {}, manifest = sampleImage().manifest) {
  const ecr = renderApp(`/repositories/demo/web-app/images/${manifest.digest}`, {
    ...serveImage(manifest),
    ...extra,
  })
  await waitForReady()
  return ecr
}

const panel = () => screen.getByRole('region', { name: 'Downloads' })
const row = (digest: string) =>
  within(panel()).getByRole('listitem', { name: `demo/web-app@${digest.slice(0, 19)}` })

function progress(
  ecr: FakeEcr,
  request: RequestOf<'downloads:start'>,
  patch: Partial<DownloadProgress>,
): void {
  ecr.emit('downloads:progress', {
    operationId: request.operationId,
    digest: request.digest,
    phase: 'downloading',
    receivedBytes: 0,
    totalBytes: request.size ?? null,
    bytesPerSecond: 0,
    etaSeconds: null,
    ...patch,
  })
}

describe('layer downloads on the image page', () => {
  it('gives every layer row Download, Copy download URL, Look inside and Verify', async () => {
    const { manifest } = sampleImage()
    await openImage()
    for (const [index, layer] of manifest.layers.entries()) {
      const n = index + 1
      expect(screen.getByRole('button', { name: `Download layer ${n}` })).toBeTruthy()
      expect(screen.getByRole('button', { name: `Copy download URL of layer ${n}` })).toBeTruthy()
      expect(screen.getByRole('button', { name: `Verify a file against layer ${n}` })).toBeTruthy()
      const link = screen.getByRole('link', { name: `Look inside layer ${n}` })
      expect(link.getAttribute('href')).toBe(
        `#/contents/demo/web-app/layers/${layer.digest}?mediaType=${encodeURIComponent(layer.mediaType)}&size=${layer.size}&image=${encodeURIComponent(manifest.digest)}`,
      )
    }
    expect(screen.getByRole('button', { name: 'Download all layers' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Download config blob' })).toBeTruthy()
    expect(
      screen.getByRole('button', { name: 'Copy download URL of the config blob' }),
    ).toBeTruthy()
  })

  it('disables Download for a foreign layer and says why', async () => {
    const image = sampleImage('b7')
    const foreign = {
      ...image.manifest.layers[0]!,
      mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
      foreign: true,
      urls: ['https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:1'],
    }
    const manifest = { ...image.manifest, layers: [foreign, ...image.manifest.layers.slice(1)] }
    const { calls, handler } = pendingDownloads()
    const ecr = await openImage({ 'downloads:start': handler }, manifest)

    const download = screen.getByRole<HTMLButtonElement>('button', { name: 'Download layer 1' })
    expect(download.disabled).toBe(true)
    const description = download
      .getAttribute('aria-describedby')!
      .split(' ')
      .map((id) => document.getElementById(id)!.textContent)
      .join(' ')
    expect(description).toContain('This layer lives outside ECR')
    expect(description).toContain('foreign (non-distributable) layer')
    expect(
      screen.getByRole<HTMLButtonElement>('button', { name: 'Copy download URL of layer 1' })
        .disabled,
    ).toBe(true)
    expect(
      screen.getByRole<HTMLButtonElement>('button', { name: 'Download layer 2' }).disabled,
    ).toBe(false)

    // Look inside cannot read it either: disabled, with the reason.
    const look = screen.getByRole<HTMLButtonElement>('button', { name: 'Look inside layer 1' })
    expect(look.disabled).toBe(true)
    expect(document.getElementById(look.getAttribute('aria-describedby')!)!.textContent).toBe(
      'This layer is stored outside ECR (a Windows base layer); it can’t be read here.',
    )
    expect(screen.queryByRole('link', { name: 'Look inside layer 1' })).toBeNull()
    expect(screen.getByRole('link', { name: 'Look inside layer 2' })).toBeTruthy()
    // The narrow window's "More" menu says the same.
    fireEvent.click(screen.getByRole('button', { name: 'More actions for layer 1' }))
    const menu = screen.getByRole('menu', { name: 'More actions for layer 1' })
    const item = within(menu).getByRole('menuitem', { name: /^Look inside/ })
    expect(item.getAttribute('aria-disabled')).toBe('true')
    expect(item.textContent).toContain('it can’t be read here')
    fireEvent.keyDown(item, { key: 'Escape' })
    expect(screen.queryByRole('menu')).toBeNull()
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'More actions for layer 1' }),
    )

    // Download all skips it, and says so.
    expect(screen.getByText(/1 foreign layer is skipped/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Download all layers' }))
    await waitFor(() => expect(calls).toHaveLength(3))
    expect(ecr.requests('downloads:start').map((r) => r.digest)).toEqual([
      manifest.layers[1]!.digest,
      manifest.layers[2]!.digest,
      manifest.config.digest,
    ])
  })

  it('downloads a layer with progress, rate and ETA, then shows it verified', async () => {
    const { manifest } = sampleImage()
    const layer = manifest.layers[1]!
    const { calls, handler } = pendingDownloads()
    const ecr = await openImage({
      'downloads:start': handler,
      'dialogs:show-in-folder': () => null,
    })
    const toggle = screen.getByRole('button', { name: /^Downloads/ })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')

    fireEvent.click(screen.getByRole('button', { name: 'Download layer 2' }))
    await waitFor(() => expect(calls).toHaveLength(1))
    const request = calls[0]!.request
    expect(request).toEqual({
      operationId: expect.stringMatching(UUID) as string,
      repositoryName: 'demo/web-app',
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
      onExisting: 'ask',
      imageDigest: manifest.digest,
    })
    // The panel opens by itself; the toggle counts what is under way.
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    expect(screen.getByRole('button', { name: 'Downloads, 1 under way' })).toBe(toggle)
    expect(within(row(layer.digest)).getByText('Queued')).toBeTruthy()
    expect(within(row(layer.digest)).getByText('layer 2')).toBeTruthy()

    progress(ecr, request, {
      receivedBytes: 600_000,
      bytesPerSecond: 2.5 * 1024 * 1024,
      etaSeconds: 75,
    })
    const bar = await within(row(layer.digest)).findByRole('progressbar')
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('600000'))
    expect(bar.getAttribute('aria-valuemax')).toBe(String(layer.size))
    expect(bar.getAttribute('aria-valuetext')).toBe(formatTransfer(600_000, layer.size))
    const status = within(row(layer.digest))
    expect(status.getByText('Downloading')).toBeTruthy()
    expect(status.getByText(formatTransfer(600_000, layer.size))).toBeTruthy()
    expect(status.getByText('2.50 MiB/s')).toBeTruthy()
    expect(status.getByText('1 min 15 s left')).toBeTruthy()

    progress(ecr, request, { phase: 'verifying', receivedBytes: layer.size })
    expect(await status.findByText('Verifying')).toBeTruthy()

    const path = `${FOLDER}/demo_web-app_${layer.digest.replace(':', '-')}.tar.gz`
    calls[0]!.resolve(outcome(request, 'downloaded', path))
    expect(await status.findByText('Verified')).toBeTruthy()
    expect(status.getByText(path)).toBeTruthy()
    expect(status.queryByRole('progressbar')).toBeNull()
    expect(status.queryByRole('button', { name: 'Cancel' })).toBeNull()
    expect(screen.getByRole('button', { name: 'Downloads' })).toBe(toggle)

    fireEvent.click(status.getByRole('button', { name: 'Show in folder' }))
    await waitFor(() => expect(ecr.requests('dialogs:show-in-folder')).toEqual([{ path }]))
  })

  it('cancels a download; the row says so and keeps the focus', async () => {
    const { manifest } = sampleImage()
    const layer = manifest.layers[0]!
    const { calls, handler } = pendingDownloads()
    const ecr = await openImage({
      'downloads:start': handler,
      'operations:cancel': () => ({ cancelled: true }),
    })
    fireEvent.click(screen.getByRole('button', { name: 'Download layer 1' }))
    await waitFor(() => expect(calls).toHaveLength(1))
    const request = calls[0]!.request
    progress(ecr, request, { receivedBytes: 1000 })

    const cancel = within(row(layer.digest)).getByRole('button', { name: 'Cancel' })
    cancel.focus()
    fireEvent.click(cancel)
    await waitFor(() =>
      expect(ecr.requests('operations:cancel')).toEqual([{ operationId: request.operationId }]),
    )
    expect(document.activeElement).toBe(row(layer.digest))
    calls[0]!.resolve(outcome(request, 'cancelled', ''))
    expect(await within(row(layer.digest)).findByText('Cancelled')).toBeTruthy()
    expect(within(row(layer.digest)).queryByRole('button', { name: 'Cancel' })).toBeNull()
  })

  it('shows a failure through the error catalog, and Retry runs it again', async () => {
    const { manifest } = sampleImage()
    const layer = manifest.layers[0]!
    const { calls, handler } = pendingDownloads()
    await openImage({ 'downloads:start': handler })
    fireEvent.click(screen.getByRole('button', { name: 'Download layer 1' }))
    await waitFor(() => expect(calls).toHaveLength(1))
    calls[0]!.reject(
      new AppErrorException({
        code: 'DigestMismatch',
        message: `Expected ${layer.digest}, got sha256:${'0'.repeat(64)} (3500000 bytes).`,
      }),
    )
    const alert = await within(row(layer.digest)).findByRole('alert')
    expect(
      within(alert).getByRole('heading', { name: 'Downloaded bytes do not match the digest' }),
    ).toBeTruthy()
    expect(alert.textContent).toContain(layer.digest)
    expect(within(row(layer.digest)).getByText('Failed')).toBeTruthy()

    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(calls).toHaveLength(2))
    expect(calls[1]!.request.operationId).not.toBe(calls[0]!.request.operationId)
    expect(calls[1]!.request.digest).toBe(layer.digest)
    calls[1]!.resolve(outcome(calls[1]!.request, 'downloaded'))
    expect(await within(row(layer.digest)).findByText('Verified')).toBeTruthy()
    expect(within(row(layer.digest)).queryByRole('alert')).toBeNull()
  })

  it('downloads all layers and the config blob through the same queue', async () => {
    const { manifest } = sampleImage()
    const { calls, handler } = pendingDownloads()
    await openImage({ 'downloads:start': handler })
    fireEvent.click(screen.getByRole('button', { name: 'Download all layers' }))
    await waitFor(() => expect(calls).toHaveLength(4))
    expect(calls.map((c) => [c.request.digest, c.request.mediaType])).toEqual([
      ...manifest.layers.map((l) => [l.digest, l.mediaType]),
      [manifest.config.digest, manifest.config.mediaType],
    ])
    expect(new Set(calls.map((c) => c.request.operationId)).size).toBe(4)
    expect(within(panel()).getAllByRole('listitem')).toHaveLength(4)
    expect(screen.getByRole('button', { name: 'Downloads, 4 under way' })).toBeTruthy()
    expect(within(row(manifest.config.digest)).getByText('config')).toBeTruthy()

    calls[3]!.resolve(outcome(calls[3]!.request, 'already-verified'))
    expect(
      await within(row(manifest.config.digest)).findByText('Already there, verified'),
    ).toBeTruthy()
  })

  it('asks about a different existing file; Escape skips, Keep both downloads beside it', async () => {
    const { manifest } = sampleImage()
    const layer = manifest.layers[0]!
    const { calls, handler } = pendingDownloads()
    await openImage({ 'downloads:start': handler })
    const trigger = screen.getByRole('button', { name: 'Download layer 1' })
    const taken = `${FOLDER}/demo_web-app_${layer.digest.replace(':', '-')}.tar.gz`

    // Escape: Skip.
    trigger.focus()
    fireEvent.click(trigger)
    await waitFor(() => expect(calls).toHaveLength(1))
    calls[0]!.resolve(outcome(calls[0]!.request, 'conflict', taken))
    const dialog = await screen.findByRole('dialog', { name: 'A different file already exists' })
    expect(dialog.textContent).toContain(taken)
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Keep both' }))
    expect(within(row(layer.digest)).getByText(/Waiting for your answer/)).toBeTruthy()
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    await waitFor(() => expect(calls).toHaveLength(2))
    expect(calls[1]!.request).toMatchObject({ digest: layer.digest, onExisting: 'skip' })
    expect(calls[1]!.request.operationId).not.toBe(calls[0]!.request.operationId)
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(trigger)
    calls[1]!.resolve(outcome(calls[1]!.request, 'skipped', taken))
    expect(await within(row(layer.digest)).findByText(/^Skipped/)).toBeTruthy()

    // Keep both.
    fireEvent.click(trigger)
    await waitFor(() => expect(calls).toHaveLength(3))
    calls[2]!.resolve(outcome(calls[2]!.request, 'conflict', taken))
    fireEvent.click(
      within(
        await screen.findByRole('dialog', { name: 'A different file already exists' }),
      ).getByRole('button', { name: 'Keep both' }),
    )
    await waitFor(() => expect(calls).toHaveLength(4))
    expect(calls[3]!.request.onExisting).toBe('keep-both')
    const second = taken.replace('.tar.gz', ' (2).tar.gz')
    calls[3]!.resolve(outcome(calls[3]!.request, 'downloaded', second))
    expect(await screen.findByText(second)).toBeTruthy()
  })

  it('answers several conflicts at once when asked to', async () => {
    const { manifest } = sampleImage()
    const { calls, handler } = pendingDownloads()
    await openImage({ 'downloads:start': handler })
    fireEvent.click(screen.getByRole('button', { name: 'Download all layers' }))
    await waitFor(() => expect(calls).toHaveLength(4))
    calls[0]!.resolve(outcome(calls[0]!.request, 'conflict', `${FOLDER}/a.tar.gz`))
    calls[1]!.resolve(outcome(calls[1]!.request, 'conflict', `${FOLDER}/b.tar.gz`))
    const dialog = await screen.findByRole('dialog', { name: 'A different file already exists' })
    await waitFor(() =>
      expect(
        within(dialog).getByRole('checkbox', { name: 'Do the same for the other 1 conflict' }),
      ).toBeTruthy(),
    )
    fireEvent.click(within(dialog).getByRole('checkbox'))
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replace' }))
    await waitFor(() => expect(calls).toHaveLength(6))
    expect(calls.slice(4).map((c) => [c.request.digest, c.request.onExisting])).toEqual([
      [manifest.layers[0]!.digest, 'replace'],
      [manifest.layers[1]!.digest, 'replace'],
    ])
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('shows a download URL with its expiry and a warning, copies it, and closes with Escape', async () => {
    const { manifest } = sampleImage()
    const layer = manifest.layers[0]!
    const issued = Date.now()
    const url = `https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/x?X-Amz-Date=20250101T000000Z&X-Amz-Expires=3600&X-Amz-Signature=abc`
    const expiresAt = new Date(issued + 3600_000).toISOString()
    const ecr = await openImage({
      'downloads:url': () => ({
        url,
        issuedAt: new Date(issued).toISOString(),
        expiresAt,
        expiresInSeconds: 3600,
      }),
    })
    const trigger = screen.getByRole('button', { name: 'Copy download URL of layer 1' })
    trigger.focus()
    fireEvent.click(trigger)
    const dialog = await screen.findByRole('dialog', { name: 'Download URL of layer 1' })
    const text = await within(dialog).findByRole<HTMLTextAreaElement>('textbox', {
      name: 'Pre-signed URL',
    })
    expect(text.value).toBe(url)
    expect(text.readOnly).toBe(true)
    expect(ecr.requests('downloads:url')).toEqual([
      { repositoryName: 'demo/web-app', digest: layer.digest, imageDigest: manifest.digest },
    ])
    expect(dialog.textContent).toContain('Anyone who has this URL can download this blob')
    const time = dialog.querySelector('time')!
    expect(time.getAttribute('dateTime')).toBe(expiresAt)
    expect(time.parentElement!.textContent).toMatch(/^Expires .+ \(in (1 hour|60 minutes)\)$/)

    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy URL' }))
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(url))
    expect(await within(dialog).findByText('Copied')).toBeTruthy()

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(document.activeElement).toBe(trigger)

    // Opened again, it asks ECR again: a pre-signed URL is never reused from a cache.
    fireEvent.click(trigger)
    await screen.findByRole('dialog', { name: 'Download URL of layer 1' })
    await waitFor(() => expect(ecr.requests('downloads:url')).toHaveLength(2))
  })

  it('shows why a download URL could not be had', async () => {
    await openImage({
      'downloads:url': () =>
        fail({ code: 'LayerInaccessible', message: 'The layer is not referenced by any image.' }),
    })
    fireEvent.click(screen.getByRole('button', { name: 'Copy download URL of layer 1' }))
    const dialog = await screen.findByRole('dialog', { name: 'Download URL of layer 1' })
    expect(
      await within(dialog).findByRole('heading', { name: 'Layer is not part of any image' }),
    ).toBeTruthy()
    expect(within(dialog).queryByRole('button', { name: 'Copy URL' })).toBeNull()
  })
})
