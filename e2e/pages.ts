import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, openApp, type BridgeRun } from './fixtures'

// Every page of the app, reached as a user reaches it, for the checks that run on all of them
// (a11y.spec.ts, layout.spec.ts). The bridge starts without credentials: the welcome screen first,
// then the demo registry, which the settings remember for the rest of the test.

/** One page: its name (also the screenshot's) and how to get there from a fresh bridge. */
export interface AppPage {
  name: string
  open(page: Page, bridge: BridgeRun): Promise<void>
}

const ready = (page: Page) => expect(page.locator('[data-app-state="ready"]')).toBeVisible()

/** Opens the demo registry from the welcome screen (once per bridge; remembered after). */
async function demo(page: Page, bridge: BridgeRun): Promise<void> {
  await openApp(page, bridge)
  const open = page.getByRole('button', { name: 'Open demo registry' })
  if (await open.isVisible()) {
    await open.click()
    await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
  }
}

async function route(page: Page, bridge: BridgeRun, hash: string): Promise<void> {
  await demo(page, bridge)
  await page.goto(`${bridge.url}#${hash}`)
  await ready(page)
}

/** Opens an image of a repository from its Images table, by one of its tags. */
async function image(
  page: Page,
  bridge: BridgeRun,
  repository: string,
  tag: string,
): Promise<void> {
  await route(page, bridge, `/repositories/${repository}`)
  const tagName = new RegExp(`(^|, )${tag.replaceAll('.', '\\.')}(,|$)`)
  await page.getByRole('table', { name: 'Images' }).getByRole('link', { name: tagName }).click()
  await ready(page)
}

/** demo/signed:1.0's Supply chain tab, with the referrer whose link is named `referrer` opened. */
async function referrer(page: Page, bridge: BridgeRun, referrer: RegExp): Promise<void> {
  await image(page, bridge, 'demo/signed', '1.0')
  await page.getByRole('tab', { name: /^Supply chain/ }).click()
  await page
    .getByRole('list', { name: 'Referrers of this image' })
    .getByRole('link', { name: referrer })
    .first()
    .click()
}

/** A page reached by its address, there once what `shown` finds is visible (if anything). */
const at = (name: string, hash: string, shown?: (page: Page) => Locator): AppPage => ({
  name,
  open: async (page, bridge) => {
    await route(page, bridge, hash)
    if (shown) await expect(shown(page)).toBeVisible()
  },
})

export const APP_PAGES: readonly AppPage[] = [
  {
    name: 'welcome',
    open: async (page, bridge) => {
      await openApp(page, bridge)
      await expect(
        page.getByRole('heading', { name: 'Welcome to ECR Layer Browser' }),
      ).toBeVisible()
    },
  },
  at('repositories', '/', (page) => page.getByRole('table', { name: 'Repositories' })),
  at('repository', '/repositories/demo/web-app', (page) =>
    page.getByRole('table', { name: 'Images' }),
  ),
  {
    name: 'image',
    open: async (page, bridge) => {
      await image(page, bridge, 'demo/web-app', '1.2.0')
      await expect(page.getByRole('table', { name: 'Layers' })).toBeVisible()
    },
  },
  {
    name: 'image-supply-chain',
    open: async (page, bridge) => {
      await image(page, bridge, 'demo/signed', '1.0')
      await page.getByRole('tab', { name: /^Supply chain/ }).click()
      await expect(page.getByRole('list', { name: 'Referrers of this image' })).toBeVisible()
      await expect(
        page.getByRole('list', { name: 'ECR managed signing of this image' }),
      ).toBeVisible()
    },
  },
  {
    name: 'image-supply-chain-sbom',
    open: async (page, bridge) => {
      await referrer(page, bridge, /^SBOM \(SPDX\)/)
      await expect(page.getByRole('table', { name: 'Packages' })).toBeVisible()
    },
  },
  {
    name: 'image-supply-chain-verify',
    open: async (page, bridge) => {
      await referrer(page, bridge, /^Signature \(cosign\)/)
      await page.getByRole('button', { name: 'Use the demo key' }).click()
      await page.getByRole('button', { name: 'Verify', exact: true }).click()
      await expect(page.getByText('Valid — covers this image')).toBeVisible()
    },
  },
  {
    name: 'repository-findings',
    open: async (page, bridge) => {
      await route(page, bridge, '/repositories/demo/scanned')
      // The Findings column (hidden first when narrow): its counts, once they are fetched.
      await expect(page.getByRole('table', { name: 'Images' })).toBeVisible()
      await expect(page.getByText('Counting…')).toHaveCount(0)
    },
  },
  {
    name: 'image-findings',
    open: async (page, bridge) => {
      await image(page, bridge, 'demo/scanned', '1.0')
      await page.getByRole('tab', { name: 'Findings' }).click()
      await expect(page.getByRole('table', { name: 'Findings' })).toBeVisible()
      await expect(page.getByRole('heading', { name: 'Fixed in 1.1 (4)' })).toBeVisible()
    },
  },
  at(
    'image-files-findings',
    '/contents/demo/scanned/images/1.0?path=usr/lib/libcurl.so.4',
    (page) => page.getByRole('region', { name: 'Findings on libcurl.so.4' }),
  ),
  at('image-files', '/contents/demo/web-app/images/1.2.0', (page) =>
    page.getByRole('treegrid', { name: 'Files' }),
  ),
  at('image-layer', '/contents/demo/web-app/images/1.2.0?layer=1', (page) =>
    page.getByRole('treegrid', { name: 'Files' }),
  ),
  at('diff', '/contents/demo/web-app/diff?from=1.1.0&to=1.2.0'),
  {
    name: 'downloads-tray',
    open: async (page, bridge) => {
      await route(page, bridge, '/repositories/demo/web-app')
      await page.getByRole('button', { name: /^Downloads/ }).click()
      await expect(page.getByRole('region', { name: 'Downloads' })).toBeVisible()
    },
  },
  {
    name: 'settings',
    open: async (page, bridge) => {
      await route(page, bridge, '/')
      await page.getByRole('button', { name: 'Settings' }).click()
      await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible()
    },
  },
  at('missing-repository', '/repositories/demo/no-such-repository', (page) =>
    page.getByRole('alert'),
  ),
  at('not-found', '/no/such/page', (page) => page.getByRole('heading', { name: 'Page not found' })),
]

/** Writes a full-window screenshot to test-results/screens/<name>.png (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(import.meta.dirname, '..', 'test-results', 'screens')
  await mkdir(dir, { recursive: true })
  await page.screenshot({ path: join(dir, `${name}.png`) })
}
