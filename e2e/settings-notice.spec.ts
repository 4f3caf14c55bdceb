import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, launchBridge, openApp, test } from './fixtures'

// A new user's first start after settings.json was damaged (a crash of another tool, a bad
// hand edit): the app starts, says once what happened and what to do, and keeps the bad file.
test('a damaged settings.json is kept aside and the user is told once, until dismissed', async ({
  page,
  workDir,
}) => {
  const dataDir = join(workDir, 'data')
  await mkdir(dataDir, { recursive: true })
  await writeFile(join(dataDir, 'settings.json'), '{ "repositorySort": "created", oops')
  const run = await launchBridge(workDir, {})
  try {
    await openApp(page, run)
    const notice = page.getByRole('region', {
      name: 'Your settings file could not be used as it was',
    })
    await expect(notice).toBeVisible()
    await expect(notice).toContainText('settings.json was damaged: it is not valid JSON')
    await expect(notice).toContainText('What to do: Choose your settings again')
    const kept = (await readdir(dataDir)).filter((name) => name.startsWith('settings.json.bad-'))
    expect(kept).toHaveLength(1)
    await expect(notice).toContainText(join(dataDir, kept[0]!))
    expect(await readFile(join(dataDir, kept[0]!), 'utf8')).toBe(
      '{ "repositorySort": "created", oops',
    )
    expect(await run.log()).toContain('settings.json was damaged')

    await notice.getByRole('button', { name: 'Dismiss' }).click()
    await expect(notice).toHaveCount(0)
    // Told once: a reload of the page does not bring it back.
    await page.reload()
    await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
    await expect(notice).toHaveCount(0)
  } finally {
    await run.stop()
  }
})

test('a relative download folder in settings.json is refused, with a notice saying so', async ({
  page,
  workDir,
}) => {
  const dataDir = join(workDir, 'data')
  await mkdir(dataDir, { recursive: true })
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ downloadDir: 'downloads' }))
  const run = await launchBridge(workDir, {})
  try {
    await openApp(page, run)
    const notice = page.getByRole('region', {
      name: 'Your settings file could not be used as it was',
    })
    await expect(notice).toContainText('"downloads" is not an absolute path')
    await expect(notice).toContainText('Choose the download folder again in Settings')
  } finally {
    await run.stop()
  }
})
