import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  _electron as electron,
  type ElectronApplication,
  expect,
  type Page,
  test,
} from '@playwright/test'
import { buildApi } from '../shared/ipc/contract'

// The real desktop app: Electron's main process, the sandboxed preload and the renderer over real
// IPC. CI's hosted runners have the Electron binary, so it runs there (and the job fails if it
// skipped, scripts/check-electron-e2e.ts); where the binary cannot be downloaded it skips and
// says why, and the same UI is tested in Chromium through the web bridge.

// The electron package records its binary's path in path.txt and downloads the binary on first
// require(). Look for it without require(), so a machine that cannot download it (CI here) makes
// no download attempt: the test runs wherever the binary was installed, and skips elsewhere.
function electronBinary(): string | null {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const binary = join(pkg, 'dist', readFileSync(join(pkg, 'path.txt'), 'utf8').trim())
    return existsSync(binary) ? binary : null
  } catch {
    return null
  }
}

const binary = electronBinary()
const SKIP_REASON =
  'The Electron binary is not installed (its download is refused on this machine); the same UI is tested in Chromium through the web bridge.'
if (binary === null) console.log(`e2e/electron.spec.ts skipped: ${SKIP_REASON}`)

/** The methods window.ecr must have: exactly what the contract builds, nothing else. */
const CONTRACT_METHODS = Object.keys(
  buildApi(
    () => Promise.resolve(null),
    () => () => undefined,
  ),
).sort()

test.describe('the desktop app in Electron', () => {
  test.describe.configure({ mode: 'serial' })
  test.skip(binary === null, SKIP_REASON)

  let app: ElectronApplication
  let win: Page
  let dataDir: string
  let downloadDir: string

  test.beforeAll(async () => {
    if (binary === null) return
    dataDir = await mkdtemp(join(tmpdir(), 'elb-electron-'))
    downloadDir = join(dataDir, 'Downloads')
    await mkdir(downloadDir)
    // The built app as it is packaged (out/), with no AWS credentials: it opens on the demo
    // registry behind the welcome screen. Not packaged, so no update check reaches GitHub.
    app = await electron.launch({
      executablePath: binary,
      args: ['out/main/index.js'],
      env: {
        // The runner's environment (DISPLAY from xvfb, Windows' system variables), without any
        // AWS setting of its own.
        ...Object.fromEntries(
          Object.entries(process.env).filter(
            (entry): entry is [string, string] =>
              entry[1] !== undefined && !entry[0].startsWith('AWS_'),
          ),
        ),
        HOME: dataDir,
        ECR_LAYER_BROWSER_DATA_DIR: dataDir,
        ECR_LAYER_BROWSER_DOWNLOAD_DIR: downloadDir,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(dataDir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'none'),
      },
    })
    win = await app.firstWindow()
    await expect(win.locator('[data-app-state="ready"]')).toBeVisible()
  })

  test.afterAll(async () => {
    await app?.close()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  test('the window runs hardened: sandbox, context isolation, no Node, web security', async () => {
    const preferences = await app.evaluate(({ BrowserWindow }) => {
      // What Electron actually applied to the window (not typed in electron.d.ts).
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
        getLastWebPreferences(): Record<string, unknown>
      }
      const prefs = contents.getLastWebPreferences()
      return {
        sandbox: prefs.sandbox,
        contextIsolation: prefs.contextIsolation,
        nodeIntegration: prefs.nodeIntegration,
        nodeIntegrationInWorker: prefs.nodeIntegrationInWorker,
        nodeIntegrationInSubFrames: prefs.nodeIntegrationInSubFrames,
        webSecurity: prefs.webSecurity,
        allowRunningInsecureContent: prefs.allowRunningInsecureContent,
        experimentalFeatures: prefs.experimentalFeatures,
        webviewTag: prefs.webviewTag,
      }
    })
    expect(preferences).toEqual({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    })
    // The UI comes from the app's own origin (the router may have added a #/ route).
    expect(win.url()).toMatch(/^app:\/\/bundle\/index\.html(#.*)?$/)
  })

  test("the page has window.ecr with exactly the contract's methods, and no require or process", async () => {
    const exposed = await win.evaluate(() => {
      const page = window as unknown as Record<string, unknown>
      const ecr = page.ecr as Record<string, unknown> | undefined
      return {
        methods: ecr ? Object.keys(ecr).sort() : null,
        allFunctions: ecr ? Object.values(ecr).every((v) => typeof v === 'function') : false,
        frozen: ecr ? Object.isFrozen(ecr) : false,
        require: typeof page.require,
        process: typeof page.process,
        module: typeof page.module,
      }
    })
    expect(exposed).toEqual({
      methods: CONTRACT_METHODS,
      allFunctions: true,
      frozen: true,
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
    })
  })

  test('the demo registry lists its repositories', async () => {
    await expect(win.getByRole('heading', { name: 'Welcome to ECR Layer Browser' })).toBeVisible()
    await win.getByRole('button', { name: 'Open demo registry' }).click()
    const repositories = win.getByRole('table', { name: 'Repositories' })
    for (const name of ['demo/web-app', 'demo/oci-zstd', 'demo/multi-arch']) {
      await expect(repositories.getByRole('link', { name, exact: true })).toBeVisible()
    }
  })

  test('downloads a layer through the real IPC, verified against its digest', async () => {
    await win
      .getByRole('table', { name: 'Repositories' })
      .getByRole('link', { name: 'demo/web-app', exact: true })
      .click()
    await win
      .getByRole('table', { name: 'Images' })
      .getByRole('link', { name: /(^|, )1\.2\.0(,|$)/ })
      .click()
    const layers = win.getByRole('table', { name: 'Layers' })
    const digest = (await layers
      .getByRole('row')
      .filter({ has: win.getByRole('cell', { name: '2', exact: true }) })
      .getByRole('cell')
      .nth(1)
      .getAttribute('title'))!
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    await win.getByRole('button', { name: 'Download layer 2' }).click()
    const row = win
      .getByRole('region', { name: 'Downloads' })
      .getByRole('listitem', { name: `demo/web-app@${digest.slice(0, 'sha256:'.length + 12)}` })
    await expect(row.getByText('Verified', { exact: true })).toBeVisible()
    const name = `demo_web-app_sha256-${digest.slice(7)}.tar.gz`
    expect(await readdir(downloadDir)).toEqual([name])
    const bytes = await readFile(join(downloadDir, name))
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(digest)
  })

  test('"Show in folder" reaches the shell through the Platform', async () => {
    // Record what the Electron Platform asks the shell to show, instead of opening a file manager.
    await app.evaluate(({ shell }) => {
      const shown: string[] = []
      ;(globalThis as unknown as { shown: string[] }).shown = shown
      shell.showItemInFolder = (path: string) => {
        shown.push(path)
      }
    })
    await win.getByRole('button', { name: 'Show in folder' }).first().click()
    await expect
      .poll(() => app.evaluate(() => (globalThis as unknown as { shown: string[] }).shown))
      .toEqual([expect.stringContaining(join(downloadDir, 'demo_web-app_sha256-'))])
  })

  test('a navigation to another origin is blocked', async () => {
    const before = win.url()
    await win.evaluate(() => {
      window.location.href = 'https://example.com/'
    })
    // The main process refuses it (will-navigate): the page stays the app, with its bridge.
    await expect(win.locator('[data-app-state="ready"]')).toBeVisible()
    expect(
      await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows()[0]!.webContents.getURL(),
      ),
    ).toBe(before)
    expect(await win.evaluate(() => typeof (window as { ecr?: unknown }).ecr)).toBe('object')
  })
})
