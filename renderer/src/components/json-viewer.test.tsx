// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { JsonViewer } from './json-viewer'
import { jqPath } from './json-path'

const MANIFEST = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    size: 1469,
    digest: 'sha256:c0',
  },
  layers: [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 100, digest: 'sha256:aa' },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 200, digest: 'sha256:bb' },
  ],
  annotations: { 'org.opencontainers.image.created': '2025-04-15T03:00:00Z' },
}
// Compact, as a registry sends it: Copy must give these bytes, not the indented text.
const RAW = JSON.stringify(MANIFEST)

let clipboard: string[]
beforeEach(() => {
  clipboard = []
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: vi.fn((text: string) => (clipboard.push(text), Promise.resolve())) },
  })
})
afterEach(() => {
  cleanup()
  Reflect.deleteProperty(navigator, 'clipboard')
})

const viewer = () => screen.getByRole('figure', { name: 'Manifest JSON' })
const copied = async () => {
  await waitFor(() => expect(clipboard.length).toBeGreaterThan(0))
  return clipboard.pop()
}

describe('JsonViewer', () => {
  it('copies a selected node’s jq path and its value', async () => {
    render(<JsonViewer title="Manifest JSON" raw={RAW} />)
    const tree = within(viewer()).getByRole('region', { name: 'Manifest JSON tree' })
    // Top-level keys are open; layers' entries start closed.
    expect(within(tree).queryByRole('button', { name: /^\.layers\[0\]\.digest/ })).toBeNull()
    const first = within(tree).getByRole('button', { name: '.layers[0]' })
    expect(first.getAttribute('aria-expanded')).toBe('false')
    fireEvent.click(first)
    expect(first.getAttribute('aria-expanded')).toBe('true')

    fireEvent.click(within(tree).getByRole('button', { name: /^\.layers\[0\]\.digest/ }))
    expect(within(viewer()).getByText('.layers[0].digest', { selector: 'code' })).toBeTruthy()
    fireEvent.click(within(viewer()).getByRole('button', { name: 'Copy path .layers[0].digest' }))
    expect(await copied()).toBe('.layers[0].digest')
    // A string's value is the string itself, without quotes.
    fireEvent.click(
      within(viewer()).getByRole('button', { name: 'Copy value of .layers[0].digest' }),
    )
    expect(await copied()).toBe('sha256:aa')

    // An object's value is its JSON; a key that is not an identifier is quoted in the path.
    fireEvent.click(within(tree).getByRole('button', { name: '.config' }))
    fireEvent.click(within(viewer()).getByRole('button', { name: 'Copy value of .config' }))
    expect(JSON.parse((await copied())!)).toEqual(MANIFEST.config)
    const created = '.annotations.["org.opencontainers.image.created"]'
    fireEvent.click(within(tree).getByRole('button', { name: `${created} (select for copy)` }))
    fireEvent.click(within(viewer()).getByRole('button', { name: `Copy path ${created}` }))
    expect(await copied()).toBe(created)
  })

  it('shows the raw text in its own view, and Copy takes the exact bytes', async () => {
    render(<JsonViewer title="Manifest JSON" raw={RAW} />)
    fireEvent.click(within(viewer()).getByRole('button', { name: 'Raw' }))
    expect(within(viewer()).getByRole('button', { name: 'Raw' }).getAttribute('aria-pressed')).toBe(
      'true',
    )
    const pre = within(viewer()).getByRole('region', { name: 'Manifest JSON' })
    expect(pre.textContent).toBe(JSON.stringify(MANIFEST, null, 2))
    expect(within(viewer()).queryByRole('region', { name: 'Manifest JSON tree' })).toBeNull()
    fireEvent.click(within(viewer()).getByRole('button', { name: 'Copy Manifest JSON' }))
    expect(await copied()).toBe(RAW)
  })

  it('shows text that is not JSON as it is, without a tree', () => {
    render(<JsonViewer title="Manifest JSON" raw="not { json" />)
    expect(within(viewer()).queryByRole('button', { name: 'Tree' })).toBeNull()
    expect(within(viewer()).getByRole('region', { name: 'Manifest JSON' }).textContent).toBe(
      'not { json',
    )
  })
})

describe('jqPath', () => {
  it('writes jq paths', () => {
    expect(jqPath([])).toBe('.')
    expect(jqPath(['layers', 0, 'digest'])).toBe('.layers[0].digest')
    expect(jqPath([0])).toBe('.[0]')
    expect(jqPath(['a b', 'c'])).toBe('.["a b"].c')
  })
})
