import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { test as base, expect, type Page } from '@playwright/test'
import { start as startRegistry, type DemoRegistry } from '../electron/demo-registry/testing'

/** One run of `npm run web`, in its own folders, with its own AWS environment. */
export interface BridgeRun {
  url: string
  dataDir: string
  downloadDir: string
  home: string
  /** Every response and event the bridge sent, one line each. */
  trace(): Promise<string>
  /** The app's log file. */
  log(): Promise<string>
  stop(): Promise<void>
}

/** Starts the bridge as a user would, from a shell whose environment is exactly `env`. */
export async function launchBridge(root: string, env: NodeJS.ProcessEnv): Promise<BridgeRun> {
  const home = join(root, 'home')
  const dataDir = join(root, 'data')
  const downloadDir = join(root, 'downloads')
  await Promise.all([home, dataDir, downloadDir].map((dir) => mkdir(dir, { recursive: true })))
  const traceFile = join(root, 'bridge-trace.log')
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/web/cli.ts'], {
    cwd: resolve(import.meta.dirname, '..'),
    env: {
      PATH: process.env.PATH,
      HOME: home,
      // No instance metadata service here; without this the SDK waits on it.
      AWS_EC2_METADATA_DISABLED: 'true',
      ECR_LAYER_BROWSER_DATA_DIR: dataDir,
      ECR_LAYER_BROWSER_DOWNLOAD_DIR: downloadDir,
      ECR_LAYER_BROWSER_BRIDGE_TRACE: traceFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await readUrl(child)
  return {
    url,
    dataDir,
    downloadDir,
    home,
    trace: () => readFile(traceFile, 'utf8').catch(() => ''),
    log: () => readFile(join(dataDir, 'logs', 'main.log'), 'utf8').catch(() => ''),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done()
        child.once('exit', () => done())
        child.kill('SIGTERM')
      }),
  }
}

function readUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      if (/^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/.test(line)) resolveUrl(line)
    })
    child.once('exit', (code) => reject(new Error(`bridge exited with ${code}: ${stderr}`)))
  })
}

/** Opens the app and waits until it has loaded its first data. */
export async function openApp(page: Page, run: BridgeRun): Promise<void> {
  await page.goto(run.url)
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
}

interface Fixtures {
  /** A folder of the test's own, removed afterwards. */
  workDir: string
  /** The AWS environment the bridge starts with; none by default (no credentials anywhere). */
  bridgeEnv: NodeJS.ProcessEnv
  /** The running bridge, started with bridgeEnv. */
  bridge: BridgeRun
  /** A demo registry the test owns, standing in for a real ECR endpoint. */
  registry: DemoRegistry
}

export const test = base.extend<Fixtures>({
  workDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'elb-e2e-'))
    await use(dir)
    await rm(dir, { recursive: true, force: true })
  },
  bridgeEnv: [{}, { option: true }],
  registry: async ({}, use) => {
    // Specs inject blob faults through this registry; the app under test starts its own without.
    const { registry, stop } = await startRegistry({ repositoryCount: 120, faults: true })
    await use(registry)
    await stop()
  },
  bridge: async ({ workDir, bridgeEnv }, use) => {
    const run = await launchBridge(workDir, bridgeEnv)
    await use(run)
    await run.stop()
  },
})

export { expect }
