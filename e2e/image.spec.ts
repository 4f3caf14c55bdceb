import type { Page } from '@playwright/test'
import { expect, openApp, test } from './fixtures'

/** Opens the demo registry from the welcome screen. */
async function openDemo(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
}

/** Opens a repository from the list, then one of its images by a tag. */
async function openImage(page: Page, repository: string, tag: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill(repository)
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name: repository, exact: true })
    .click()
  const escaped = tag.replaceAll('.', '\\.')
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: new RegExp(`(^|, )${escaped}(,|$)`) })
    .click()
  await expect(page.getByRole('table', { name: 'Layers' })).toBeVisible()
}

const layerRow = (page: Page, index: number) =>
  page
    .getByRole('table', { name: 'Layers' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: String(index), exact: true }) })
    .first()

test.beforeEach(async ({ page, bridge }) => {
  await openApp(page, bridge)
})

test('a new user reaches an arm64 layer’s created_by in five actions', async ({ page }) => {
  let actions = 0
  const act = async (step: () => Promise<void>) => {
    actions++
    await step()
  }
  await act(() => page.getByRole('button', { name: 'Open demo registry' }).click())
  await act(() =>
    page
      .getByRole('table', { name: 'Repositories' })
      .getByRole('link', { name: 'demo/multi-arch', exact: true })
      .click(),
  )
  await act(() =>
    page
      .getByRole('table', { name: 'Images' })
      .getByRole('link', { name: /(^|, )latest(,|$)/ })
      .click(),
  )
  await act(() => page.getByRole('radio', { name: 'linux/arm64/v8' }).check())
  // Reading is the fifth: the command is on screen without scrolling.
  await act(async () => {
    const command = layerRow(page, 2).getByRole('cell').nth(4)
    await expect(command).toHaveText('RUN /bin/sh -c apk add --no-cache curl # arm64')
    await expect(command).toBeInViewport()
  })
  expect(actions).toBeLessThanOrEqual(5)

  // The attestation is listed with its annotations but cannot be picked.
  const attestation = page.getByRole('radio', { name: 'Attestation for linux/amd64' })
  await expect(attestation).toBeDisabled()
  await expect(page.getByRole('group', { name: 'Platform' })).toContainText(
    'vnd.docker.reference.type',
  )
  // The platform is part of the link: a reload shows it again.
  await expect(page).toHaveURL(/\?platform=sha256%3A[0-9a-f]{64}$/)
  await page.reload()
  await expect(page.getByRole('radio', { name: 'linux/arm64/v8' })).toBeChecked()
  await expect(layerRow(page, 1)).toContainText('ADD file:arm64-rootfs in / # arm64')
})

test('demo/web-app 1.2.0: layers with aligned history, empty-layer steps and availability', async ({
  page,
}) => {
  await openDemo(page)
  await openImage(page, 'demo/web-app', '1.2.0')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^demo\/web-app:/)
  const layers = page.getByRole('table', { name: 'Layers' })

  await expect(layerRow(page, 1)).toContainText('ADD file:6f1a2c0d9e5b in /')
  await expect(layerRow(page, 2)).toContainText('RUN /bin/sh -c dd if=/dev/urandom')
  await expect(layerRow(page, 3)).toContainText('RUN /bin/sh -c rm -rf /tmp/build-cache.bin')
  for (const index of [1, 2, 3]) {
    await expect(layerRow(page, index).getByRole('cell').nth(2)).toHaveText('gzip')
    await expect(layerRow(page, index).getByRole('cell').nth(5)).toHaveText('Available')
  }

  // Metadata-only steps are rows of their own, between the layers they came between.
  const texts = await layers.getByRole('row').allTextContents()
  const at = (needle: string) => texts.findIndex((text) => text.includes(needle))
  expect(at('no layerCMD ["/bin/sh"]')).toBeGreaterThan(at('ADD file:6f1a2c0d9e5b'))
  expect(at('no layerENV APP_HOME=/usr/lib/app')).toBeLessThan(at('dd if=/dev/urandom'))
  expect(at('no layerENTRYPOINT ["/usr/bin/app"]')).toBeGreaterThan(at('rm -rf /tmp/build-cache'))
  await expect(layers.getByRole('row').last()).toContainText('Total: 3 layers')
  await expect(layers.getByRole('row').last()).toContainText('3 available')

  // The history lists every step.
  const history = page.getByRole('list', { name: 'History' })
  await expect(history.getByRole('listitem')).toHaveCount(texts.length - 2)
  await expect(history).toContainText('LABEL org.opencontainers.image.version=1.2.0')

  // The summary: the image, then what its config says.
  const summary = page.getByRole('region', { name: 'Summary' })
  await expect(summary).toContainText('Docker v2')
  await expect(summary).toContainText('linux/amd64')
  await expect(summary).toContainText('/usr/lib/app')
  await expect(summary).toContainText('serve --port 8080')
  await expect(summary).toContainText('1 critical, 3 high, 7 medium, 12 low, 2 informational')
})

test('demo/web-app 1.1.0 reports an ARCHIVED layer', async ({ page }) => {
  await openDemo(page)
  await openImage(page, 'demo/web-app', '1.1.0')
  await expect(layerRow(page, 2).getByRole('cell').nth(5)).toHaveText('Archived')
  await expect(page.getByRole('table', { name: 'Layers' }).getByRole('row').last()).toContainText(
    '1 available, 1 archived',
  )
})

test('demo/windows marks its foreign base layer as outside ECR', async ({ page }) => {
  await openDemo(page)
  await openImage(page, 'demo/windows', 'ltsc2022')
  const base = layerRow(page, 1)
  await expect(base.getByRole('cell').nth(2)).toHaveText('gzipforeign')
  await expect(base.getByText('foreign', { exact: true })).toHaveAttribute(
    'title',
    /^Foreign layer: it lives outside ECR, at https:\/\//,
  )
  await expect(base.getByRole('cell').nth(5)).toHaveText('Outside ECR')
  await expect(layerRow(page, 2).getByRole('cell').nth(4)).toHaveText('RUN copy app.exe C:\\App\\')
  await expect(page.getByRole('table', { name: 'Layers' }).getByRole('row').last()).toContainText(
    'Total: 2 layers (1 foreign)',
  )
})

test('alpine 3.21 is not cached and the upstream fails: the error names the upstream', async ({
  page,
}) => {
  await openDemo(page)
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('alpine')
  await page.getByRole('link', { name: 'ecr-public/docker/library/alpine' }).click()
  await page.getByRole('searchbox', { name: 'Filter images' }).fill('3.21')
  await page.getByRole('button', { name: 'Open tag 3.21' }).click()
  const alert = page.getByRole('alert')
  await expect(
    alert.getByRole('heading', { name: 'The upstream registry is unavailable' }),
  ).toBeVisible()
  await expect(alert).toContainText('the upstream registry public.ecr.aws did not answer')
  // The cached tag still opens.
  await page.getByRole('searchbox', { name: 'Filter images' }).fill('3.20')
  await page.getByRole('link', { name: /(^|, )3\.20(,|$)/ }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/:3\.20$/)
  await expect(page.getByText('Pull-through cache of public.ecr.aws')).toBeVisible()
})

test('Look inside carries its image: the layer page names it and links back to it', async ({
  page,
}) => {
  await openDemo(page)
  await openImage(page, 'demo/web-app', '1.2.0')
  await page.getByRole('link', { name: 'Look inside layer 2' }).click()
  await expect(
    page.getByRole('heading', { level: 1, name: /^Files of layer 2 sha256:/ }),
  ).toBeVisible()
  const trail = page.getByRole('navigation', { name: 'Breadcrumbs' })
  await expect(trail.getByRole('link', { name: 'demo/web-app' })).toBeVisible()
  await expect(trail.locator('[aria-current="page"]')).toHaveText('Layer 2')
  // The image by its (first) tag, back to its Layers tab.
  await expect(trail.getByRole('link', { name: 'latest' })).toHaveAttribute('href', /tab=layers/)
  await page.getByRole('link', { name: 'The image’s files at layer 2 (merged) →' }).click()
  await expect(page).toHaveURL(/tab=layers&layer=1/)
  await expect(page.getByRole('heading', { level: 1, name: 'demo/web-app:latest' })).toBeVisible()
  await expect(
    page.getByRole('navigation', { name: 'Layers' }).getByRole('link', { name: /Layer 2/ }),
  ).toHaveAttribute('aria-current', /.+/)
  await page.goBack()
  await page.getByRole('link', { name: 'Back to latest' }).click()
  await expect(page.getByRole('tab', { name: 'Overview', selected: true })).toBeVisible()
})

test.describe('with clipboard access', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] })

  test('the raw JSON viewers copy the exact manifest, by keyboard', async ({ page }) => {
    await openDemo(page)
    await openImage(page, 'demo/web-app', '1.2.0')
    // The digest from the Overview's summary; the raw JSON is in the "Manifest & config" tab.
    const digest = (await page
      .getByRole('region', { name: 'Summary' })
      .getByRole('definition')
      .first()
      .locator('code')
      .textContent())!
    await page.getByRole('tab', { name: 'Manifest & config' }).click()
    const viewer = page.getByRole('figure', { name: 'Manifest JSON' })
    // The tree first: a key selects its node, for its jq path and its value.
    const tree = viewer.getByRole('region', { name: 'Manifest JSON tree' })
    // Top-level objects start open: .config shows its digest; a second click closes it.
    const config = tree.getByRole('button', { name: '.config', exact: true })
    await expect(config).toHaveAttribute('aria-expanded', 'true')
    await tree.getByRole('button', { name: '.config.digest (select for copy)' }).click()
    await viewer.getByRole('button', { name: 'Copy path .config.digest' }).click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('.config.digest')
    await viewer.getByRole('button', { name: 'Copy value of .config.digest' }).click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(
      /^sha256:[0-9a-f]{64}$/,
    )
    await config.click()
    await expect(config).toHaveAttribute('aria-expanded', 'false')
    await expect(tree.getByRole('button', { name: /^\.config\.digest/ })).toHaveCount(0)

    // The raw view: indented text that scrolls with the page, never inside its own box.
    await viewer.getByRole('button', { name: 'Raw' }).click()
    const pre = viewer.getByRole('region', { name: 'Manifest JSON' })
    const box = await pre.evaluate((el) => ({
      scrollHeight: el.scrollHeight,
      clientHeight: el.clientHeight,
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
    }))
    expect(box.scrollHeight).toBeLessThanOrEqual(box.clientHeight)
    expect(box.scrollWidth).toBeLessThanOrEqual(box.clientWidth)
    const shown = JSON.parse((await pre.textContent())!) as unknown
    const copy = viewer.getByRole('button', { name: 'Copy Manifest JSON' })
    await copy.focus()
    await page.keyboard.press('Enter')
    await expect(viewer.getByText('Copied', { exact: true })).toBeVisible()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(JSON.parse(copied)).toEqual(shown)
    // The exact bytes (what the digest covers), not the re-indented text.
    const hash = await page.evaluate(async (text) => {
      const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
      return `sha256:${[...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')}`
    }, copied)
    expect(hash).toBe(digest)

    await page.getByRole('tab', { name: 'Overview' }).click()
    await page.getByRole('button', { name: 'Copy docker pull command' }).click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      `docker pull 123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/web-app@${digest}`,
    )
  })
})

test('back with Alt+Left and with the browser’s back button', async ({ page }) => {
  await openDemo(page)
  await openImage(page, 'demo/web-app', '1.2.0')
  await page.keyboard.press('Alt+ArrowLeft')
  await expect(page.getByRole('heading', { level: 1, name: 'demo/web-app' })).toBeVisible()
  await expect(page.getByRole('table', { name: 'Images' })).toBeVisible()
  await page.goBack()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
  // Where the user was: the filter is still there.
  await expect(page.getByRole('searchbox', { name: 'Filter repositories' })).toHaveValue(
    'demo/web-app',
  )
  await page.goForward()
  await expect(page.getByRole('heading', { level: 1, name: 'demo/web-app' })).toBeVisible()

  // By keyboard alone: a row, Enter, and Alt+Left back to the same row.
  const row = page.getByRole('table', { name: 'Images' }).getByRole('row').nth(1)
  await row.focus()
  await page.keyboard.press('ArrowDown')
  const second = page.getByRole('table', { name: 'Images' }).getByRole('row').nth(2)
  await expect(second).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(
    page.getByRole('table', { name: 'Layers' }).or(page.getByRole('alert')),
  ).toBeVisible()
  await page.keyboard.press('Alt+ArrowLeft')
  await expect(page.getByRole('table', { name: 'Images' }).getByRole('row').nth(2)).toBeFocused()
  // Ctrl+F focuses the filter of the page on screen.
  await page.keyboard.press('ControlOrMeta+f')
  await expect(page.getByRole('searchbox', { name: 'Filter images' })).toBeFocused()
})
