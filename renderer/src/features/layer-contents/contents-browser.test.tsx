// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import type { ReactNode } from 'react'
import { MemoryRouter, Outlet, Route, Routes } from 'react-router'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MergedEntry } from '../../../../shared/models/layer-contents'
import { createQueryClient } from '../../api/query-client'
import { queryKeys } from '../../api/query-keys'
import { demoConnection, fakeEcr, giveTableAViewport } from '../../test/fake-ecr'
import { ContentsBrowser } from './contents-browser'

let restoreLayout: () => void
beforeEach(() => {
  restoreLayout = giveTableAViewport()
  window.ecr = fakeEcr({}).api
})
afterEach(() => {
  cleanup()
  restoreLayout()
  delete window.ecr
})

const entry = (path: string, extra: Partial<MergedEntry> = {}): MergedEntry => ({
  path,
  type: 'file',
  size: 10,
  mode: 0o644,
  uid: 0,
  gid: 0,
  uname: 'root',
  gname: 'root',
  mtime: 1_700_000_000,
  layer: 0,
  change: 'added',
  ...extra,
})

function wrap(children: ReactNode) {
  const client = createQueryClient()
  client.setQueryData(queryKeys.connection(), demoConnection)
  return (
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <Routes>
          <Route element={<Outlet context={demoConnection} />}>
            <Route index element={children} />
          </Route>
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>
  )
}

const layers = [
  {
    digest: `sha256:${'1'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    size: 1,
  },
]

describe('ContentsBrowser', () => {
  it('keeps the DOM small with 100,000 entries, and searches them', () => {
    const entries = [
      entry('big', { type: 'directory', size: 0 }),
      ...Array.from({ length: 100_000 }, (_, i) =>
        entry(`big/file-${String(i).padStart(6, '0')}.txt`),
      ),
    ]
    render(
      wrap(
        <ContentsBrowser
          repositoryName="demo/web-app"
          entries={entries}
          layers={layers}
          showLayer
          imageRef="latest"
          compareWith={null}
          prefix="lctest00"
        />,
      ),
    )
    const tree = screen.getByRole('treegrid', { name: 'Files' })
    const folder = within(tree).getByRole('row', { name: /^big/ })
    expect(folder.getAttribute('aria-expanded')).toBe('false')
    act(() => {
      fireEvent.keyDown(folder, { key: 'ArrowRight' })
    })
    expect(tree.getAttribute('aria-rowcount')).toBe(String(100_001 + 1))
    expect(within(tree).getAllByRole('row').length).toBeLessThan(80)
    expect(screen.getByRole('status').textContent).toContain('100,001 entries')

    act(() => {
      fireEvent.change(screen.getByRole('searchbox', { name: 'Search files' }), {
        target: { value: 'file-09999?.txt' },
      })
    })
    expect(screen.getByRole('status').textContent).toContain('10 matches')
  })

  it('shows the details of a deleted file with the layer that wrote it and the one that deleted it', () => {
    render(
      wrap(
        <ContentsBrowser
          repositoryName="demo/web-app"
          entries={[
            entry('tmp/cache.bin', { change: 'deleted', layer: 1, deletedBy: 2, size: 2048 }),
          ]}
          layers={[...layers, ...layers, ...layers]}
          showLayer
          imageRef="1.2.0"
          compareWith="1.1.0"
          prefix="lctest01"
        />,
      ),
    )
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search files' }), {
      target: { value: 'cache' },
    })
    fireEvent.click(
      within(screen.getByRole('treegrid', { name: 'Files' })).getByRole('row', {
        name: /cache\.bin/,
      }),
    )
    const details = screen.getByRole('complementary', { name: 'cache.bin' })
    expect(details.textContent).toContain('Last written byLayer 2')
    expect(details.textContent).toContain('Deleted byLayer 3')
    expect(
      within(details)
        .getByRole('button', { name: 'Extract cache.bin from layer 2' })
        .hasAttribute('disabled'),
    ).toBe(false)
    expect(
      within(details).getByRole('link', { name: 'Compare with 1.1.0' }).getAttribute('href'),
    ).toBe('/contents/demo/web-app/diff?from=1.1.0&to=1.2.0&path=tmp%2Fcache.bin')
  })
})
