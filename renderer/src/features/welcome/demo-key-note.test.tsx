// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { awsConnection, demoConnection } from '../../test/fake-ecr'
import { renderApp, waitForReady } from '../../test/render-app'

afterEach(() => {
  cleanup()
  delete window.ecr
})

const PEM =
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdemo\n-----END PUBLIC KEY-----\n'

describe('the demo signing key on the repositories page', () => {
  it("shows this run's public key with a copy button and how to try verification", async () => {
    let copied = ''
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: (text: string) => Promise.resolve(void (copied = text)) },
    })
    renderApp('/', {
      'connection:get': () => demoConnection,
      'supply-chain:demo-key': () => ({ publicKeyPem: PEM }),
    })
    await waitForReady()
    const summary = await screen.findByText('Demo signing key: try signature verification')
    fireEvent.click(summary)
    const note = summary.closest('details')!
    expect(note.textContent).toContain(
      'open demo/signed, image 1.0, and verify its cosign signature',
    )
    expect(note.querySelector('pre')?.textContent).toBe(PEM.trim())
    fireEvent.click(screen.getByRole('button', { name: 'Copy public key' }))
    await waitFor(() => expect(copied).toBe(PEM))
    expect(await screen.findByText('Copied')).toBeTruthy()
  })

  it('is not there away from the demo registry', async () => {
    const ecr = renderApp('/', {
      'connection:get': () => awsConnection,
      'supply-chain:demo-key': () => null,
    })
    await waitForReady()
    expect(screen.queryByText(/Demo signing key/)).toBeNull()
    expect(ecr.requests('supply-chain:demo-key')).toEqual([])
  })
})
