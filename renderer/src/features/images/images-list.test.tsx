// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fail, giveTableAViewport } from '../../test/fake-ecr'
import { digest, makeImages, pagedImages } from '../../test/fake-images'
import { App } from '../../app'
import { IMAGE_COLUMNS } from './image-table'
import { renderApp, waitForReady } from '../../test/render-app'

let restoreLayout: () => void
beforeEach(() => (restoreLayout = giveTableAViewport()))
afterEach(() => {
  cleanup()
  restoreLayout()
  delete window.ecr
})

/** Moves to another route as a link would (the hash router listens for popstate). */
const go = (hash: string) => {
  window.history.pushState(null, '', `/#${hash}`)
  window.dispatchEvent(new PopStateEvent('popstate'))
}

const rows = () => within(screen.getByRole('table', { name: 'Images' })).getAllByRole('row')

describe('images list', () => {
  it('fetches every page of DescribeImages, counts, and keeps the DOM small', async () => {
    const ecr = renderApp('/repositories/team/app', {
      'ecr:list-images': pagedImages(makeImages(2500)),
    })
    await waitFor(() => expect(screen.getByText('2,500 images')).toBeTruthy())
    await waitForReady()
    expect(ecr.requests('ecr:list-images')).toEqual([
      { repositoryName: 'team/app', tagStatus: 'ANY', maxResults: 1000 },
      { repositoryName: 'team/app', tagStatus: 'ANY', maxResults: 1000, nextToken: '1000' },
      { repositoryName: 'team/app', tagStatus: 'ANY', maxResults: 1000, nextToken: '2000' },
    ])
    expect(ecr.requests('ecr:describe-repository')).toEqual([{ repositoryName: 'team/app' }])

    const table = screen.getByRole('table', { name: 'Images' })
    expect(table.getAttribute('aria-rowcount')).toBe('2501')
    expect(rows().length).toBeGreaterThan(10)
    expect(rows().length).toBeLessThanOrEqual(60)
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Tags', 'Digest', 'Pushed', 'Size', 'Type', 'Last pull', 'Findings'])

    // Newest push first: image 2499 (tagged v2499).
    const first = rows()[1]!
    const cells = within(first).getAllByRole('cell')
    expect(within(first).getByRole('link', { name: 'v2499' })).toBeTruthy()
    expect(cells[1]?.textContent).toBe(digest(2499).slice(0, 19))
    expect(cells[1]?.getAttribute('title')).toBe(digest(2499))
    const pushed = cells[2]!.querySelector('time')!
    expect(pushed.textContent).toMatch(/ago$/)
    expect(pushed.getAttribute('title')).toContain('2025-04-15T03:00:00.000Z')
    expect(cells[3]?.getAttribute('title')).toMatch(/^[\d,]+ bytes$/)
    expect(cells[3]?.textContent).toMatch(/^\d+(\.\d+)? (B|KiB|MiB)$/)
    expect(cells[4]?.textContent).toBe('OCI manifest')
  })

  it('filters by tag and by digest prefix, with or without sha256:', async () => {
    renderApp('/repositories/team/app', { 'ecr:list-images': pagedImages(makeImages(300)) })
    await waitFor(() => expect(screen.getByText('300 images')).toBeTruthy())
    const filter = screen.getByRole('searchbox', { name: 'Filter images' })

    fireEvent.change(filter, { target: { value: 'v12' } })
    // v12, v120…v129 (v122, v125, v128 are untagged slots: 122 % 3 === 2 …)
    await waitFor(() => expect(screen.getByText('8 of 300 images')).toBeTruthy())

    fireEvent.change(filter, { target: { value: 'LATEST' } })
    await waitFor(() => expect(screen.getByText('1 of 300 images')).toBeTruthy())

    fireEvent.change(filter, { target: { value: digest(0x11).slice(0, 15) } })
    await waitFor(() => expect(screen.getByText('1 of 300 images')).toBeTruthy())
    expect(rows()[1]?.textContent).toContain('sha256:00000011')

    // Hex alone is a digest prefix too: 0x120…0x12b (image 300 would be 0x12c).
    fireEvent.change(filter, { target: { value: '0000012' } })
    await waitFor(() => expect(screen.getByText('12 of 300 images')).toBeTruthy())

    fireEvent.change(filter, { target: { value: 'nothing-here' } })
    expect(await screen.findByText('No images match "nothing-here"')).toBeTruthy()
  })

  it('sorts by size and tag, and remembers the choice for this repository', async () => {
    const images = makeImages(30)
    const ecr = renderApp('/repositories/team/app', { 'ecr:list-images': pagedImages(images) })
    await waitFor(() => expect(screen.getByText('30 images')).toBeTruthy())
    const sort = screen.getByRole('combobox', { name: 'Sort by' })

    fireEvent.change(sort, { target: { value: 'size' } })
    const largest = [...images].sort((a, b) => b.sizeInBytes! - a.sizeInBytes!)[0]!
    await waitFor(() => expect(rows()[1]?.textContent).toContain(largest.digest.slice(7, 19)))
    expect(screen.getByRole('columnheader', { name: 'Size' }).getAttribute('aria-sort')).toBe(
      'descending',
    )

    fireEvent.change(sort, { target: { value: 'tag' } })
    // Version order: latest, v0 (one image), v1, v3, v4, … untagged last.
    await waitFor(() => expect(within(rows()[1]!).getByRole('link').textContent).toBe('v0, latest'))
    expect(within(rows()[2]!).getByRole('link').textContent).toBe('v1')
    expect(within(rows()[3]!).getByRole('link').textContent).toBe('v3')
    // Sorting happens here: DescribeImages is not called again, and no global setting changes.
    expect(ecr.requests('ecr:list-images')).toHaveLength(1)
    expect(ecr.requests('settings:update')).toEqual([])
    // The toolbar says the view is this repository's, and offers to reset it.
    expect(screen.getByText('View kept for this repository')).toBeTruthy()

    // A restart of the window: the same repository opens sorted by tag.
    cleanup()
    render(<App />)
    await waitFor(() => expect(screen.getByText('30 images')).toBeTruthy())
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Sort by' }).value).toBe('tag')
    fireEvent.click(screen.getByRole('button', { name: 'Reset view' }))
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Sort by' }).value).toBe(
      'pushed',
    )
    expect(screen.queryByText('View kept for this repository')).toBeNull()
  })

  it('the tag-status switch changes the DescribeImages filter for this repository only', async () => {
    const ecr = renderApp('/repositories/team/app', {
      'ecr:list-images': pagedImages(makeImages(30)),
    })
    await waitFor(() => expect(screen.getByText('30 images')).toBeTruthy())
    const group = () => screen.getByRole('group', { name: 'Tag status' })

    fireEvent.click(within(group()).getByRole('radio', { name: 'Untagged' }))
    await waitFor(() => expect(screen.getByText('10 untagged images')).toBeTruthy())
    expect(ecr.requests('ecr:list-images').at(-1)).toEqual({
      repositoryName: 'team/app',
      tagStatus: 'UNTAGGED',
      maxResults: 1000,
    })
    expect(within(rows()[1]!).getByRole('link').textContent).toBe('untagged')

    // Another repository opens with all its images, not filtered by the first one's choice.
    go('/repositories/team/other')
    await waitFor(() => expect(screen.getByText('30 images')).toBeTruthy(), { timeout: 10_000 })
    expect(ecr.requests('ecr:list-images').at(-1)).toEqual({
      repositoryName: 'team/other',
      tagStatus: 'ANY',
      maxResults: 1000,
    })
    expect(within(group()).getByRole<HTMLInputElement>('radio', { name: 'All' }).checked).toBe(true)

    // And the first one comes back as it was left.
    go('/repositories/team/app')
    await waitFor(() => expect(screen.getByText('10 untagged images')).toBeTruthy(), {
      timeout: 10_000,
    })
    expect(within(group()).getByRole<HTMLInputElement>('radio', { name: 'Untagged' }).checked).toBe(
      true,
    )
    fireEvent.click(within(group()).getByRole('radio', { name: 'All' }))
    await waitFor(() => expect(screen.getByText('30 images')).toBeTruthy())
  })

  it('an empty filtered list offers Show all', async () => {
    renderApp('/repositories/team/app', {
      'ecr:list-images': pagedImages(makeImages(30).filter((image) => image.tags.length > 0)),
    })
    await waitFor(() => expect(screen.getByText('20 images')).toBeTruthy())
    fireEvent.click(
      within(screen.getByRole('group', { name: 'Tag status' })).getByRole('radio', {
        name: 'Untagged',
      }),
    )
    expect(await screen.findByText('No untagged images in this repository')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Show all images' }))
    await waitFor(() => expect(screen.getByText('20 images')).toBeTruthy())

    fireEvent.change(screen.getByRole('searchbox', { name: 'Filter images' }), {
      target: { value: 'nothing-here' },
    })
    expect(await screen.findByText('No images match "nothing-here"')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Show all images' }))
    await waitFor(() => expect(screen.getByText('20 images')).toBeTruthy())
    expect(screen.getByRole<HTMLInputElement>('searchbox', { name: 'Filter images' }).value).toBe(
      '',
    )
  })

  it('says when a repository has no images', async () => {
    renderApp('/repositories/team/app', {
      'ecr:list-images': () => ({ items: [], nextToken: null }),
    })
    expect(await screen.findByText('No images in this repository')).toBeTruthy()
    expect(screen.getByText('0 images')).toBeTruthy()
    await waitForReady()
  })

  it('shows a DescribeImages failure through the catalog, and Retry asks again', async () => {
    let denied = true
    const ecr = renderApp('/repositories/team/app', {
      'ecr:list-images': (request) =>
        denied
          ? fail({
              code: 'AccessDenied',
              message: 'not authorized to perform: ecr:DescribeImages',
              action: 'ecr:DescribeImages',
            })
          : pagedImages(makeImages(2))(request),
    })
    const alert = await screen.findByRole('alert')
    await waitForReady()
    expect(
      within(alert).getByText('Your identity is not allowed to call ecr:DescribeImages.'),
    ).toBeTruthy()
    denied = false
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(screen.getByText('2 images')).toBeTruthy())
    expect(ecr.requests('ecr:list-images')).toHaveLength(2)
  })

  it('shows only the repository error when the repository does not exist', async () => {
    renderApp('/repositories/nope/missing', {
      'ecr:describe-repository': () =>
        fail({
          code: 'RepositoryNotFound',
          message: "The repository 'nope/missing' does not exist",
        }),
      'ecr:list-images': () =>
        fail({
          code: 'RepositoryNotFound',
          message: "The repository 'nope/missing' does not exist",
        }),
    })
    await waitForReady()
    expect(screen.getAllByRole('alert')).toHaveLength(1)
    expect(screen.getByRole('heading', { name: 'Repository not found' })).toBeTruthy()
    expect(screen.queryByRole('searchbox', { name: 'Filter images' })).toBeNull()
    // Not only Retry: the way back to the list.
    const alert = screen.getByRole('alert')
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy()
    expect(within(alert).getByRole('link', { name: 'All repositories' }).getAttribute('href')).toBe(
      '#/',
    )
  })

  it('marks a pull-through repository with its upstream registry, here and in the list', async () => {
    const rules = () => [
      {
        prefix: 'ecr-public',
        upstreamRegistryUrl: 'public.ecr.aws',
        upstreamRegistry: 'ecr-public',
        createdAt: null,
      },
    ]
    renderApp('/repositories/ecr-public/docker/library/alpine', {
      'ecr:list-pull-through-rules': rules,
      'ecr:list-images': pagedImages(makeImages(1)),
    })
    expect(await screen.findByText(/Pull-through cache of/)).toBeTruthy()
    expect(screen.getByText('public.ecr.aws')).toBeTruthy()
    cleanup()

    renderApp('/', {
      'ecr:list-pull-through-rules': rules,
      'ecr:list-repositories': () => ({
        items: ['demo/api', 'ecr-public/docker/library/alpine'].map((repositoryName) => ({
          repositoryName,
          repositoryArn: `arn:aws:ecr:eu-west-1:123456789012:repository/${repositoryName}`,
          repositoryUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${repositoryName}`,
          registryId: '123456789012',
          createdAt: null,
          imageTagMutability: 'MUTABLE',
          scanOnPush: false,
          encryptionType: 'AES256',
        })),
        nextToken: null,
      }),
    })
    const alpine = await screen.findByRole('row', { name: /alpine/ })
    const badge = await within(alpine).findByText('pull-through: public.ecr.aws')
    expect(badge.getAttribute('title')).toBe(
      'Pull-through cache of public.ecr.aws (rule prefix "ecr-public")',
    )
    expect(
      within(screen.getByRole('row', { name: /demo\/api/ })).queryByText(/pull-through/),
    ).toBeNull()
  })

  it('asks a pull-through cache for a tag it does not list, and opens it once fetched', async () => {
    let upstreamDown = true
    const fetched = makeImages(2)[1]!
    const ecr = renderApp('/repositories/ecr-public/docker/library/alpine', {
      'ecr:list-pull-through-rules': () => [
        {
          prefix: 'ecr-public',
          upstreamRegistryUrl: 'public.ecr.aws',
          upstreamRegistry: 'ecr-public',
          createdAt: null,
        },
      ],
      'ecr:list-images': pagedImages(makeImages(1)),
      'ecr:describe-image': () => fetched,
      'ecr:get-manifest': ({ imageDigest }) =>
        upstreamDown
          ? fail({
              code: 'UpstreamUnavailable',
              message: 'The upstream registry is unavailable',
              resource: 'public.ecr.aws',
            })
          : {
              kind: 'index',
              digest: imageDigest ?? fetched.digest,
              mediaType: 'application/vnd.oci.image.index.v1+json',
              raw: '{}',
              platforms: [],
            },
    })
    await waitFor(() => expect(screen.getByText('1 image')).toBeTruthy())
    const filter = screen.getByRole('searchbox', { name: 'Filter images' })
    // A listed tag needs no asking.
    fireEvent.change(filter, { target: { value: 'v0' } })
    await waitFor(() => expect(screen.getByText('1 of 1 image')).toBeTruthy())
    expect(screen.queryByRole('button', { name: /^Open tag/ })).toBeNull()

    fireEvent.change(filter, { target: { value: '3.21' } })
    const open = await screen.findByRole('button', { name: 'Open tag 3.21' })
    expect(screen.getByText(/fetch it from public\.ecr\.aws/)).toBeTruthy()
    fireEvent.click(open)
    const alert = await screen.findByRole('alert')
    expect(
      within(alert).getByRole('heading', { name: 'The upstream registry is unavailable' }),
    ).toBeTruthy()
    expect(alert.textContent).toContain('the upstream registry public.ecr.aws did not answer')
    expect(ecr.requests('ecr:get-manifest')).toEqual([
      { repositoryName: 'ecr-public/docker/library/alpine', imageTag: '3.21' },
    ])

    upstreamDown = false
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }))
    await waitFor(() =>
      expect(window.location.hash).toBe(
        `#/repositories/ecr-public/docker/library/alpine/images/${fetched.digest}`,
      ),
    )
    // The manifest fetched by tag is reused, not asked for again by digest.
    await waitForReady()
    expect(ecr.requests('ecr:get-manifest')).toHaveLength(2)
  })

  it('opens an image with Enter, goes back with Alt+Left, and keeps the filter', async () => {
    const images = makeImages(5)
    renderApp('/repositories/team/app', {
      'ecr:list-images': pagedImages(images),
      'ecr:describe-image': ({ imageDigest }) => images.find((i) => i.digest === imageDigest)!,
      'ecr:get-manifest': () =>
        fail({ code: 'ImageNotFound', message: 'gone', awsName: 'ImageNotFoundException' }),
    })
    await waitFor(() => expect(screen.getByText('5 images')).toBeTruthy())

    fireEvent.keyDown(window, { key: 'f', ctrlKey: true })
    const filter = screen.getByRole('searchbox', { name: 'Filter images' })
    expect(document.activeElement).toBe(filter)
    fireEvent.change(filter, { target: { value: 'v' } })
    await waitFor(() => expect(screen.getByText('4 of 5 images')).toBeTruthy())

    const row = screen.getByRole('row', { name: /v4/ })
    row.focus()
    fireEvent.keyDown(row, { key: 'ArrowDown' })
    const next = screen.getByRole('row', { name: /v3/ })
    await waitFor(() => expect(document.activeElement).toBe(next))
    fireEvent.keyDown(next, { key: 'Enter' })
    expect(await screen.findByRole('heading', { level: 1, name: 'team/app:v3' })).toBeTruthy()
    expect(window.location.hash).toBe(`#/repositories/team/app/images/${images[3]!.digest}`)
    expect(await screen.findByRole('heading', { name: 'Image not found' })).toBeTruthy()

    fireEvent.keyDown(window, { key: 'ArrowLeft', altKey: true })
    await waitFor(() => expect(window.location.hash).toBe('#/repositories/team/app'))
    // Back where the user was: the same filter, and the same row focused.
    expect(
      await screen.findByRole<HTMLInputElement>('searchbox', { name: 'Filter images' }),
    ).toHaveProperty('value', 'v')
    await waitFor(() => expect(screen.getByText('4 of 5 images')).toBeTruthy())
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('row', { name: /v3/ })),
    )
  })

  it('fits the columns to the width of the list from its first rows, before any resize is reported', async () => {
    // A ResizeObserver that never reports: the width has to be measured when the box is attached.
    const box = Object.getOwnPropertyDescriptor(Element.prototype, 'getBoundingClientRect')!
    Element.prototype.getBoundingClientRect = function (this: Element) {
      const width = this.classList.contains('images-table-box') ? 650 : 0
      return { x: 0, y: 0, top: 0, left: 0, right: width, bottom: 0, width, height: 0 } as DOMRect
    }
    globalThis.ResizeObserver = class {
      observe() {}
      unobserve() {}
      disconnect() {}
    }
    try {
      renderApp('/repositories/team/app', { 'ecr:list-images': pagedImages(makeImages(5)) })
      const table = await screen.findByRole('table', { name: 'Images' })
      // 650 px hold Tags, Digest, Pushed and Size (588 px with the row's padding); the rest would
      // overflow, so they are left to the Columns menu.
      expect(
        within(table)
          .getAllByRole('columnheader')
          .map((cell) => cell.textContent),
      ).toEqual(['Tags', 'Digest', 'Pushed', 'Size'])
      expect(screen.getByRole('button', { name: /^Columns/ }).textContent).toContain('3')
    } finally {
      Object.defineProperty(Element.prototype, 'getBoundingClientRect', box)
      Reflect.deleteProperty(globalThis, 'ResizeObserver')
    }
  })

  it('the Columns menu hides a column everywhere and remembers it across a restart', async () => {
    renderApp('/repositories/team/app', { 'ecr:list-images': pagedImages(makeImages(5)) })
    await waitFor(() => expect(screen.getByText('5 images')).toBeTruthy())
    const headers = () =>
      within(screen.getByRole('table', { name: 'Images' }))
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent)
    const withoutLastPull = IMAGE_COLUMNS.map((c) => c.label).filter((l) => l !== 'Last pull')
    expect(headers()).toContain('Last pull')

    fireEvent.click(screen.getByRole('button', { name: /^Columns/ }))
    const shown = screen.getByRole('group', { name: 'Columns shown' })
    // Tags names the row: it is always shown.
    expect(within(shown).getByRole('checkbox', { name: 'Tags' })).toHaveProperty('disabled', true)
    fireEvent.click(within(shown).getByRole('checkbox', { name: 'Last pull' }))
    expect(headers()).toEqual(withoutLastPull)
    // The button says a column is off screen, so none is lost silently.
    expect(screen.getByRole('button', { name: /^Columns \(1 hidden\)/ })).toBeTruthy()
    fireEvent.keyDown(shown, { key: 'Escape' })
    expect(screen.queryByRole('group', { name: 'Columns shown' })).toBeNull()

    // Global, not per repository: another repository opens without it too, and so does a restart.
    go('/repositories/team/other')
    await waitFor(() =>
      expect(screen.getByRole('heading', { level: 1, name: 'team/other' })).toBeTruthy(),
    )
    await waitFor(() => expect(headers()).not.toContain('Last pull'))
    cleanup()
    render(<App />)
    await waitFor(() => expect(headers()).toEqual(withoutLastPull))

    fireEvent.click(screen.getByRole('button', { name: /^Columns/ }))
    fireEvent.click(screen.getByRole('checkbox', { name: 'Last pull' }))
    expect(headers()).toContain('Last pull')
    expect(screen.getByRole('button', { name: /^Columns/ }).textContent).not.toContain('hidden')
  })
})
