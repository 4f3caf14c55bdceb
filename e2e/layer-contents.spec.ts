import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deterministicBytes } from '../electron/demo-registry/testing'
import { expect, openApp, test } from './fixtures'

test.beforeEach(async ({ page, bridge }) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
})

test('finds a deleted file and its wasted bytes, extracts its earlier version, and diffs the tags', async ({
  page,
  bridge,
}) => {
  await page.goto(`${bridge.url}#/contents/demo/web-app/images/1.2.0`)
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await expect(
    page.getByRole('heading', { level: 1, name: 'Files of demo/web-app:1.2.0' }),
  ).toBeVisible()

  // The merged view: three layers, and the space a later layer's deletions left behind.
  const summary = page.getByRole('definition').filter({ hasText: /bytes\)$/ })
  await expect(page.getByText('Wasted space', { exact: true })).toBeVisible()
  await expect(summary.nth(1)).toHaveText(/^2\d\d(\.\d+)? KiB \(20\d,\d{3} bytes\)$/)
  const wasted = page.getByRole('region', { name: 'Wasted space by path' })
  await expect(
    wasted.getByRole('row', { name: /\/tmp\/build-cache\.bin 200 KiB layer 2/ }),
  ).toBeVisible()

  // Find the file a later layer deleted.
  await page.getByRole('searchbox', { name: 'Search files' }).fill('build-cache')
  const tree = page.getByRole('treegrid', { name: 'Files' })
  await expect(tree).toHaveAttribute('data-rows-for', 'build-cache')
  const row = tree.getByRole('row', { name: /tmp\/build-cache\.bin/ })
  await expect(row).toContainText('deleted')
  await row.click()
  const details = page.getByRole('complementary', { name: 'build-cache.bin' })
  await expect(details).toContainText('200 KiB (204,800 bytes)')
  await expect(details).toContainText('Last written byLayer 2')
  await expect(details).toContainText('Deleted byLayer 3')

  // Extract the version layer 2 wrote, into the bridge's download folder, and check its bytes.
  await details.getByRole('button', { name: 'Extract build-cache.bin from layer 2' }).click()
  const outcome = details.getByRole('status')
  await expect(outcome).toContainText('Extracted build-cache.bin to')
  const written = join(bridge.downloadDir, 'build-cache.bin')
  await expect(outcome).toContainText(written)
  expect(await readFile(written)).toEqual(deterministicBytes('web-app:build-cache', 200 * 1024))

  // Diff the two tags.
  await page.getByRole('combobox', { name: 'Compare with tag' }).selectOption('1.1.0')
  await page.getByRole('button', { name: 'Compare tags' }).click()
  await expect(
    page.getByRole('heading', { level: 1, name: 'Differences from 1.1.0 to 1.2.0' }),
  ).toBeVisible()
  await expect(
    page.getByRole('status').filter({ hasText: /added, .* modified, .* deleted/ }),
  ).toBeVisible()
  const differences = page.getByRole('table', { name: 'Differences' })
  await expect(
    differences.getByRole('row', { name: /modified \/etc\/app\/config\.yaml/ }),
  ).toBeVisible()
  await expect(
    differences.getByRole('row', { name: /deleted \/etc\/app\/old\.conf/ }),
  ).toBeVisible()
  await expect(
    differences.getByRole('row', { name: /added \/var\/cache\/app\/fresh\.json/ }),
  ).toBeVisible()
  await expect(
    differences.getByRole('row', { name: /modified \/usr\/lib\/app\/plugin\.so .* content/ }),
  ).toBeVisible()
})

test('the same path across two tags, from the details of a file', async ({ page, bridge }) => {
  await page.goto(`${bridge.url}#/contents/demo/web-app/images/1.2.0`)
  await page.getByRole('searchbox', { name: 'Search files' }).fill('config.yaml')
  await page
    .getByRole('treegrid', { name: 'Files' })
    .getByRole('row', { name: /etc\/app\/config\.yaml/ })
    .click()
  const details = page.getByRole('complementary', { name: 'config.yaml' })
  await expect(details).toContainText('Last written byLayer 3')
  await details.getByRole('link', { name: 'Compare with 1.1.0' }).click()
  await expect(
    page.getByRole('heading', {
      level: 1,
      name: 'Differences from 1.1.0 to 1.2.0 in /etc/app/config.yaml',
    }),
  ).toBeVisible()
  await expect(
    page.getByRole('status').filter({ hasText: '0 added, 1 modified, 0 deleted' }),
  ).toBeVisible()
})

test('the keyboard opens folders, selects a file and previews it in place', async ({
  page,
  bridge,
}) => {
  await page.goto(`${bridge.url}#/contents/demo/web-app/images/1.2.0`)
  const tree = page.getByRole('treegrid', { name: 'Files' })
  const etc = tree.getByRole('row', { name: /^etc\b/ }).first()
  await etc.focus()
  await page.keyboard.press('ArrowRight')
  await expect(etc).toHaveAttribute('aria-expanded', 'true')
  await page.keyboard.press('ArrowDown')
  const app = tree.getByRole('row', { name: /^app\b/ }).first()
  await expect(app).toBeFocused()
  await page.keyboard.press('ArrowRight')
  await expect(app).toHaveAttribute('aria-expanded', 'true')
  const config = tree.getByRole('row', { name: /^config\.yaml/ })
  await config.click()
  await page.getByRole('button', { name: 'Preview config.yaml' }).click()
  await expect(page.getByRole('region', { name: 'Preview of config.yaml' })).toContainText(
    'log_level: debug',
  )
  await page.keyboard.press('ControlOrMeta+f')
  await expect(page.getByRole('searchbox', { name: 'Search files' })).toBeFocused()
})

test('one layer against the layers below it, from the layer picker', async ({ page, bridge }) => {
  await page.goto(`${bridge.url}#/contents/demo/web-app/images/1.2.0`)
  await page
    .getByRole('navigation', { name: 'Layers' })
    .getByRole('link', { name: /^Layer 3/ })
    .click()
  await expect(page.getByRole('link', { name: /^Layer 3/ })).toHaveAttribute('aria-current', 'page')
  const tree = page.getByRole('treegrid', { name: 'Files' })
  await page.getByRole('searchbox', { name: 'Search files' }).fill('*.conf')
  await expect(tree.getByRole('row', { name: /etc\/app\/old\.conf.*deleted/ })).toBeVisible()
  await page.getByRole('searchbox', { name: 'Search files' }).fill('fresh.json')
  await expect(tree.getByRole('row', { name: /var\/cache\/app\/fresh\.json.*added/ })).toBeVisible()
})

test('a layer too large to list says so, and extracts the whole layer instead', async ({
  page,
  bridge,
  registry,
}) => {
  // demo/hostile:name-bomb: 20,000 entries with 4,000-byte names, 0.7 MB of gzip.
  const layer = registry.samples().hostile.nameBomb.layers[0]!
  const query = new URLSearchParams({ mediaType: layer.mediaType, size: String(layer.size) })
  await page.goto(`${bridge.url}#/contents/demo/hostile/layers/${layer.digest}?${query}`)
  const alert = page.getByRole('alert')
  await expect(alert.getByRole('heading', { name: 'Too many files to list' })).toBeVisible()
  await expect(alert).toContainText(
    /This layer's index is too large to show \(more than [\d,]+ entries, [\d.]+ MB of names\); extract it instead\./,
  )
  await expect(alert.getByRole('button', { name: 'Retry' })).toHaveCount(0)

  await page.getByRole('button', { name: 'Extract the whole layer instead' }).click()
  const outcome = page.getByRole('status').filter({ hasText: 'Extracted the layer to' })
  await expect(outcome).toContainText(
    join(bridge.downloadDir, `layer-${layer.digest.slice(7, 19)}`),
  )
  await expect(outcome.getByRole('list', { name: 'Left out for safety' })).toContainText(
    'longer than the 255 bytes',
  )
})
