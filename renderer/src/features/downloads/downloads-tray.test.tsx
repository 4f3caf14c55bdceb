// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { DownloadHistoryEntry } from '../../../../shared/models/download-history'
import { renderApp, waitForReady } from '../../test/render-app'

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`

const earlier = (n: number, patch: Partial<DownloadHistoryEntry> = {}): DownloadHistoryEntry => ({
  id: `op-${n}`,
  endedAt: '2026-01-01T10:00:00.000Z',
  outcome: 'downloaded',
  registryId: null,
  repositoryName: 'demo/web-app',
  digest: digest(n),
  mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  size: 2048,
  path: `/home/me/Downloads/demo_web-app_sha256-${n}.tar.gz`,
  errorCode: null,
  errorMessage: null,
  ...patch,
})

afterEach(cleanup)

const tray = () => screen.getByRole('region', { name: 'Downloads' })

describe('the downloads tray', () => {
  it('lists the downloads of earlier runs with their outcome and path, and clears them', async () => {
    let history = [
      earlier(1),
      earlier(2, { outcome: 'failed', path: null, errorCode: 'DigestMismatch', errorMessage: 'x' }),
      earlier(3, { outcome: 'cancelled', path: null }),
    ]
    const ecr = renderApp('/', {
      'downloads:history': () => history,
      'downloads:clear-history': () => (history = []),
      'dialogs:show-in-folder': () => null,
    })
    await waitForReady()
    const toggle = screen.getByRole('button', { name: /^Downloads/ })
    fireEvent.click(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('true')

    const list = await within(tray()).findByRole('list', { name: 'Earlier downloads' })
    const rows = within(list).getAllByRole('listitem')
    expect(rows).toHaveLength(3)
    expect(rows[0]!.textContent).toContain('Verified')
    expect(rows[0]!.textContent).toContain('/home/me/Downloads/demo_web-app_sha256-1.tar.gz')
    expect(rows[1]!.textContent).toContain('Failed')
    expect(rows[2]!.textContent).toContain('Cancelled')
    expect(within(tray()).queryByText(/Nothing downloaded yet/)).toBeNull()

    fireEvent.click(within(rows[0]!).getByRole('button', { name: 'Show in folder' }))
    await waitFor(() =>
      expect(ecr.requests('dialogs:show-in-folder')).toEqual([
        { path: '/home/me/Downloads/demo_web-app_sha256-1.tar.gz' },
      ]),
    )

    fireEvent.click(within(tray()).getByRole('button', { name: 'Clear history' }))
    await waitFor(() => expect(ecr.requests('downloads:clear-history')).toHaveLength(1))
    expect(await within(tray()).findByText(/Nothing downloaded yet/)).toBeTruthy()
  })

  it('in the web bridge, says there is no file manager and copies the path instead', async () => {
    renderApp('/', {
      'downloads:history': () => [earlier(1)],
      'dialogs:capabilities': () => ({
        showInFolder: false,
        chooseFolder: false,
        chooseFile: false,
      }),
    })
    await waitForReady()
    fireEvent.click(screen.getByRole('button', { name: /^Downloads/ }))
    const list = await within(tray()).findByRole('list', { name: 'Earlier downloads' })
    const row = within(list).getByRole('listitem')
    await waitFor(() => expect(within(row).getByRole('button', { name: 'Copy path' })).toBeTruthy())
    expect(within(row).queryByRole('button', { name: 'Show in folder' })).toBeNull()
    expect(row.textContent).toContain('A browser tab can’t open your file manager')
    expect(row.textContent).toContain('/home/me/Downloads/demo_web-app_sha256-1.tar.gz')

    // Settings: no folder dialog either; Change… is disabled and says what to do instead.
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    const change = await screen.findByRole<HTMLButtonElement>('button', { name: 'Change…' })
    expect(change.disabled).toBe(true)
    expect(
      document.getElementById(change.getAttribute('aria-describedby')!)!.textContent,
    ).toContain('ECR_LAYER_BROWSER_DOWNLOAD_DIR')
  })

  it('Hide and Escape close the tray and give focus back to the toggle', async () => {
    renderApp('/', { 'downloads:history': () => [] })
    await waitForReady()
    const toggle = screen.getByRole('button', { name: /^Downloads/ })
    fireEvent.click(toggle)
    fireEvent.click(within(tray()).getByRole('button', { name: 'Hide downloads' }))
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(toggle)

    fireEvent.click(toggle)
    fireEvent.keyDown(within(tray()).getByRole('button', { name: 'Verify a file…' }), {
      key: 'Escape',
    })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(toggle)
  })
})
