import { expect, openApp, test } from './fixtures'

test.use({ bridgeEnv: { ECR_LAYER_BROWSER_DEMO_REPOSITORIES: '10000' } })

test.beforeEach(async ({ page, bridge }) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
})

test('fetches every page of 10,000 repositories and keeps the DOM small', async ({ page }) => {
  await expect(page.getByRole('status').filter({ hasText: '10,000 repositories' })).toBeVisible()
  const table = page.getByRole('table', { name: 'Repositories' })
  await expect(table).toHaveAttribute('aria-rowcount', /^1000[01]$/)
  const rendered = await table.getByRole('row').count()
  expect(rendered).toBeGreaterThan(5)
  expect(rendered).toBeLessThan(150)
})

test('rows show the URI, created date, tag mutability and scan on push', async ({ page }) => {
  const table = page.getByRole('table', { name: 'Repositories' })
  for (const header of ['Name', 'URI', 'Created', 'Tag mutability', 'Scan on push']) {
    await expect(table.getByRole('columnheader', { name: header })).toBeVisible()
  }
  const row = table.getByRole('row').filter({ hasText: 'demo/api' })
  await expect(row).toContainText('123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/api')
  await expect(row).toContainText(/Mutable|Immutable/)
  await expect(row).toContainText(/[A-Z][a-z]{2} \d{1,2}, \d{4}/)
  await expect(row).toContainText(/On|Off/)
})

test('sorting by created date is remembered after a reload', async ({ page }) => {
  const sort = page.getByRole('combobox', { name: 'Sort by' })
  await sort.selectOption({ label: 'Created' })
  await expect(sort).toHaveValue('created')
  await page.reload()
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await expect(page.getByRole('combobox', { name: 'Sort by' })).toHaveValue('created')
})

test('the keyboard reaches the filter and opens a repository', async ({ page }) => {
  await expect(page.getByRole('status').filter({ hasText: '10,000 repositories' })).toBeVisible()
  await page.keyboard.press('ControlOrMeta+f')
  await expect(page.getByRole('searchbox', { name: 'Filter repositories' })).toBeFocused()
  await page.keyboard.type('demo/api')

  const table = page.getByRole('table', { name: 'Repositories' })
  const row = table.getByRole('row').filter({ hasText: 'demo/api' }).first()
  await row.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: 'demo/api' })).toBeVisible()
  await page.goBack()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
})

test('a repository that does not exist shows the catalog message', async ({ page, bridge }) => {
  await page.goto(`${bridge.url}#/repositories/missing/repo`)
  const alert = page.getByRole('alert')
  await expect(alert.getByRole('heading', { name: 'Repository not found' })).toBeVisible()
  await expect(alert).toContainText('Check the name, the region')
})
