import type { Page } from '@playwright/test'
import { expect, openApp, test } from './fixtures'

// Filter, sort and tag status belong to one repository: a choice made in one never empties
// another, and each repository comes back as it was left.

test.beforeEach(async ({ page, bridge }) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
})

async function openRepository(page: Page, name: string): Promise<void> {
  const back = page.getByRole('link', { name: 'All repositories' })
  if (await back.isVisible()) await back.click()
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill(name)
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name, exact: true })
    .click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
}

const count = (page: Page) => page.getByRole('status').filter({ hasText: /images?$/ })

test('a tag status chosen in one repository does not empty another', async ({ page }) => {
  await openRepository(page, 'demo/untagged')
  await page.getByRole('radio', { name: 'Untagged' }).check()
  await expect(count(page)).toHaveText(/^\d+ untagged images?$/)
  await expect(page.getByText('View kept for this repository')).toBeVisible()

  // demo/web-app has only tagged images: it opens with all of them, not "0 untagged images".
  await openRepository(page, 'demo/web-app')
  await expect(count(page)).toHaveText('2 images')
  await expect(page.getByRole('radio', { name: 'All' })).toBeChecked()
  await expect(page.getByText('No untagged images in this repository')).toHaveCount(0)

  // Filtered to nothing on purpose, the empty list offers the way back.
  await page.getByRole('radio', { name: 'Untagged' }).check()
  await expect(page.getByText('No untagged images in this repository')).toBeVisible()
  await page.getByRole('button', { name: 'Show all images' }).click()
  await expect(count(page)).toHaveText('2 images')
  await page.getByRole('searchbox', { name: 'Filter images' }).fill('no-such-tag')
  await expect(page.getByText('No images match "no-such-tag"')).toBeVisible()
  await page.getByRole('button', { name: 'Show all images' }).click()
  await expect(count(page)).toHaveText('2 images')

  // The first repository comes back as it was left, across a reload too.
  await openRepository(page, 'demo/untagged')
  await expect(page.getByRole('radio', { name: 'Untagged' })).toBeChecked()
  await page.reload()
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await expect(page.getByRole('radio', { name: 'Untagged' })).toBeChecked()
  await page.getByRole('button', { name: 'Reset view' }).click()
  await expect(page.getByRole('radio', { name: 'All' })).toBeChecked()
  await expect(page.getByText('View kept for this repository')).toHaveCount(0)
})
