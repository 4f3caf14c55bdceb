import { expect, openApp, test } from './fixtures'

test.beforeEach(async ({ page, bridge }) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
})

test("open demo/scanned:1.0's findings, filter to critical, open a finding's detail and see its deleted-later file explained", async ({
  page,
}) => {
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('demo/scanned')
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name: 'demo/scanned', exact: true })
    .click()
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: /(^|, )1\.0(,|$)/ })
    .click()
  await page
    .getByRole('tablist', { name: 'Image views' })
    .getByRole('tab', { name: 'Findings' })
    .click()
  const table = page.getByRole('table', { name: 'Findings' })
  await expect(page.getByText('8 of 8 findings')).toBeVisible()

  await page.getByRole('checkbox', { name: 'critical' }).check()
  await expect(page.getByText('3 of 8 findings')).toBeVisible()
  await expect(table.getByText('CVE-2023-38545')).toBeVisible()
  await page.getByRole('checkbox', { name: 'critical' }).uncheck()

  await page.getByRole('searchbox', { name: 'Filter findings' }).fill('usr/bin/curl')
  await expect(page.getByText('1 of 8 findings')).toBeVisible()
  await table.getByText('CVE-2023-46218').click()
  const detail = page.getByRole('region', { name: 'Finding CVE-2023-46218' })
  await expect(detail.getByText('usr/bin/curl')).toBeVisible()
  await expect(
    detail.getByText(/deletes this file: the finding may no longer apply to the final image/),
  ).toBeVisible()
  await expect(detail.getByRole('link', { name: 'Show in layer' })).toBeVisible()
})

test('export the findings as CSV: one row per finding and package, as the API reports them', async ({
  page,
}) => {
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('demo/scanned')
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name: 'demo/scanned', exact: true })
    .click()
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: /(^|, )1\.0(,|$)/ })
    .click()
  await page
    .getByRole('tablist', { name: 'Image views' })
    .getByRole('tab', { name: 'Findings' })
    .click()
  await page.getByRole('button', { name: 'Export CSV' }).click()
  const status = page.getByRole('status').filter({ hasText: /^Wrote 8 findings to / })
  await expect(status).toBeVisible()
  const path = ((await status.textContent()) ?? '').replace(/^Wrote 8 findings to /, '')
  const { readFile } = await import('node:fs/promises')
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\r\n')
  expect(lines[0]).toMatch(/^platform,vulnerabilityId,severity,score,/)
  // 8 findings; the openssl ones name two packages each, busybox's two: 11 package rows.
  expect(lines).toHaveLength(1 + 11)
  expect(
    lines.some(
      (l) =>
        l.includes(',CVE-2023-38545,CRITICAL,9.8,') &&
        l.includes(',libcurl,8.3.0-r0,8.4.0-r0,OS,usr/lib/libcurl.so.4,sha256:'),
    ),
  ).toBe(true)
})
