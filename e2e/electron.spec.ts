import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

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

test('the packaged-layout app starts in Electron and opens the welcome screen', async () => {
  test.skip(binary === null, SKIP_REASON)
  const dataDir = await mkdtemp(join(tmpdir(), 'elb-electron-'))
  const app = await electron.launch({
    executablePath: binary!,
    args: ['out/main/index.js'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dataDir,
      ECR_LAYER_BROWSER_DATA_DIR: dataDir,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(dataDir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'none'),
    },
  })
  try {
    const window = await app.firstWindow()
    await expect(window.locator('[data-app-state="ready"]')).toBeVisible()
    await expect(
      window.getByRole('heading', { name: 'Welcome to ECR Layer Browser' }),
    ).toBeVisible()
    const exposed = await window.evaluate(() => ({
      hasEcr: typeof (window as unknown as { ecr?: unknown }).ecr === 'object',
      require: typeof (window as unknown as { require?: unknown }).require,
    }))
    expect(exposed).toEqual({ hasEcr: true, require: 'undefined' })
  } finally {
    await app.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})
