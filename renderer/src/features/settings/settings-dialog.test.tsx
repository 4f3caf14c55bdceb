// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { ContentsCacheInfo } from '../../../../shared/models/layer-contents'
import type { FakeHandlers } from '../../test/fake-ecr'
import { renderApp, waitForReady } from '../../test/render-app'

afterEach(() => {
  cleanup()
  delete window.ecr
})

const cache: ContentsCacheInfo = {
  indexCount: 2,
  indexBytes: 4096,
  indexLimitBytes: 256 * 1024 * 1024,
  blobBytes: 0,
  blobCount: 0,
  blobLimitBytes: 4 * 1024 * 1024 * 1024,
}

async function openSettings(handlers: FakeHandlers = {}, settings = {}) {
  let folder = '/home/me/Downloads'
  const ecr = renderApp(
    '/',
    {
      'downloads:folder': () => ({ path: folder, overridden: false }),
      'dialogs:choose-folder': () => ({ path: '/data/blobs' }),
      'contents:cache': () => cache,
      ...handlers,
    },
    settings,
  )
  const original = ecr.handlers['settings:update']!
  ecr.handlers['settings:update'] = (patch) => {
    if (patch.downloadDir !== undefined) folder = patch.downloadDir ?? '/home/me/Downloads'
    return original(patch)
  }
  await waitForReady()
  const trigger = screen.getByRole('button', { name: 'Settings' })
  trigger.focus()
  fireEvent.click(trigger)
  const dialog = await screen.findByRole('dialog', { name: 'Settings' })
  return { ecr, dialog, trigger }
}

describe('settings', () => {
  it('changes the download folder with the folder dialog, and goes back to the default', async () => {
    const { ecr, dialog } = await openSettings()
    expect(await within(dialog).findByText('/home/me/Downloads')).toBeTruthy()
    const useDefault = within(dialog).getByRole<HTMLButtonElement>('button', {
      name: 'Use default',
    })
    expect(useDefault.disabled).toBe(true)

    fireEvent.click(within(dialog).getByRole('button', { name: 'Change…' }))
    expect(await within(dialog).findByText('/data/blobs')).toBeTruthy()
    expect(ecr.requests('dialogs:choose-folder')).toHaveLength(1)
    expect(ecr.requests('settings:update')).toEqual([{ downloadDir: '/data/blobs' }])

    await waitFor(() => expect(useDefault.disabled).toBe(false))
    fireEvent.click(useDefault)
    expect(await within(dialog).findByText('/home/me/Downloads')).toBeTruthy()
    expect(ecr.requests('settings:update').at(-1)).toEqual({ downloadDir: null })
  })

  it('changes nothing when the folder dialog is cancelled', async () => {
    const { ecr, dialog } = await openSettings({ 'dialogs:choose-folder': () => ({ path: null }) })
    await within(dialog).findByText('/home/me/Downloads')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change…' }))
    await waitFor(() => expect(ecr.requests('dialogs:choose-folder')).toHaveLength(1))
    expect(ecr.requests('settings:update')).toEqual([])
  })

  it('says when ECR_LAYER_BROWSER_DOWNLOAD_DIR decides the folder, and does not offer to change it', async () => {
    const { dialog } = await openSettings({
      'downloads:folder': () => ({ path: '/ci/downloads', overridden: true }),
    })
    expect(await within(dialog).findByText('/ci/downloads')).toBeTruthy()
    expect(dialog.textContent).toContain('ECR_LAYER_BROWSER_DOWNLOAD_DIR')
    const change = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Change…' })
    expect(change.disabled).toBe(true)
    expect(document.getElementById(change.getAttribute('aria-describedby')!)?.textContent).toMatch(
      /overrides this setting/,
    )
    expect(
      within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Use default' }).disabled,
    ).toBe(true)
  })

  it('sets how many downloads run at once, from 1 to 8', async () => {
    const { ecr, dialog } = await openSettings({}, { downloadConcurrency: 3 })
    const select = within(dialog).getByRole<HTMLSelectElement>('combobox', {
      name: 'Concurrent downloads',
    })
    await waitFor(() => expect(select.value).toBe('3'))
    expect([...select.options].map((o) => o.value)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ])
    fireEvent.change(select, { target: { value: '5' } })
    await waitFor(() =>
      expect(ecr.requests('settings:update')).toEqual([{ downloadConcurrency: 5 }]),
    )
    expect(select.value).toBe('5')
  })

  it('turns the automatic update check off and on', async () => {
    const { ecr, dialog } = await openSettings()
    const box = within(dialog).getByRole<HTMLInputElement>('checkbox', {
      name: 'Check for updates automatically',
    })
    await waitFor(() => expect(box.checked).toBe(true))
    fireEvent.click(box)
    await waitFor(() =>
      expect(ecr.requests('settings:update')).toEqual([{ checkForUpdates: false }]),
    )
    await waitFor(() => expect(box.checked).toBe(false))
  })

  it('embeds the layer contents cache, closes with Escape and gives focus back', async () => {
    const { dialog, trigger } = await openSettings()
    const section = await within(dialog).findByRole('region', { name: 'Layer contents cache' })
    expect(await within(section).findByText(/Indexes: 2 layers/)).toBeTruthy()
    expect(within(section).getByRole('button', { name: 'Clear layer contents cache' })).toBeTruthy()
    // The page behind is inert while the dialog is open.
    expect(trigger.closest('[inert]')).not.toBeNull()

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(document.activeElement).toBe(trigger)
    expect(trigger.closest('[inert]')).toBeNull()
  })
})
