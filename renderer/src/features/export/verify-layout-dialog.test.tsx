// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { RequestOf } from '../../../../shared/ipc/contract'
import { AppErrorException } from '../../../../shared/ipc/result'
import type { LayoutCheck } from '../../../../shared/models/export'
import type { FakeHandlers } from '../../test/fake-ecr'
import { renderApp, waitForReady } from '../../test/render-app'

// "Verify a layout…" from the downloads tray: a typed folder or .tar, checked in main with
// progress (export:progress) and Cancel; the outcome in words, the failing digest named.

afterEach(() => {
  cleanup()
  delete window.ecr
})

const LAYOUT = '/home/me/Downloads/multi-arch-latest'
const INDEX = `sha256:${'c0'.repeat(32)}`
const LAYER = `sha256:${'aa'.repeat(32)}`

interface Pending {
  request: RequestOf<'export:verify-layout'>
  resolve: (check: LayoutCheck) => void
  reject: (error: unknown) => void
}

function pendingChecks() {
  const calls: Pending[] = []
  const handler: FakeHandlers['export:verify-layout'] = (request) =>
    new Promise<LayoutCheck>((resolve, reject) => calls.push({ request, resolve, reject }))
  return { calls, handler }
}

async function openFromTray(handlers: FakeHandlers) {
  const ecr = renderApp('/', handlers)
  await waitForReady()
  fireEvent.click(screen.getByRole('button', { name: /^Downloads/ }))
  const open = within(screen.getByRole('region', { name: 'Downloads' })).getByRole('button', {
    name: 'Verify a layout…',
  })
  open.focus()
  fireEvent.click(open)
  const dialog = await screen.findByRole('dialog', { name: 'Verify a layout' })
  const path = within(dialog).getByRole<HTMLInputElement>('textbox', {
    name: 'Layout folder or .tar',
  })
  return { ecr, dialog, open, path }
}

const check = (over: Partial<LayoutCheck>): LayoutCheck => ({
  ok: true,
  blobs: 7,
  bytes: 123_456,
  restated: 0,
  summary: 'verified: 7 blobs, 123456 bytes',
  problems: [],
  refs: [{ name: 'latest', digest: INDEX, mediaType: 'application/vnd.oci.image.index.v1+json' }],
  ...over,
})

describe('Verify a layout', () => {
  it('checks a typed layout with progress and says "verified: N blobs, X bytes" and what it names', async () => {
    const { calls, handler } = pendingChecks()
    const { ecr, dialog, open, path } = await openFromTray({ 'export:verify-layout': handler })
    const verify = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Verify' })
    expect(verify.disabled).toBe(true)
    fireEvent.change(path, { target: { value: ` ${LAYOUT} ` } })
    fireEvent.click(verify)
    await waitFor(() => expect(calls).toHaveLength(1))
    const request = calls[0]!.request
    expect(request).toEqual({
      operationId: expect.any(String) as string,
      path: LAYOUT,
    })

    ecr.emit('export:progress', {
      operationId: request.operationId!,
      phase: 'verifying',
      receivedBytes: 40_000,
      totalBytes: 123_456,
      blobsDone: 3,
      blobsTotal: 0,
      inFlight: [],
      bytesPerSecond: 0,
    })
    const bar = within(dialog).getByRole('progressbar', { name: 'Layout check progress' })
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('40000'))
    expect(bar.getAttribute('aria-valuemax')).toBe('123456')
    expect(within(dialog).getByText(/^Checked 3 blobs, /)).toBeTruthy()
    // Another operation's events are not this check's.
    ecr.emit('export:progress', {
      operationId: 'someone-else',
      phase: 'verifying',
      receivedBytes: 99_999,
      totalBytes: 123_456,
      blobsDone: 6,
      blobsTotal: 0,
      inFlight: [],
      bytesPerSecond: 0,
    })
    expect(bar.getAttribute('aria-valuenow')).toBe('40000')

    calls[0]!.resolve(check({}))
    const status = within(dialog).getByRole('status')
    expect(await within(status).findByText('verified: 7 blobs, 123456 bytes')).toBeTruthy()
    const refs = within(status).getByRole('list', { name: 'Images in the layout' })
    expect(refs.textContent).toBe(`latest ${INDEX}`)
    expect(within(dialog).queryByRole('progressbar')).toBeNull()

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(document.activeElement).toBe(open)
  })

  it('names the digest of a damaged blob', async () => {
    const problem = `Blob ${LAYER} does not match its digest: it is damaged.`
    const { dialog, path } = await openFromTray({
      'export:verify-layout': () =>
        check({
          ok: false,
          blobs: 6,
          summary: `not valid: 1 problem (${problem})`,
          problems: [problem],
        }),
    })
    fireEvent.change(path, { target: { value: `${LAYOUT}.tar` } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Verify' }))
    const status = within(dialog).getByRole('status')
    expect(await within(status).findByText('Not a valid layout')).toBeTruthy()
    const problems = within(status).getByRole('list', { name: 'Problems found' })
    expect(
      within(problems)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([problem])
  })

  it('cancels a check under way', async () => {
    const { calls, handler } = pendingChecks()
    const { ecr, dialog, path } = await openFromTray({
      'export:verify-layout': handler,
      'operations:cancel': () => ({ cancelled: true }),
    })
    fireEvent.change(path, { target: { value: LAYOUT } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Verify' }))
    await waitFor(() => expect(calls).toHaveLength(1))
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() =>
      expect(ecr.requests('operations:cancel')).toEqual([
        { operationId: calls[0]!.request.operationId },
      ]),
    )
    calls[0]!.reject(new AppErrorException({ code: 'Cancelled', message: 'Cancelled.' }))
    expect(await within(dialog).findByText('Cancelled: nothing was changed.')).toBeTruthy()
    expect(within(dialog).queryByRole('alert')).toBeNull()
  })

  it('says what the picker would do where there is none (the web bridge), and keeps the typed path', async () => {
    const { ecr, dialog, path } = await openFromTray({
      'dialogs:choose-file': () => ({ path: null, picker: false }),
    })
    fireEvent.change(path, { target: { value: LAYOUT } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Choose .tar…' }))
    expect(
      await within(dialog).findByText(/^No file dialog here: type the full path of the layout/),
    ).toBeTruthy()
    expect(within(dialog).getByText(/Choose \.tar… opens the system’s file dialog/)).toBeTruthy()
    expect(ecr.requests('dialogs:choose-file')).toEqual([{ defaultPath: LAYOUT }])
    expect(path.value).toBe(LAYOUT)
  })

  it('fills the path with the .tar the file dialog picked', async () => {
    const { dialog, path } = await openFromTray({
      'dialogs:choose-file': () => ({ path: '/data/image.tar', picker: true }),
    })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Choose .tar…' }))
    await waitFor(() => expect(path.value).toBe('/data/image.tar'))
  })

  it('shows why a layout could not be checked', async () => {
    const { dialog, path } = await openFromTray({
      'export:verify-layout': ({ path: p }) => {
        throw new AppErrorException({
          code: 'InvalidParameter',
          field: 'path',
          message: `nothing at ${p}`,
        })
      },
    })
    fireEvent.change(path, { target: { value: '/nowhere/layout' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Verify' }))
    const alert = await within(dialog).findByRole('alert')
    expect(alert.textContent).toContain('nothing at /nowhere/layout')
  })
})
