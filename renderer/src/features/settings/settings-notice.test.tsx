// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { SettingsNotice } from '../../../../shared/models/settings'
import { renderApp, waitForReady } from '../../test/render-app'

afterEach(() => {
  cleanup()
  delete window.ecr
})

const KEPT = '/home/me/.config/ecr-layer-browser/settings.json.bad-2026-12-01T21-30-00-123Z'
const damaged: SettingsNotice = {
  message: `settings.json was damaged: it is not valid JSON (Unexpected token). The app started with its default settings and kept the damaged file as ${KEPT}.`,
  nextStep: `Choose your settings again, or copy what you need from ${KEPT}; delete it when you no longer need it.`,
  keptAs: KEPT,
}

describe('the settings notice', () => {
  it('says what happened to settings.json and what to do, once, until dismissed', async () => {
    let notice: SettingsNotice | null = damaged
    const ecr = renderApp('/', {
      'settings:notice': () => notice,
      'settings:dismiss-notice': () => {
        notice = null
        return null
      },
    })
    await waitForReady()
    const region = await screen.findByRole('region', {
      name: 'Your settings file could not be used as it was',
    })
    expect(region.textContent).toContain('settings.json was damaged: it is not valid JSON')
    expect(region.textContent).toContain('What to do: Choose your settings again')
    expect(within(region).getByText(KEPT).tagName).toBe('CODE')

    fireEvent.click(within(region).getByRole('button', { name: 'Dismiss' }))
    await waitFor(() =>
      expect(
        screen.queryByRole('region', { name: 'Your settings file could not be used as it was' }),
      ).toBeNull(),
    )
    expect(ecr.requests('settings:dismiss-notice')).toEqual([{}])
    expect(ecr.requests('settings:notice')).toHaveLength(1)
  })

  it('shows nothing when main has nothing to say', async () => {
    renderApp('/', { 'settings:notice': () => null })
    await waitForReady()
    expect(
      screen.queryByRole('region', { name: 'Your settings file could not be used as it was' }),
    ).toBeNull()
  })
})
