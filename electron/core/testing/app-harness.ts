import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Settings } from '../../../shared/models/settings'
import { createApp, type App } from '../create-app'
import { start as startRegistry, type DemoRegistry } from '../../demo-registry/testing'
import type { Platform } from '../platform/platform'
import { Logger } from '../services/logger'

/** A real app wired to a demo registry the test owns, through the standard AWS environment. */
export interface Harness {
  app: App
  /** The fake desktop the app runs on: what it was asked, and what its file dialog answers. */
  platform: FakePlatform
  registry: DemoRegistry
  dataDir: string
  env: NodeJS.ProcessEnv
  events: { channel: string; payload: unknown }[]
  close(): Promise<void>
}

/**
 * Starts a registry and an app whose environment points at it the way a user would: keys in
 * AWS_ACCESS_KEY_ID/SECRET and AWS_ENDPOINT_URL_ECR. The shared config files are moved to an
 * empty folder so a developer's ~/.aws never leaks in. The SDK's env provider reads process.env,
 * so the caller stubs these values there too (see stubProcessEnv).
 */
export async function startHarness(
  options: {
    repositoryCount?: number
    settings?: Partial<Settings>
    env?: (registry: DemoRegistry, dir: string) => NodeJS.ProcessEnv
  } = {},
): Promise<Harness> {
  // Tests drive faults through harness.registry, so the harness is where they are switched on.
  const { registry, endpoint, stop } = await startRegistry({
    repositoryCount: options.repositoryCount ?? 40,
    faults: true,
  })
  const dataDir = await mkdtemp(join(tmpdir(), 'elb-app-'))
  const env: NodeJS.ProcessEnv = options.env?.(registry, dataDir) ?? {
    AWS_ACCESS_KEY_ID: registry.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: registry.credentials.secretAccessKey,
    AWS_REGION: registry.region,
    AWS_ENDPOINT_URL_ECR: endpoint,
    AWS_ENDPOINT_URL_STS: endpoint,
  }
  env.AWS_CONFIG_FILE ??= join(dataDir, 'no-config')
  env.AWS_SHARED_CREDENTIALS_FILE ??= join(dataDir, 'no-credentials')
  if (options.settings) {
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify(options.settings))
  }
  const events: Harness['events'] = []
  const platform = fakePlatform(join(dataDir, 'downloads'))
  const app = createApp({
    dataDir,
    env,
    platform,
    emit: (channel, payload) => void events.push({ channel, payload }),
    log: new Logger(join(dataDir, 'logs', 'main.log')),
  })
  return {
    app,
    platform,
    registry,
    dataDir,
    env,
    events,
    async close() {
      await app.dispose()
      await stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** A platform that records what the app asked of the desktop, for assertions. */
export type FakePlatform = Platform & {
  notifications: { title: string; body: string }[]
  progress: (number | null)[]
  shown: string[]
  /** Every chooseFile call's options, in order. */
  fileDialogs: { title: string; defaultPath?: string }[]
  /** What the file dialog answers (null: cancelled). */
  chosenFile: string | null
  canChooseFile: boolean
  canShowInFolder: boolean
  canChooseFolder: boolean
}

/** Builds a FakePlatform whose folder dialog answers `downloads` and whose file dialog cancels. */
export function fakePlatform(downloads: string): FakePlatform {
  const fake: FakePlatform = {
    notifications: [],
    progress: [],
    shown: [],
    fileDialogs: [],
    chosenFile: null,
    canChooseFile: true,
    canShowInFolder: true,
    canChooseFolder: true,
    openExternal: () => Promise.resolve(),
    showItemInFolder: (path) => void fake.shown.push(path),
    notify: (title, body) => void fake.notifications.push({ title, body }),
    setProgress: (fraction) => void fake.progress.push(fraction),
    downloadsFolder: () => downloads,
    chooseFolder: () => Promise.resolve(downloads),
    chooseFile: (options) => {
      fake.fileDialogs.push(options)
      return Promise.resolve(fake.chosenFile)
    },
  }
  return fake
}

/** Names of the AWS variables the SDK reads from process.env. */
export const AWS_ENV_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_ECR',
  'AWS_ENDPOINT_URL_STS',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_EC2_METADATA_DISABLED',
] as const

/** Makes process.env hold exactly these AWS values (the SDK reads it directly); returns a restore. */
export function stubProcessEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = Object.fromEntries(AWS_ENV_KEYS.map((key) => [key, process.env[key]]))
  for (const key of AWS_ENV_KEYS) delete process.env[key]
  // No instance metadata service here: without this the chain waits on 169.254.169.254.
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value
  return () => {
    for (const key of AWS_ENV_KEYS) {
      const value = saved[key]
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}
