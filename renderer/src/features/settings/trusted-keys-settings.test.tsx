// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { TrustedKeySetting } from '../../../../shared/models/settings'
import { defaultSettings, fail } from '../../test/fake-ecr'
import { renderApp, waitForReady } from '../../test/render-app'

afterEach(() => {
  cleanup()
  delete window.ecr
})

const PUBLIC_PEM = '-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----'
const PRIVATE_PEM = '-----BEGIN PRIVATE KEY-----\nMIGH...\n-----END PRIVATE KEY-----'

const existing: TrustedKeySetting = {
  id: 'key-release-0001',
  name: 'Release key',
  repositoryPrefix: 'team/',
  publicKeyPem: PUBLIC_PEM,
  addedAt: '2026-03-01T10:00:00.000Z',
}

// A fake main that keeps the list and, like main, refuses a private key.
async function openTrustedKeys(start: TrustedKeySetting[] = []) {
  let keys = [...start]
  const ecr = renderApp(
    '/',
    {
      'settings:add-trusted-key': (request) => {
        if (request.publicKeyPem.includes('PRIVATE KEY'))
          fail({
            code: 'InvalidParameter',
            field: 'publicKeyPem',
            message:
              'That is a private key. Paste the public key (cosign.pub), never the private one. Nothing was saved.',
          })
        keys = [
          ...keys,
          { ...request, id: `key-${keys.length}-00000`, addedAt: '2026-03-02T09:30:00.000Z' },
        ]
        return defaultSettings({ trustedKeys: keys })
      },
      'settings:remove-trusted-key': ({ id }) => {
        keys = keys.filter((k) => k.id !== id)
        return defaultSettings({ trustedKeys: keys })
      },
    },
    { trustedKeys: start },
  )
  await waitForReady()
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
  const dialog = await screen.findByRole('dialog', { name: 'Settings' })
  const section = within(dialog).getByRole('region', { name: 'Trusted keys' })
  return { ecr, section }
}

describe('trusted keys in settings', () => {
  it('adds a key with its name and prefix, lists it, and clears the form', async () => {
    const { ecr, section } = await openTrustedKeys()
    expect(within(section).getByText('No trusted keys yet.')).toBeTruthy()
    fireEvent.change(within(section).getByRole('textbox', { name: 'Name' }), {
      target: { value: ' Demo key ' },
    })
    fireEvent.change(within(section).getByRole('textbox', { name: 'Repository prefix' }), {
      target: { value: 'demo/' },
    })
    fireEvent.change(within(section).getByRole('textbox', { name: 'Public key (PEM)' }), {
      target: { value: PUBLIC_PEM },
    })
    // Enter in a field submits the form, as a click on "Add key" does.
    fireEvent.submit(within(section).getByRole('form', { name: 'Add a trusted key' }))
    const list = await within(section).findByRole('list', { name: 'Trusted keys' })
    expect(ecr.requests('settings:add-trusted-key')).toEqual([
      { name: 'Demo key', repositoryPrefix: 'demo/', publicKeyPem: PUBLIC_PEM },
    ])
    expect(within(list).getByText('Demo key')).toBeTruthy()
    expect(within(list).getByText(/Repositories starting with demo\//)).toBeTruthy()
    expect(within(section).getByRole<HTMLInputElement>('textbox', { name: 'Name' }).value).toBe('')
    expect(document.activeElement).toBe(within(section).getByRole('textbox', { name: 'Name' }))
  })

  it("shows main's refusal of a private key and keeps what was typed", async () => {
    const { section } = await openTrustedKeys()
    fireEvent.change(within(section).getByRole('textbox', { name: 'Name' }), {
      target: { value: 'Oops' },
    })
    const pem = within(section).getByRole<HTMLTextAreaElement>('textbox', {
      name: 'Public key (PEM)',
    })
    fireEvent.change(pem, { target: { value: PRIVATE_PEM } })
    fireEvent.click(within(section).getByRole('button', { name: 'Add key' }))
    const alert = await within(section).findByRole('alert')
    expect(alert.textContent).toContain(
      'That is a private key. Paste the public key (cosign.pub), never the private one.',
    )
    expect(pem.value).toBe(PRIVATE_PEM)
    expect(within(section).getByText('No trusted keys yet.')).toBeTruthy()
  })

  it('removes a key by its named button, and focus moves to the next one', async () => {
    const second = { ...existing, id: 'key-second-0002', name: 'Second key', repositoryPrefix: '' }
    const { ecr, section } = await openTrustedKeys([existing, second])
    const list = within(section).getByRole('list', { name: 'Trusted keys' })
    expect(within(list).getByText(/Every repository/)).toBeTruthy()
    fireEvent.click(within(list).getByRole('button', { name: 'Remove Release key' }))
    await waitFor(() => expect(within(section).queryByText('Release key')).toBeNull())
    expect(ecr.requests('settings:remove-trusted-key')).toEqual([{ id: 'key-release-0001' }])
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(section).getByRole('button', { name: 'Remove Second key' }),
      ),
    )
    fireEvent.click(within(section).getByRole('button', { name: 'Remove Second key' }))
    expect(await within(section).findByText('No trusted keys yet.')).toBeTruthy()
    await waitFor(() =>
      expect(document.activeElement).toBe(within(section).getByRole('textbox', { name: 'Name' })),
    )
  })
})
