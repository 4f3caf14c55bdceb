import type { Locator } from '@playwright/test'
import { expect, openApp, test } from './fixtures'

// The downloads tray docks under the page: starting downloads never moves what is on screen, so
// the next button is where it was. What was downloaded is still listed after a reload.

test('start four downloads: the page does not move, and the history survives a reload', async ({
  page,
  bridge,
}) => {
  await page.setViewportSize({ width: 1400, height: 900 })
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
  await expect(page.getByRole('table', { name: 'Layers' })).toBeVisible()
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()

  const buttons: Locator[] = [
    page.getByRole('button', { name: 'Download layer 1' }),
    page.getByRole('button', { name: 'Download layer 2' }),
    page.getByRole('button', { name: 'Download layer 3' }),
    page.getByRole('button', { name: 'Download config blob' }),
  ]
  const watched = [
    ...buttons,
    page.getByRole('heading', { level: 1 }),
    page.getByRole('table', { name: 'Layers' }),
  ]
  const where = () => Promise.all(watched.map((locator) => locator.boundingBox()))
  const before = await where()
  const scroll = await page.locator('.image-page').evaluate((el) => el.scrollTop)

  const tray = page.getByRole('region', { name: 'Downloads' })
  for (const [i, button] of buttons.entries()) {
    await button.click()
    await expect(tray.getByRole('listitem')).toHaveCount(i + 1)
    // Nothing on screen moved: every watched element is exactly where it was.
    expect(await where()).toEqual(before)
  }
  expect(await page.locator('.image-page').evaluate((el) => el.scrollTop)).toBe(scroll)
  await expect(tray.getByText('Verified', { exact: true })).toHaveCount(4)

  // After a reload the tray lists them as earlier downloads, with their paths.
  await page.reload()
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await page.getByRole('button', { name: /^Downloads/ }).click()
  const earlier = tray.getByRole('list', { name: 'Earlier downloads' })
  await expect(earlier.getByRole('listitem')).toHaveCount(4)
  await expect(earlier.getByText(bridge.downloadDir).first()).toBeVisible()
  await expect(tray.getByText(/Nothing downloaded yet/)).toHaveCount(0)

  await tray.getByRole('button', { name: 'Clear history' }).click()
  await expect(tray.getByText(/Nothing downloaded yet/)).toBeVisible()
})
