import type { Page } from '@playwright/test'
import { expect, openApp, test } from './fixtures'

// Issue 13: the images list shows the registry as a graph, not as loose manifests.
test.beforeEach(async ({ page, bridge }) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
})

async function openRepository(page: Page, name: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill(name)
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name, exact: true })
    .click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

const rowOf = (page: Page, tag: string) =>
  page
    .getByRole('table', { name: 'Images' })
    .getByRole('row')
    .filter({
      has: page.getByRole('link', { name: new RegExp(`(^|, )${tag.replaceAll('.', '\\.')}(,|$)`) }),
    })

test('demo/archive: an archived image is listed with its status, and the status filter narrows to it', async ({
  page,
}) => {
  await openRepository(page, 'demo/archive')
  const table = page.getByRole('table', { name: 'Images' })
  await expect(table).toHaveAttribute('aria-rowcount', '5')
  await expect(rowOf(page, '2024.01')).toContainText('Archived')
  await expect(rowOf(page, '2024.06')).toContainText('Activating')
  await expect(rowOf(page, 'current')).not.toContainText('Archived')

  await page.getByRole('radio', { name: 'Archived' }).check()
  await expect(table).toHaveAttribute('aria-rowcount', '2')
  await expect(rowOf(page, '2024.01')).toBeVisible()

  // Opening it explains archive and gives the restore command; the app does not restore.
  await rowOf(page, '2024.01').getByRole('link').first().click()
  const note = page.getByRole('note', { name: 'Archived image' })
  await expect(note).toContainText('90 days')
  await expect(note).toContainText(
    'aws ecr update-image-storage-class --repository-name demo/archive --image-id imageDigest=sha256:',
  )
  await expect(note).toContainText('--target-storage-class STANDARD')
  // Its config fails for the same reason; once the page has settled, that is not shown a second
  // time as an error panel with Retry.
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'This image is archived' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0)

  // Its layers cannot be read until it is restored: their actions are disabled, saying why.
  const reason = /This image is archived; restore it first/
  for (const name of ['Download layer 1', 'Copy download URL of layer 2', 'Look inside layer 2']) {
    const button = page.getByRole('button', { name, exact: true })
    await expect(button).toBeDisabled()
    await expect(button).toHaveAccessibleDescription(reason)
  }
  await expect(page.getByRole('button', { name: 'Download all layers' })).toBeDisabled()
  await page.screenshot({ path: 'test-results/screens/archived-image-layers.png', fullPage: true })
})

test('demo/multi-arch: platform children are part of their index, not loose untagged rows', async ({
  page,
}) => {
  await openRepository(page, 'demo/multi-arch')
  const table = page.getByRole('table', { name: 'Images' })
  // Two tagged indexes; their five children are under them.
  await expect(table).toHaveAttribute('aria-rowcount', '3')
  await expect(rowOf(page, 'latest')).toContainText('3 platform manifests')
  await expect(rowOf(page, 'docker-list')).toContainText('2 platform manifests')
  await expect(table.getByRole('link', { name: 'untagged', exact: true })).toHaveCount(0)

  await page.getByRole('checkbox', { name: 'Show every manifest as stored' }).check()
  await expect(table).toHaveAttribute('aria-rowcount', '8')
  await expect(table.getByRole('link', { name: 'linux/arm64/v8 of latest' })).toBeVisible()
})

test('demo/supply-chain: referrers hang on their subject, with what they are', async ({ page }) => {
  await openRepository(page, 'demo/supply-chain')
  const table = page.getByRole('table', { name: 'Images' })
  await expect(table).toHaveAttribute('aria-rowcount', '3')
  await expect(rowOf(page, '1.0')).toContainText('SBOM (2)')
  await expect(rowOf(page, '0.9')).toContainText('signed (1)')
})
