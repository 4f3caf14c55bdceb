import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, launchBridge, openApp, test } from './fixtures'

const CANARY_KEY_ID = 'ASIACANARY0000000001'
const CANARY_SECRET = 'canarySecretKey/DoNotLeak+0123456789abcdefXYZ'
const CANARY_TOKEN = 'canarySessionToken//DoNotLeak//IQoJb3JpZ2luX2VjEOr'

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

test('canary credentials appear in no IPC response, event, log, settings or renderer storage', async ({
  page,
  registry,
  workDir,
}) => {
  registry.addCredentials({
    accessKeyId: CANARY_KEY_ID,
    secretAccessKey: CANARY_SECRET,
    sessionToken: CANARY_TOKEN,
  })
  const bridge = await launchBridge(workDir, {
    AWS_ACCESS_KEY_ID: CANARY_KEY_ID,
    AWS_SECRET_ACCESS_KEY: CANARY_SECRET,
    AWS_SESSION_TOKEN: CANARY_TOKEN,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_ECR: registry.endpoint,
    AWS_ENDPOINT_URL_STS: registry.endpoint,
  })
  const responses: string[] = []
  page.on('response', async (response) => {
    if (response.url().includes('/__bridge/invoke/')) responses.push(await response.text())
  })
  try {
    await openApp(page, bridge)
    await expect(page.getByRole('status').filter({ hasText: '120 repositories' })).toBeVisible()
    // Exercise the connection: switch to the demo and back, which also sends events.
    await page.getByRole('combobox', { name: 'Profile' }).selectOption({ label: 'Demo registry' })
    await expect(page.getByRole('status').filter({ hasText: /^\d+ repositories$/ })).toBeVisible()
    await page
      .getByRole('combobox', { name: 'Profile' })
      .selectOption({ label: 'Default credential chain' })
    await expect(page.getByRole('status').filter({ hasText: '120 repositories' })).toBeVisible()
    // The canary keys really were used: the registry saw them sign the calls.
    expect(registry.requestLog().some((entry) => entry.accessKeyId === CANARY_KEY_ID)).toBe(true)

    const storage = await page.evaluate(async () => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookies: document.cookie,
      databases: JSON.stringify(await indexedDB.databases()),
      html: document.documentElement.outerHTML,
    }))
    const trace = await bridge.trace()
    expect(trace).toContain('event connection:changed')
    expect(responses.length).toBeGreaterThan(5)
    const files = await allFiles(bridge.dataDir)
    const written = await Promise.all(files.map((file) => readFile(file, 'utf8')))
    expect(files.some((file) => file.endsWith('main.log'))).toBe(true)

    const everything = [...responses, trace, ...written, ...Object.values(storage)].join('\n')
    for (const secret of [CANARY_SECRET, CANARY_TOKEN, CANARY_KEY_ID]) {
      expect(everything).not.toContain(secret)
    }
  } finally {
    await bridge.stop()
  }
})
