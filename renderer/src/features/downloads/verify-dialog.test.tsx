// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { RequestOf } from '../../../../shared/ipc/contract'
import { AppErrorException } from '../../../../shared/ipc/result'
import type { VerifyResult } from '../../../../shared/models/download'
import { fail, type FakeHandlers } from '../../test/fake-ecr'
import { sampleImage } from '../../test/fake-images'
import { renderApp, waitForReady } from '../../test/render-app'

afterEach(() => {
  cleanup()
  delete window.ecr
})

const PATH = '/home/me/Downloads/demo_web-app_sha256-aa.tar.gz'
const DIGEST = `sha256:${'aa'.repeat(32)}`
const OTHER = `sha256:${'bb'.repeat(32)}`

interface Pending {
  request: RequestOf<'downloads:verify-file'>
  resolve: (result: VerifyResult) => void
  reject: (error: unknown) => void
}

function pendingChecks() {
  const calls: Pending[] = []
  const handler: FakeHandlers['downloads:verify-file'] = (request) =>
    new Promise<VerifyResult>((resolve, reject) => calls.push({ request, resolve, reject }))
  return { calls, handler }
}

async function openFromPanel(handlers: FakeHandlers) {
  const ecr = renderApp('/', handlers)
  await waitForReady()
  fireEvent.click(screen.getByRole('button', { name: /^Downloads/ }))
  const open = within(screen.getByRole('region', { name: 'Downloads' })).getByRole('button', {
    name: 'Verify a file…',
  })
  open.focus()
  fireEvent.click(open)
  const dialog = await screen.findByRole('dialog', { name: 'Verify a file' })
  return { ecr, dialog, open }
}

describe('Verify a file', () => {
  it('checks a typed path against a typed digest, with progress, and says whether it matches', async () => {
    const { calls, handler } = pendingChecks()
    const { ecr, dialog, open } = await openFromPanel({ 'downloads:verify-file': handler })
    const verify = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Verify' })
    expect(verify.disabled).toBe(true)
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'File path' }), {
      target: { value: PATH },
    })
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Digest' }), {
      target: { value: ` ${DIGEST} ` },
    })
    expect(verify.disabled).toBe(false)
    fireEvent.click(verify)
    await waitFor(() => expect(calls).toHaveLength(1))
    const request = calls[0]!.request
    expect(request).toEqual({
      operationId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      path: PATH,
      digest: DIGEST,
    })

    ecr.emit('downloads:progress', {
      operationId: request.operationId,
      digest: DIGEST,
      phase: 'verifying',
      receivedBytes: 512,
      totalBytes: 2048,
      bytesPerSecond: 0,
      etaSeconds: null,
    })
    const bar = within(dialog).getByRole('progressbar', { name: 'Verification progress' })
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('512'))
    expect(bar.getAttribute('aria-valuemax')).toBe('2048')
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeTruthy()

    calls[0]!.resolve({
      path: PATH,
      digest: DIGEST,
      size: 2048,
      matches: true,
      actualDigest: DIGEST,
    })
    const status = within(dialog).getByRole('status')
    expect(await within(status).findByText('Matches')).toBeTruthy()
    expect(status.textContent).toContain(`Expected${DIGEST}`)
    expect(status.textContent).toContain(`Actual${DIGEST}`)
    expect(within(dialog).queryByRole('progressbar')).toBeNull()

    // Another digest: it does not match, and both digests are shown.
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Digest' }), {
      target: { value: OTHER },
    })
    fireEvent.click(verify)
    await waitFor(() => expect(calls).toHaveLength(2))
    calls[1]!.resolve({
      path: PATH,
      digest: OTHER,
      size: 2048,
      matches: false,
      actualDigest: DIGEST,
    })
    expect(await within(status).findByText('Does not match')).toBeTruthy()
    expect(status.textContent).toContain(`Expected${OTHER}`)
    expect(status.textContent).toContain(`Actual${DIGEST}`)

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(document.activeElement).toBe(open)
  })

  it('cancels a check under way', async () => {
    const { calls, handler } = pendingChecks()
    const { ecr, dialog } = await openFromPanel({
      'downloads:verify-file': handler,
      'operations:cancel': () => ({ cancelled: true }),
    })
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'File path' }), {
      target: { value: PATH },
    })
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Digest' }), {
      target: { value: DIGEST },
    })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Verify' }))
    await waitFor(() => expect(calls).toHaveLength(1))
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() =>
      expect(ecr.requests('operations:cancel')).toEqual([
        { operationId: calls[0]!.request.operationId },
      ]),
    )
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Verify' }))
    calls[0]!.reject(new AppErrorException({ code: 'Cancelled', message: 'Cancelled.' }))
    expect(await within(dialog).findByText('Cancelled')).toBeTruthy()
    expect(within(dialog).queryByRole('alert')).toBeNull()
  })

  it('shows why a file could not be checked', async () => {
    const { dialog } = await openFromPanel({
      'downloads:verify-file': ({ path }) =>
        fail({ code: 'InvalidParameter', field: 'path', message: `no file at ${path}` }),
    })
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'File path' }), {
      target: { value: '/nowhere/x.tar.gz' },
    })
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Digest' }), {
      target: { value: DIGEST },
    })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Verify' }))
    const alert = await within(dialog).findByRole('alert')
    expect(within(alert).getByRole('heading', { name: 'Invalid input' })).toBeTruthy()
    expect(alert.textContent).toContain('no file at /nowhere/x.tar.gz')
  })

  it('fills the path from “Choose file…”, whose dialog starts at the typed path', async () => {
    const { ecr, dialog } = await openFromPanel({
      'dialogs:choose-file': () => ({ path: '/data/blobs/layer.tar.gz', picker: true }),
    })
    const path = within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'File path' })
    fireEvent.change(path, { target: { value: PATH } })
    const choose = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Choose file…' })
    // A plain button: reachable with Tab, and Enter in the path field still means Verify.
    expect(choose.type).toBe('button')
    fireEvent.click(choose)
    await waitFor(() => expect(path.value).toBe('/data/blobs/layer.tar.gz'))
    expect(ecr.requests('dialogs:choose-file')).toEqual([{ defaultPath: PATH }])
    expect(within(dialog).queryByText(/type the file’s full path/)).toBeNull()
  })

  it('leaves the typed path alone when the file dialog is cancelled', async () => {
    const { ecr, dialog } = await openFromPanel({
      'dialogs:choose-file': () => ({ path: null, picker: true }),
    })
    const path = within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'File path' })
    // Not an absolute path: main starts the dialog in the download folder instead.
    fireEvent.change(path, { target: { value: 'blobs/x.tar' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Choose file…' }))
    await waitFor(() => expect(ecr.requests('dialogs:choose-file')).toEqual([{}]))
    // Let the answer land (React Query notifies on a timer) before checking nothing changed.
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(path.value).toBe('blobs/x.tar')
    expect(within(dialog).queryByText(/type the file’s full path/)).toBeNull()
    expect(within(dialog).queryByRole('alert')).toBeNull()
  })

  it('says to type the path where there is no file dialog, and keeps what was typed', async () => {
    const { ecr, dialog } = await openFromPanel({
      'dialogs:choose-file': () => ({ path: null, picker: false }),
    })
    const path = within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'File path' })
    fireEvent.change(path, { target: { value: PATH } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Choose file…' }))
    const hint = await within(dialog).findByText('No file dialog here: type the file’s full path.')
    expect(ecr.requests('dialogs:choose-file')).toHaveLength(1)
    expect(path.value).toBe(PATH)
    expect(path.getAttribute('aria-describedby')).toBe(hint.id)
  })

  it('from a layer row, checks against that layer’s digest and starts from where Download saves it', async () => {
    const { manifest, summary, config } = sampleImage()
    const layer = manifest.layers[1]!
    const { calls, handler } = pendingChecks()
    renderApp(`/repositories/demo/web-app/images/${manifest.digest}`, {
      'ecr:describe-image': () => summary,
      'ecr:get-manifest': () => manifest,
      'ecr:get-config': () => config,
      'ecr:check-layers': () => [],
      'downloads:verify-file': handler,
    })
    await waitForReady()
    const trigger = screen.getByRole('button', { name: 'Verify a file against layer 2' })
    fireEvent.click(trigger)
    const dialog = await screen.findByRole('dialog', { name: 'Verify a file against layer 2' })
    const path = within(dialog).getByRole<HTMLInputElement>('textbox', { name: 'File path' })
    const expected = `/home/me/Downloads/demo_web-app_${layer.digest.replace(':', '-')}.tar.gz`
    await waitFor(() => expect(path.value).toBe(expected))
    expect(within(dialog).queryByRole('textbox', { name: 'Digest' })).toBeNull()
    expect(dialog.textContent).toContain(layer.digest)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Verify' }))
    await waitFor(() => expect(calls).toHaveLength(1))
    expect(calls[0]!.request).toMatchObject({ path: expected, digest: layer.digest })
  })
})
