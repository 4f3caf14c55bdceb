import { render } from '@testing-library/react'
import { waitFor } from '@testing-library/react'
import { expect } from 'vitest'
import type { Settings } from '../../../shared/models/settings'
import { App } from '../app'
import { forgetAll } from '../components/remembered'
import { forgetColumnChoice } from '../features/images/column-choice'
import { forgetImageViews } from '../features/images/view-state'
import {
  awsConnection,
  defaultSettings,
  fakeEcr,
  makeRepositories,
  pagedRepositories,
} from './fake-ecr'
import type { FakeHandlers } from './fake-ecr'

/** Renders the whole app at `hash` against a fake window.ecr with sensible defaults. */
export function renderApp(
  hash: string,
  handlers: FakeHandlers = {},
  settings: Partial<Settings> = {},
) {
  forgetAll()
  forgetImageViews()
  forgetColumnChoice()
  window.history.replaceState(null, '', `/#${hash}`)
  let current: Settings = defaultSettings(settings)
  const ecr = fakeEcr({
    'connection:get': () => awsConnection,
    'connection:list-profiles': () => ({
      profiles: [],
      configFile: '/home/me/.aws/config',
      credentialsFile: '/home/me/.aws/credentials',
      environmentCredentials: false,
      environmentRegion: null,
    }),
    'settings:get': () => current,
    'settings:update': (patch) => (current = { ...current, ...patch }),
    'connection:identity': () => ({
      account: '123456789012',
      region: 'eu-west-1',
      profile: null,
      kind: 'aws',
    }),
    'connection:caller-identity': () => ({ arn: null }),
    'ecr:list-repositories': pagedRepositories(makeRepositories(3)),
    'ecr:describe-repository': ({ repositoryName }) => ({
      ...makeRepositories(1)[0]!,
      repositoryName,
      repositoryUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${repositoryName}`,
    }),
    'ecr:list-pull-through-rules': () => [],
    'downloads:list-partials': () => [],
    'downloads:folder': () => ({ path: '/home/me/Downloads', overridden: false }),
    ...handlers,
  })
  window.ecr = ecr.api
  render(<App />)
  return ecr
}

/** The shell's data-app-state. */
export const appState = () =>
  document.querySelector('[data-app-state]')?.getAttribute('data-app-state')

/** Waits until the page on screen has settled its first data. */
export const waitForReady = () => waitFor(() => expect(appState()).toBe('ready'), { timeout: 8000 })
