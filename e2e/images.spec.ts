import type { Locator, Page } from '@playwright/test'
import { expect, openApp, test } from './fixtures'

test.beforeEach(async ({ page, bridge }) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
})

/** Finds a repository with the list's filter and opens it, as a user would. */
async function openRepository(page: Page, name: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill(name)
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name, exact: true })
    .click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

const imageCount = (page: Page): Locator =>
  page.getByRole('status').filter({ hasText: /images?$|Loading images/ })

/** The exact byte counts of the size cells of the rows on screen, top to bottom. */
async function sizesOnScreen(page: Page, table: Locator): Promise<number[]> {
  const titles = await table
    .getByRole('row')
    .filter({ has: page.getByRole('cell') })
    .evaluateAll((rows) => rows.map((row) => row.children[3]?.getAttribute('title') ?? ''))
  return titles.map((title) => Number(title.replace(/[^\d]/g, '')))
}

test('demo/scale-50k: all 50,000 images in a small DOM; tag switch, filters and size sort', async ({
  page,
}) => {
  test.setTimeout(120_000)
  await openRepository(page, 'demo/scale-50k')
  await expect(imageCount(page)).toHaveText('50,000 images', { timeout: 60_000 })
  const table = page.getByRole('table', { name: 'Images' })
  await expect(table).toHaveAttribute('aria-rowcount', '50001')
  const rendered = await table.getByRole('row').count()
  expect(rendered).toBeGreaterThan(5)
  expect(rendered).toBeLessThan(150)

  // The tagged/untagged switch asks DescribeImages again with filter.tagStatus.
  await page.getByRole('radio', { name: 'Untagged' }).check()
  await expect(imageCount(page)).toHaveText(/^[\d,]+ untagged images$/, { timeout: 30_000 })
  const untagged = Number((await imageCount(page).textContent())!.replace(/[^\d]/g, ''))
  expect(untagged).toBeGreaterThan(0)
  expect(untagged).toBeLessThan(50_000)
  await expect(table.getByRole('link', { name: 'untagged', exact: true }).first()).toBeVisible()
  await expect(table.getByRole('link', { name: /^build-/ })).toHaveCount(0)
  // Remembered across a reload.
  await page.reload()
  await expect(page.getByRole('radio', { name: 'Untagged' })).toBeChecked()
  await page.getByRole('radio', { name: 'All' }).check()
  await expect(imageCount(page)).toHaveText('50,000 images', { timeout: 60_000 })

  // Filter by a tag.
  const tag = (await table
    .getByRole('link', { name: /^build-\d+$/ })
    .first()
    .textContent())!
  const filter = page.getByRole('searchbox', { name: 'Filter images' })
  await filter.fill(tag)
  await expect(imageCount(page)).toHaveText('1 of 50,000 images')
  await expect(table.getByRole('link', { name: tag, exact: true })).toBeVisible()

  // Filter by a digest prefix, with and without "sha256:".
  await filter.fill('')
  await expect(imageCount(page)).toHaveText('50,000 images')
  const digestCell = table.getByRole('row').nth(5).getByRole('cell').nth(1)
  const digest = (await digestCell.getAttribute('title'))!
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  await filter.fill(digest.slice(0, 'sha256:'.length + 10))
  await expect(imageCount(page)).toHaveText('1 of 50,000 images')
  await expect(table.getByRole('cell', { name: digest.slice(0, 19), exact: true })).toBeVisible()
  await filter.fill(digest.slice('sha256:'.length, 'sha256:'.length + 10))
  await expect(imageCount(page)).toHaveText('1 of 50,000 images')

  // Sort by size: the largest first.
  await filter.fill('')
  await page.getByRole('combobox', { name: 'Sort by' }).selectOption({ label: 'Size' })
  await expect(table.getByRole('columnheader', { name: 'Size' })).toHaveAttribute(
    'aria-sort',
    'descending',
  )
  const sizes = await sizesOnScreen(page, table)
  expect(sizes.length).toBeGreaterThan(5)
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a))
})

test('a pull-through repository is marked with its upstream registry', async ({ page }) => {
  const list = page.getByRole('table', { name: 'Repositories' })
  await expect(
    list.getByRole('row', { name: /ecr-public\/docker\/library\/alpine/ }),
  ).toContainText('pull-through: public.ecr.aws')
  await openRepository(page, 'ecr-public/docker/library/alpine')
  await expect(page.getByText('Pull-through cache of public.ecr.aws')).toBeVisible()
  await expect(imageCount(page)).toHaveText(/^\d+ images?$/)
})

test('demo/untagged: the tag switch shows only untagged images', async ({ page }) => {
  await openRepository(page, 'demo/untagged')
  await expect(imageCount(page)).toHaveText(/^\d+ images$/)
  await page.getByRole('radio', { name: 'Tagged', exact: true }).check()
  await expect(imageCount(page)).toHaveText('1 tagged image')
  await expect(page.getByRole('link', { name: 'stable' })).toBeVisible()
  await page.getByRole('radio', { name: 'Untagged' }).check()
  await expect(imageCount(page)).toHaveText(/^\d+ untagged images?$/)
  await expect(page.getByRole('link', { name: 'stable' })).toHaveCount(0)
})
