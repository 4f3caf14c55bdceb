import { expect, openApp, test } from './fixtures'

test.beforeEach(async ({ page, bridge }) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
})

test('from the image: step through layers 1 → 2 → 3 and back, find the wasted file, and open the content diff of config.yaml between 1.1.0 and 1.2.0, all by clicking', async ({
  page,
}) => {
  // Open demo/web-app:1.2.0 from the lists.
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('demo/web-app')
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name: 'demo/web-app', exact: true })
    .click()
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: /(^|, )1\.2\.0(,|$)/ })
    .click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^demo\/web-app:/)
  const tabs = page.getByRole('tablist', { name: 'Image views' })
  for (const name of ['Overview', 'Layers', 'Files', 'Compare', 'Manifest & config']) {
    await expect(tabs.getByRole('tab', { name: new RegExp(`^${name}`) })).toBeVisible()
  }

  // Files: the merged filesystem, with dive's efficiency score.
  await tabs.getByRole('tab', { name: 'Files' }).click()
  await expect(page.getByRole('treegrid', { name: 'Files' })).toBeVisible()
  await expect(page.getByLabel('Summary')).toContainText(/Efficiency\d+(\.\d)? %/)
  const layers = page.getByRole('navigation', { name: 'Layers' })
  const current = layers.locator('[aria-current="page"]')
  await expect(current).toHaveText(/^All layers \(merged\)/)

  // Step 1 → 2 → 3: every layer stays listed at every step.
  await layers.getByRole('link', { name: /^Layer 1/ }).click()
  await expect(current).toHaveText(/^Layer 1/)
  await expect(tabs.getByRole('tab', { name: /^Layers/ })).toHaveAttribute('aria-selected', 'true')
  await page.getByRole('link', { name: 'Next layer' }).click()
  await expect(current).toHaveText(/^Layer 2/)
  await expect(layers.getByRole('link', { name: /^Layer 3/ })).toBeVisible()
  await page.getByRole('link', { name: 'Next layer' }).click()
  await expect(current).toHaveText(/^Layer 3/)
  await expect(page.getByRole('button', { name: 'Next layer' })).toBeDisabled()
  // What layer 3 deleted shows as such in the filesystem as it stands after it.
  await page.getByRole('searchbox', { name: 'Search files' }).fill('build-cache')
  const tree = page.getByRole('treegrid', { name: 'Files' })
  await expect(
    tree.getByRole('row', { name: /tmp\/build-cache\.bin.*deleted by layer 3/ }),
  ).toBeVisible()
  // ... and back.
  await page.getByRole('link', { name: 'Previous layer' }).click()
  await expect(current).toHaveText(/^Layer 2/)
  await page.getByRole('link', { name: 'Previous layer' }).click()
  await expect(current).toHaveText(/^Layer 1/)
  await expect(page.getByRole('button', { name: 'Previous layer' })).toBeDisabled()

  // The wasted file, in the merged view.
  await layers.getByRole('link', { name: 'All layers (merged)' }).click()
  await expect(tabs.getByRole('tab', { name: 'Files' })).toHaveAttribute('aria-selected', 'true')
  const wasted = page.getByRole('region', { name: 'Wasted space by path' })
  await expect(
    wasted.getByRole('row', { name: /\/tmp\/build-cache\.bin 200 KiB layer 2/ }),
  ).toBeVisible()

  // Compare with 1.1.0 and open the content diff of config.yaml.
  await tabs.getByRole('tab', { name: 'Compare' }).click()
  await page.getByRole('combobox', { name: 'Compare with tag' }).selectOption('1.1.0')
  await page.getByRole('button', { name: 'Compare tags' }).click()
  await expect(
    page.getByRole('heading', { level: 1, name: 'Differences from 1.1.0 to 1.2.0' }),
  ).toBeVisible()
  await page
    .getByRole('table', { name: 'Differences' })
    .getByRole('row', { name: /modified \/etc\/app\/config\.yaml/ })
    .click()
  const contentDiff = page.getByRole('region', { name: 'Content diff of config.yaml' })
  await expect(contentDiff).toContainText('- log_level: warn')
  await expect(contentDiff).toContainText('+ log_level: debug')

  // The changed file leads to itself in the files of 1.2.0, selected.
  await page.getByRole('link', { name: 'Show config.yaml in the files of 1.2.0' }).click()
  await expect(page.getByRole('complementary', { name: 'config.yaml' })).toContainText(
    '/etc/app/config.yaml',
  )
})
