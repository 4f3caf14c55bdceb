import { expect, openApp, test } from './fixtures'

test('with no AWS credentials, the welcome screen explains setup and opens the demo registry', async ({
  page,
  bridge,
}) => {
  await openApp(page, bridge)
  await expect(page.getByRole('heading', { name: 'Welcome to ECR Layer Browser' })).toBeVisible()
  await expect(page.getByText('aws configure sso', { exact: false }).first()).toBeVisible()
  await expect(page.getByText('aws sso login', { exact: false }).first()).toBeVisible()

  await page.getByRole('button', { name: 'Open demo registry' }).click()

  const table = page.getByRole('table', { name: 'Repositories' })
  await expect(table.getByRole('row').filter({ hasText: 'demo/multi-arch' })).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: /^\d+ repositories$/ })).toBeVisible()

  const filter = page.getByRole('searchbox', { name: 'Filter repositories' })
  await filter.fill('multi-arch')
  await expect(
    page.getByRole('status').filter({ hasText: /^1 of \d+ repositories$/ }),
  ).toBeVisible()
  await expect(table.getByRole('row').filter({ hasText: 'demo/web-app' })).toHaveCount(0)
  await expect(table.getByRole('row').filter({ hasText: 'demo/multi-arch' })).toBeVisible()
})

test('the demo choice is remembered across restarts', async ({ page, bridge }) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()

  await page.reload()
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Welcome to ECR Layer Browser' })).toHaveCount(0)
  await expect(page.getByRole('combobox', { name: 'Profile' })).toHaveValue(/demo/i)
})
