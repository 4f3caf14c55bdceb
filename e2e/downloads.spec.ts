import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import type { DemoRegistry } from '../electron/demo-registry/testing'
import { blobFileName } from '../shared/file-names'
import { expect, launchBridge, openApp, test, type BridgeRun } from './fixtures'

// Downloads through the UI, in Chromium over the web bridge. Most tests point the bridge at a demo
// registry the test owns, through the standard AWS environment, so they can make its blob endpoint
// misbehave (registry.injectBlobFault) and look up the digests it serves.

/** Starts the bridge against `registry`, as a user would against a real ECR endpoint. */
function launchAgainst(workDir: string, registry: DemoRegistry): Promise<BridgeRun> {
  return launchBridge(workDir, {
    AWS_ACCESS_KEY_ID: registry.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: registry.credentials.secretAccessKey,
    AWS_REGION: registry.region,
    AWS_ENDPOINT_URL_ECR: registry.endpoint,
    AWS_ENDPOINT_URL_STS: registry.endpoint,
  })
}

/** Opens an image page by digest (and platform) straight from its link. */
async function openImagePage(
  page: Page,
  bridge: BridgeRun,
  repositoryName: string,
  imageDigest: string,
  platformDigest?: string,
): Promise<void> {
  const query = platformDigest ? `?platform=${encodeURIComponent(platformDigest)}` : ''
  await page.goto(`${bridge.url}#/repositories/${repositoryName}/images/${imageDigest}${query}`)
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await expect(page.getByRole('table', { name: 'Layers' })).toBeVisible()
}

/** A file's sha256 digest, streamed. */
async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return `sha256:${hash.digest('hex')}`
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

const fileExists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  )

/** The downloads panel's row for one blob. */
function downloadRow(page: Page, repositoryName: string, digest: string): Locator {
  return page
    .getByRole('region', { name: 'Downloads' })
    .getByRole('listitem', { name: `${repositoryName}@${digest.slice(0, 'sha256:'.length + 12)}` })
}

test('a new user downloads one layer of demo/web-app and gets a verified file', async ({
  page,
  bridge,
}) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name: 'demo/web-app', exact: true })
    .click()
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: /(^|, )1\.2\.0(,|$)/ })
    .click()
  const layers = page.getByRole('table', { name: 'Layers' })
  await expect(layers).toBeVisible()

  const digest = (await layers
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: '2', exact: true }) })
    .getByRole('cell')
    .nth(1)
    .getAttribute('title'))!
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)

  // By keyboard.
  await page.getByRole('button', { name: 'Download layer 2' }).focus()
  await page.keyboard.press('Enter')
  const row = downloadRow(page, 'demo/web-app', digest)
  await expect(row.getByText('Verified', { exact: true })).toBeVisible()

  const name = `demo_web-app_sha256-${digest.slice(7)}.tar.gz`
  expect(name).toBe(
    blobFileName('demo/web-app', digest, 'application/vnd.docker.image.rootfs.diff.tar.gzip'),
  )
  const path = join(bridge.downloadDir, name)
  await expect(row.getByText(path)).toBeVisible()
  expect(await sha256File(path)).toBe(digest)
  expect(await readdir(bridge.downloadDir)).toEqual([name])
  // A browser tab cannot open the file manager: instead of a button that does nothing, the row
  // says so, shows the path (above) and copies it.
  await expect(row.getByText('A browser tab can’t open your file manager')).toBeVisible()
  await expect(row.getByRole('button', { name: 'Copy path' })).toBeEnabled()
  await expect(page.getByRole('button', { name: /^Downloads/ })).toHaveAttribute(
    'aria-expanded',
    'true',
  )
})

test.describe('against a registry the test controls', () => {
  let bridge: BridgeRun

  test.beforeEach(async ({ registry, workDir }) => {
    bridge = await launchAgainst(workDir, registry)
  })
  test.afterEach(async () => {
    await bridge.stop()
  })

  test('downloads all layers of demo/multi-arch arm64 with one cancelled midway', async ({
    page,
    registry,
  }) => {
    const { index, arm64 } = registry.samples().multiArch
    const [base, curl] = arm64.layers
    const config = arm64.config!
    // The curl layer crawls, so there is time to cancel it midway.
    registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 2_000, digest: curl!.digest })

    await openImagePage(page, bridge, 'demo/multi-arch', index.imageDigest, arm64.imageDigest)
    await expect(page.getByRole('radio', { name: 'linux/arm64/v8' })).toBeChecked()
    await page.getByRole('button', { name: 'Download all layers' }).click()

    const slow = downloadRow(page, 'demo/multi-arch', curl!.digest)
    const bar = slow.getByRole('progressbar')
    await expect(bar).toHaveAttribute('aria-valuemax', String(curl!.size))
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')))
      .toBeGreaterThan(0)
    await expect(slow.getByText('Downloading', { exact: true })).toBeVisible()
    await slow.getByRole('button', { name: 'Cancel' }).click()
    await expect(slow.getByText('Cancelled', { exact: true })).toBeVisible()

    for (const blob of [base!, config]) {
      await expect(
        downloadRow(page, 'demo/multi-arch', blob.digest).getByText('Verified', { exact: true }),
      ).toBeVisible()
    }
    const expected = [base!, config].map((blob) =>
      blobFileName('demo/multi-arch', blob.digest, blob.mediaType),
    )
    // The cancelled layer left nothing: no file, no .partial, no sidecar.
    expect((await readdir(bridge.downloadDir)).sort()).toEqual([...expected].sort())
    for (const [i, blob] of [base!, config].entries()) {
      expect(await sha256File(join(bridge.downloadDir, expected[i]!))).toBe(blob.digest)
    }
    await expect(page.getByRole('button', { name: /^Downloads/ })).toHaveText('Downloads')
  })

  test('an existing different file: the conflict dialog keeps both', async ({ page, registry }) => {
    const { current } = registry.samples().webApp
    const layer = current.layers[2]!
    const name = blobFileName('demo/web-app', layer.digest, layer.mediaType)
    const existing = join(bridge.downloadDir, name)
    await writeFile(existing, 'not the layer')

    await openImagePage(page, bridge, 'demo/web-app', current.imageDigest)
    const trigger = page.getByRole('button', { name: 'Download layer 3' })
    await trigger.click()
    const dialog = page.getByRole('dialog', { name: 'A different file already exists' })
    await expect(dialog).toContainText(name)
    await expect(dialog.getByRole('button', { name: 'Keep both' })).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(dialog).toHaveCount(0)
    await expect(trigger).toBeFocused()

    const row = downloadRow(page, 'demo/web-app', layer.digest)
    await expect(row.getByText('Verified', { exact: true })).toBeVisible()
    const second = name.replace(/\.tar\.gz$/, ' (2).tar.gz')
    await expect(row.getByText(join(bridge.downloadDir, second))).toBeVisible()
    expect((await readdir(bridge.downloadDir)).sort()).toEqual([name, second].sort())
    expect(await readFile(existing, 'utf8')).toBe('not the layer')
    expect(await sha256File(join(bridge.downloadDir, second))).toBe(layer.digest)
  })

  test('a corrupted download shows the digest mismatch and leaves no file', async ({
    page,
    registry,
  }) => {
    const { current } = registry.samples().webApp
    const layer = current.layers[0]!
    registry.injectBlobFault({ kind: 'corrupt', offset: 100, digest: layer.digest })

    await openImagePage(page, bridge, 'demo/web-app', current.imageDigest)
    await page.getByRole('button', { name: 'Download layer 1' }).click()
    const row = downloadRow(page, 'demo/web-app', layer.digest)
    const alert = row.getByRole('alert')
    await expect(
      alert.getByRole('heading', { name: 'Downloaded bytes do not match the digest' }),
    ).toBeVisible()
    await expect(alert).toContainText(layer.digest)
    await expect(row.getByText('Failed', { exact: true })).toBeVisible()
    expect(await readdir(bridge.downloadDir)).toEqual([])

    // Retry downloads it again, now without the fault.
    await alert.getByRole('button', { name: 'Retry' }).click()
    await expect(row.getByText('Verified', { exact: true })).toBeVisible()
    expect(await readdir(bridge.downloadDir)).toEqual([
      blobFileName('demo/web-app', layer.digest, layer.mediaType),
    ])
  })

  test('verifies a file on disk against the right and a wrong digest', async ({
    page,
    registry,
  }) => {
    const { current, previous } = registry.samples().webApp
    const layer = current.layers[1]!
    await openImagePage(page, bridge, 'demo/web-app', current.imageDigest)
    await page.getByRole('button', { name: 'Download layer 2' }).click()
    await expect(
      downloadRow(page, 'demo/web-app', layer.digest).getByText('Verified', { exact: true }),
    ).toBeVisible()
    const path = join(
      bridge.downloadDir,
      blobFileName('demo/web-app', layer.digest, layer.mediaType),
    )

    // From the downloads panel, with a typed digest.
    const open = page.getByRole('button', { name: 'Verify a file…' })
    await open.click()
    const dialog = page.getByRole('dialog', { name: 'Verify a file' })
    const pathField = dialog.getByRole('textbox', { name: 'File path' })
    await pathField.fill(path)
    // The web bridge has no file dialog: "Choose file…", by keyboard, keeps the typed path and
    // says to type it.
    await dialog.getByRole('button', { name: 'Choose file…' }).focus()
    await page.keyboard.press('Enter')
    const hint = 'No file dialog here: type the file’s full path.'
    await expect(dialog.getByText(hint)).toBeVisible()
    await expect(pathField).toHaveAccessibleDescription(hint)
    await expect(pathField).toHaveValue(path)
    await dialog.getByRole('textbox', { name: 'Digest' }).fill(layer.digest)
    await dialog.getByRole('button', { name: 'Verify' }).click()
    const outcome = dialog.getByRole('status')
    await expect(outcome.getByText('Matches', { exact: true })).toBeVisible()
    await expect(outcome).toContainText(`Expected${layer.digest}`)
    await expect(outcome).toContainText(`Actual${layer.digest}`)

    const wrong = previous.layers[1]!.digest
    expect(wrong).not.toBe(layer.digest)
    await dialog.getByRole('textbox', { name: 'Digest' }).fill(wrong)
    await dialog.getByRole('button', { name: 'Verify' }).click()
    await expect(outcome.getByText('Does not match', { exact: true })).toBeVisible()
    await expect(outcome).toContainText(`Expected${wrong}`)
    await expect(outcome).toContainText(`Actual${layer.digest}`)
    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)
    await expect(open).toBeFocused()

    // From a layer row: that layer's digest, and the path Download uses.
    await page.getByRole('button', { name: 'Verify a file against layer 2' }).click()
    const fromRow = page.getByRole('dialog', { name: 'Verify a file against layer 2' })
    await expect(fromRow.getByRole('textbox', { name: 'File path' })).toHaveValue(path)
    await fromRow.getByRole('button', { name: 'Verify' }).click()
    await expect(fromRow.getByRole('status').getByText('Matches', { exact: true })).toBeVisible()
  })

  test.describe('with clipboard access', () => {
    test.use({ permissions: ['clipboard-read', 'clipboard-write'] })

    test('Copy download URL shows the expiry, and the URL serves the layer’s bytes', async ({
      page,
      registry,
    }) => {
      const { current } = registry.samples().webApp
      const layer = current.layers[0]!
      await openImagePage(page, bridge, 'demo/web-app', current.imageDigest)
      const trigger = page.getByRole('button', { name: 'Copy download URL of layer 1' })
      await trigger.click()
      const dialog = page.getByRole('dialog', { name: 'Download URL of layer 1' })
      await expect(dialog).toContainText('Anyone who has this URL can download this blob')
      const expiry = dialog.locator('time')
      await expect(dialog.getByText(/^Expires .+ \(in (60 minutes|1 hour)\)$/)).toBeVisible()
      const expiresAt = Date.parse((await expiry.getAttribute('datetime'))!)
      expect(Math.abs(expiresAt - (Date.now() + 3600_000))).toBeLessThan(5 * 60_000)

      await dialog.getByRole('button', { name: 'Copy URL' }).click()
      await expect(dialog.getByText('Copied', { exact: true })).toBeVisible()
      const url = await page.evaluate(() => navigator.clipboard.readText())
      await expect(dialog.getByRole('textbox', { name: 'Pre-signed URL' })).toHaveValue(url)
      expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('3600')

      // Whoever holds the URL gets the blob, with no credentials: here, the test itself.
      const response = await fetch(url)
      expect(response.status).toBe(200)
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(layer.digest)

      await page.keyboard.press('Escape')
      await expect(dialog).toHaveCount(0)
      await expect(trigger).toBeFocused()
    })
  })
})

test('resumes a download cut off by a restart, from the bytes already on disk', async ({
  page,
  registry,
  workDir,
}) => {
  const { current } = registry.samples().webApp
  const layer = current.layers[1]!
  const name = blobFileName('demo/web-app', layer.digest, layer.mediaType)
  const partial = join(workDir, 'downloads', `${name}.partial`)
  registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 20_000, digest: layer.digest })

  const first = await launchAgainst(workDir, registry)
  try {
    await openImagePage(page, first, 'demo/web-app', current.imageDigest)
    await page.getByRole('button', { name: 'Download layer 2' }).click()
    const bar = downloadRow(page, 'demo/web-app', layer.digest).getByRole('progressbar')
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')))
      .toBeGreaterThan(10_000)
  } finally {
    // The app goes away mid-download, as when it is quit or crashes.
    await first.stop()
  }
  const left = (await stat(partial)).size
  expect(left).toBeGreaterThan(0)
  expect(left).toBeLessThan(layer.size)

  const second = await launchAgainst(workDir, registry)
  try {
    expect(second.downloadDir).toBe(first.downloadDir)
    await openApp(page, second)
    // The page is not pushed down: the tray's toggle counts the leftover, the tray lists it.
    await page.getByRole('button', { name: 'Downloads, 1 unfinished to resume' }).click()
    const banner = page
      .getByRole('region', { name: 'Downloads' })
      .getByRole('region', { name: '1 unfinished download' })
    await expect(banner).toContainText(`demo/web-app@${layer.digest.slice(0, 19)}`)
    registry.clearBlobRequestLog()
    await banner.getByRole('button', { name: 'Resume all' }).click()
    await expect(banner).toHaveCount(0)

    const row = downloadRow(page, 'demo/web-app', layer.digest)
    await expect(row.getByText('Verified', { exact: true })).toBeVisible()
    await expect(row).toContainText('resumed at')
    const path = join(second.downloadDir, name)
    expect(await sha256File(path)).toBe(layer.digest)
    expect(await fileExists(partial)).toBe(false)
    expect(await readdir(second.downloadDir)).toEqual([name])
    // Only the rest came over the network: one Range request from where the partial file ended.
    const gets = registry.blobRequestLog().filter((entry) => entry.digest === layer.digest)
    expect(gets).toHaveLength(1)
    expect(gets[0]!.range).toBe(`bytes=${left}-`)
    expect(gets[0]!.status).toBe(206)
    expect(gets[0]!.bytesSent).toBe(layer.size - left)
  } finally {
    await second.stop()
  }
})

test('settings by keyboard: the folder set by the environment, concurrency, the contents cache', async ({
  page,
  bridge,
}) => {
  await openApp(page, bridge)
  const trigger = page.getByRole('button', { name: 'Settings' })
  await trigger.focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Settings' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByText(bridge.downloadDir, { exact: true })).toBeVisible()
  await expect(dialog).toContainText('ECR_LAYER_BROWSER_DOWNLOAD_DIR')
  await expect(dialog.getByRole('button', { name: 'Change…' })).toBeDisabled()
  await expect(dialog.getByRole('region', { name: 'Layer contents cache' })).toBeVisible()

  // The dialog itself has focus, so its title is read first; Tab goes through it and stays inside.
  await expect(dialog).toBeFocused()
  const concurrency = dialog.getByRole('combobox', { name: 'Concurrent downloads' })
  await expect(concurrency).toBeEnabled()
  await page.keyboard.press('Tab')
  await expect(concurrency).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(dialog.getByRole('button', { name: 'Clear layer contents cache' })).toBeFocused()
  // Trusted keys: with none yet, the add form's three fields and its button.
  const addKey = dialog.getByRole('form', { name: 'Add a trusted key' })
  for (const field of ['Name', 'Repository prefix', 'Public key (PEM)']) {
    await page.keyboard.press('Tab')
    await expect(addKey.getByRole('textbox', { name: field })).toBeFocused()
  }
  await page.keyboard.press('Tab')
  await expect(addKey.getByRole('button', { name: 'Add key' })).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(
    dialog.getByRole('checkbox', { name: 'Check for updates automatically' }),
  ).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(concurrency).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused()

  await concurrency.focus()
  await concurrency.selectOption('5')
  // The settings file appears with the first change, written atomically.
  await expect
    .poll(async () => {
      const text = await readFile(join(bridge.dataDir, 'settings.json'), 'utf8').catch(() => '{}')
      return (JSON.parse(text) as { downloadConcurrency?: number }).downloadConcurrency
    })
    .toBe(5)

  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(trigger).toBeFocused()
})
