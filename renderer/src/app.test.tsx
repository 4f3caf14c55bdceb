// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionState } from '../../shared/models/connection'
import type { Settings } from '../../shared/models/settings'
import { App } from './app'
import { setImageView, forgetImageViews } from './features/images/view-state'
import { makeImages, pagedImages } from './test/fake-images'
import {
  awsConnection,
  demoConnection,
  fail,
  fakeEcr,
  giveTableAViewport,
  makeRepositories,
  pagedRepositories,
  defaultSettings,
} from './test/fake-ecr'
import type { FakeHandlers } from './test/fake-ecr'

let restoreLayout: () => void

beforeEach(() => {
  window.history.replaceState(null, '', '/')
  forgetImageViews()
  restoreLayout = giveTableAViewport()
})

afterEach(() => {
  cleanup()
  restoreLayout()
  delete window.ecr
})

function setup(handlers: FakeHandlers = {}) {
  let settings: Settings = defaultSettings()
  const ecr = fakeEcr({
    'connection:get': () => awsConnection,
    'connection:list-profiles': () => ({
      profiles: [
        {
          name: 'dev',
          region: 'ap-south-1',
          source: 'config',
          sso: true,
          credentialProcess: false,
          assumeRole: false,
          endpointUrl: null,
        },
      ],
      configFile: '/home/me/.aws/config',
      credentialsFile: '/home/me/.aws/credentials',
      environmentCredentials: false,
      environmentRegion: null,
    }),
    'settings:get': () => settings,
    'settings:update': (patch) => (settings = { ...settings, ...patch }),
    'connection:identity': () => ({
      account: '123456789012',
      region: 'eu-west-1',
      profile: null,
      kind: 'aws',
    }),
    'connection:caller-identity': () => ({ arn: 'arn:aws:iam::123456789012:user/alice' }),
    'ecr:list-repositories': pagedRepositories(makeRepositories(3)),
    ...handlers,
  })
  window.ecr = ecr.api
  render(<App />)
  return ecr
}

const appState = () => document.querySelector('[data-app-state]')?.getAttribute('data-app-state')
const waitForReady = () => waitFor(() => expect(appState()).toBe('ready'))

describe('welcome screen', () => {
  it('shows without credentials, and "Open demo registry" switches to the demo registry', async () => {
    const welcome: ConnectionState = {
      ...awsConnection,
      credentialsFound: false,
      showWelcome: true,
    }
    const ecr = setup({
      'connection:get': () => welcome,
      'connection:set': (choice) => (choice.kind === 'demo' ? demoConnection : welcome),
    })

    expect(
      await screen.findByRole('heading', { name: 'Welcome to ECR Layer Browser' }),
    ).toBeTruthy()
    await waitForReady()
    expect(screen.getByText(/No AWS credentials were found/)).toBeTruthy()
    expect(screen.getByText('aws configure')).toBeTruthy()
    expect(screen.getByText('aws configure sso')).toBeTruthy()
    expect(screen.getByText('aws sso login --profile NAME')).toBeTruthy()
    // No identity calls while there are no credentials.
    expect(ecr.requests('connection:identity')).toHaveLength(0)

    fireEvent.click(screen.getByRole('button', { name: 'Open demo registry' }))
    await waitFor(() => expect(ecr.requests('connection:set')).toEqual([{ kind: 'demo' }]))
    expect(await screen.findByRole('link', { name: 'repo-00000' })).toBeTruthy()
    expect(screen.queryByRole('heading', { name: 'Welcome to ECR Layer Browser' })).toBeNull()
    expect(screen.getByText('Endpoint: http://127.0.0.1:4510')).toBeTruthy()
  })

  it('"Check again" asks for the default chain in the current region', async () => {
    const welcome: ConnectionState = {
      ...awsConnection,
      credentialsFound: false,
      showWelcome: true,
    }
    const ecr = setup({ 'connection:get': () => welcome, 'connection:set': () => welcome })
    fireEvent.click(await screen.findByRole('button', { name: 'Check again' }))
    await waitFor(() =>
      expect(ecr.requests('connection:set')).toEqual([
        { kind: 'aws', profile: null, region: 'eu-west-1' },
      ]),
    )
  })
})

describe('repositories list', () => {
  it('fetches every page, counts, filters and sorts', async () => {
    const ecr = setup({ 'ecr:list-repositories': pagedRepositories(makeRepositories(2500)) })
    expect(appState()).toBe('loading')

    const status = await screen.findByRole('status')
    await waitFor(() => expect(status.textContent).toBe('2,500 repositories'))
    await waitForReady()
    expect(ecr.requests('ecr:list-repositories')).toEqual([
      { maxResults: 1000 },
      { maxResults: 1000, nextToken: '1000' },
      { maxResults: 1000, nextToken: '2000' },
    ])

    const table = screen.getByRole('table', { name: 'Repositories' })
    expect(table.getAttribute('aria-rowcount')).toBe('2501')
    const rows = within(table).getAllByRole('row')
    // Virtualized: a 600 px viewport plus overscan, nowhere near 2,500 rows.
    expect(rows.length).toBeGreaterThan(10)
    expect(rows.length).toBeLessThanOrEqual(60)
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Name', 'URI', 'Created', 'Tag mutability', 'Scan on push'])
    expect(rows[1]?.getAttribute('aria-rowindex')).toBe('2')
    expect(within(rows[1]!).getByRole('link', { name: 'repo-00000' })).toBeTruthy()
    expect(within(rows[1]!).getAllByRole('cell')).toHaveLength(5)

    const filter = screen.getByRole('searchbox', { name: 'Filter repositories' })
    fireEvent.change(filter, { target: { value: 'REPO-0001' } })
    await waitFor(() => expect(status.textContent).toBe('10 of 2,500 repositories'))

    fireEvent.change(filter, { target: { value: 'nothing-like-this' } })
    expect(await screen.findByText('No repositories match "nothing-like-this"')).toBeTruthy()
    fireEvent.change(filter, { target: { value: '' } })
    await waitFor(() => expect(status.textContent).toBe('2,500 repositories'))

    const sort = screen.getByRole('combobox', { name: 'Sort by' })
    fireEvent.change(sort, { target: { value: 'created' } })
    await waitFor(() =>
      expect(ecr.requests('settings:update')).toEqual([{ repositorySort: 'created' }]),
    )
    // Newest first: the last-created repository now leads.
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Repositories' })).getAllByRole('row')[1]
          ?.textContent,
      ).toContain('repo-02499'),
    )
  })

  it('shows the first page while the rest load, with a progress hint', async () => {
    const all = makeRepositories(1500)
    const page = pagedRepositories(all)
    let releaseSecondPage: () => void = () => {}
    setup({
      'ecr:list-repositories': (request) =>
        request.nextToken
          ? new Promise((resolve) => (releaseSecondPage = () => resolve(page(request))))
          : page(request),
    })
    expect(await screen.findByText('Loading… 1,000 so far')).toBeTruthy()
    expect(screen.getByRole('link', { name: 'repo-00000' })).toBeTruthy()
    expect(screen.getByRole('status').textContent).toBe('1,000 repositories')
    // The first page has settled: the app is usable while the rest stream in.
    await waitForReady()
    act(() => releaseSecondPage())
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('1,500 repositories'))
    expect(screen.queryByText(/so far/)).toBeNull()
  })

  it('reads the remembered sort from settings', async () => {
    setup({
      'settings:get': () => defaultSettings({ repositorySort: 'created' }),
      'ecr:list-repositories': pagedRepositories(makeRepositories(5)),
    })
    await waitForReady()
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Sort by' }).value).toBe(
      'created',
    )
    const rows = within(screen.getByRole('table', { name: 'Repositories' })).getAllByRole('row')
    expect(rows[1]?.textContent).toContain('repo-00004')
  })

  it('says when the registry is empty', async () => {
    setup({ 'ecr:list-repositories': () => ({ items: [], nextToken: null }) })
    expect(await screen.findByText('No repositories in this registry')).toBeTruthy()
    expect(screen.getByRole('status').textContent).toBe('0 repositories')
    await waitForReady()
  })

  it('moves between rows with the arrow keys and opens one with Enter', async () => {
    const ecr = setup({
      'ecr:describe-repository': ({ repositoryName }) => {
        const repository = makeRepositories(3).find((r) => r.repositoryName === repositoryName)
        return repository ?? fail({ code: 'RepositoryNotFound', message: 'gone' })
      },
    })
    const first = await screen.findByRole('row', { name: /repo-00000/ })
    first.focus()
    fireEvent.keyDown(first, { key: 'ArrowDown' })
    const second = screen.getByRole('row', { name: /repo-00001/ })
    await waitFor(() => expect(document.activeElement).toBe(second))
    expect(second.tabIndex).toBe(0)
    expect(first.tabIndex).toBe(-1)

    fireEvent.keyDown(second, { key: 'Enter' })
    expect(await screen.findByRole('heading', { name: 'repo-00001' })).toBeTruthy()
    expect(ecr.requests('ecr:describe-repository')).toEqual([{ repositoryName: 'repo-00001' }])
  })

  it("asks for a repository's first images and its details as it opens, once each", async () => {
    // Last viewed untagged: the first call asks for what the page will show.
    setImageView('repo-00002', { filter: '', sort: 'pushed', tagStatus: 'UNTAGGED' })
    // Whether the repositories list was still on screen when each call went out.
    const listShown = () => screen.queryByRole('table', { name: 'Repositories' }) !== null
    const askedWhileListShown: Record<string, boolean> = {}
    const listImages = pagedImages(makeImages(30))
    const ecr = setup({
      'ecr:describe-repository': ({ repositoryName }) => {
        askedWhileListShown.details ??= listShown()
        return makeRepositories(3).find((r) => r.repositoryName === repositoryName)!
      },
      'ecr:list-images': (request) => {
        askedWhileListShown.images ??= listShown()
        return listImages(request)
      },
    })
    fireEvent.click(await screen.findByRole('link', { name: 'repo-00002' }))
    expect(await screen.findByRole('heading', { name: 'repo-00002' })).toBeTruthy()
    await waitForReady()
    // Asked in the click itself, before the repository page replaced the list, and taken over by
    // the page: nothing was asked twice.
    expect(askedWhileListShown).toEqual({ images: true, details: true })
    expect(ecr.requests('ecr:list-images')).toEqual([
      { repositoryName: 'repo-00002', tagStatus: 'UNTAGGED', maxResults: 1000 },
    ])
    expect(ecr.requests('ecr:describe-repository')).toEqual([{ repositoryName: 'repo-00002' }])
  })

  it('focuses the filter on Ctrl+F', async () => {
    setup()
    await waitForReady()
    fireEvent.keyDown(window, { key: 'f', ctrlKey: true })
    expect(document.activeElement).toBe(
      screen.getByRole('searchbox', { name: 'Filter repositories' }),
    )
  })

  it('shows the catalog error for AccessDenied, and Retry tries again', async () => {
    let denied = true
    const ecr = setup({
      'ecr:list-repositories': (request) =>
        denied
          ? fail({
              code: 'AccessDenied',
              message: 'User is not authorized to perform: ecr:DescribeRepositories',
              action: 'ecr:DescribeRepositories',
              awsName: 'AccessDeniedException',
            })
          : pagedRepositories(makeRepositories(2))(request),
    })
    const alert = await screen.findByRole('alert')
    await waitForReady()
    expect(within(alert).getByRole('heading', { name: 'Access denied' })).toBeTruthy()
    expect(
      within(alert).getByText('Your identity is not allowed to call ecr:DescribeRepositories.'),
    ).toBeTruthy()
    expect(alert.querySelector('.next-step code')?.textContent).toBe('ecr:DescribeRepositories')
    expect(within(alert).getByText('AccessDeniedException')).toBeTruthy()
    // Main already retried: the renderer asks once.
    expect(ecr.requests('ecr:list-repositories')).toHaveLength(1)

    denied = false
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await screen.findByRole('link', { name: 'repo-00001' })).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })
})

describe('connection bar', () => {
  it('shows who the user is and switches profile', async () => {
    let resolveArn: (arn: string | null) => void = () => {}
    const ecr = setup({
      'connection:caller-identity': () =>
        new Promise((resolve) => (resolveArn = (arn) => resolve({ arn }))),
      'connection:set': (choice) =>
        choice.kind === 'aws'
          ? { ...awsConnection, profile: choice.profile, region: choice.region }
          : demoConnection,
    })
    await waitForReady()
    expect(await screen.findByText('Account: 123456789012')).toBeTruthy()
    expect(screen.getByText('Region: eu-west-1')).toBeTruthy()
    expect(screen.getByText('Profile: default chain')).toBeTruthy()
    // The caller ARN never holds up the rest of the page.
    expect(screen.getByText('…')).toBeTruthy()
    act(() => resolveArn('arn:aws:iam::123456789012:user/alice'))
    expect(await screen.findByText('arn:aws:iam::123456789012:user/alice')).toBeTruthy()

    const profile = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Profile' })
    expect(Array.from(profile.options).map((option) => option.text)).toEqual([
      'Default credential chain',
      'dev (SSO)',
      'Demo registry',
    ])
    const region = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Region' })
    expect(region.value).toBe('eu-west-1')

    fireEvent.change(profile, { target: { value: 'profile:dev' } })
    await waitFor(() =>
      expect(ecr.requests('connection:set')).toEqual([
        { kind: 'aws', profile: 'dev', region: 'ap-south-1' },
      ]),
    )
    // A new connection is a new registry: the list is fetched again.
    await waitFor(() => expect(ecr.requests('ecr:list-repositories')).toHaveLength(2))

    fireEvent.change(region, { target: { value: 'us-west-2' } })
    await waitFor(() =>
      expect(ecr.requests('connection:set')[1]).toEqual({
        kind: 'aws',
        profile: 'dev',
        region: 'us-west-2',
      }),
    )

    fireEvent.change(profile, { target: { value: 'demo' } })
    await waitFor(() => expect(region.disabled).toBe(true))
  })

  it('refetches when main reports a connection change, and unsubscribes on unmount', async () => {
    const ecr = setup()
    await waitForReady()
    expect(ecr.listenerCount('connection:changed')).toBe(1)
    act(() => ecr.emit('connection:changed', demoConnection))
    expect(await screen.findByText('Endpoint: http://127.0.0.1:4510')).toBeTruthy()
    await waitFor(() => expect(ecr.requests('ecr:list-repositories')).toHaveLength(2))
    cleanup()
    expect(ecr.listenerCount('connection:changed')).toBe(0)
  })

  it('Refresh fetches again without polling in between', async () => {
    const ecr = setup()
    await waitForReady()
    expect(ecr.requests('ecr:list-repositories')).toHaveLength(1)
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }))
    await waitFor(() => expect(ecr.requests('ecr:list-repositories')).toHaveLength(2))
    await waitFor(() => expect(ecr.requests('connection:get')).toHaveLength(2))
  })
})

describe('repository page', () => {
  it('shows the details of a repository', async () => {
    window.history.replaceState(null, '', '/#/repositories/team/app')
    const ecr = setup({
      'ecr:describe-repository': ({ repositoryName }) => ({
        ...makeRepositories(1)[0]!,
        repositoryName,
        repositoryUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${repositoryName}`,
        imageTagMutability: 'IMMUTABLE',
        scanOnPush: true,
        encryptionType: 'KMS',
      }),
    })
    expect(
      await screen.findByText('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app'),
    ).toBeTruthy()
    await waitForReady()
    expect(ecr.requests('ecr:describe-repository')).toEqual([{ repositoryName: 'team/app' }])
    expect(screen.getByRole('heading', { name: 'team/app' })).toBeTruthy()
    expect(screen.getByText('Immutable')).toBeTruthy()
    expect(screen.getByText('AWS KMS')).toBeTruthy()
    expect(screen.getByText('On')).toBeTruthy()
    // The list is not fetched for this page.
    expect(ecr.requests('ecr:list-repositories')).toHaveLength(0)
  })

  it('shows RepositoryNotFound for an unknown repository', async () => {
    window.history.replaceState(null, '', '/#/repositories/nope/missing')
    setup({
      'ecr:describe-repository': () =>
        fail({
          code: 'RepositoryNotFound',
          message: "The repository with name 'nope/missing' does not exist in the registry.",
          region: 'eu-west-1',
          awsName: 'RepositoryNotFoundException',
        }),
    })
    const alert = await screen.findByRole('alert')
    await waitForReady()
    expect(within(alert).getByRole('heading', { name: 'Repository not found' })).toBeTruthy()
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy()
  })
})

describe('without window.ecr', () => {
  it('explains that the bridge is missing instead of crashing', async () => {
    window.history.replaceState(null, '', '/')
    render(<App />)
    const alert = await screen.findByRole('alert')
    expect(within(alert).getByRole('heading', { name: 'Something went wrong' })).toBeTruthy()
    expect(within(alert).getAllByText(/window\.ecr\) is missing/).length).toBeGreaterThan(0)
    expect(appState()).toBe('ready')
  })
})
