import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
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
  {
    name: 'repositories',
    open: async (page, bridge) => {
      await route(page, bridge, '/')
      await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
    },
  },
  {
    name: 'repository',
    open: async (page, bridge) => {
      await route(page, bridge, '/repositories/demo/web-app')
      await expect(page.getByRole('table', { name: 'Images' })).toBeVisible()
    },
  },
  {
    name: 'image',
    open: async (page, bridge) => {
      await route(page, bridge, '/repositories/demo/web-app')
      await page
        .getByRole('table', { name: 'Images' })
        .getByRole('link', { name: /(^|, )1\.2\.0(,|$)/ })
        .click()
      await ready(page)
      await expect(page.getByRole('table', { name: 'Layers' })).toBeVisible()
    },
  },
  {
    name: 'image-supply-chain',
    open: async (page, bridge) => {
      await route(page, bridge, '/repositories/demo/signed')
      await page
        .getByRole('table', { name: 'Images' })
        .getByRole('link', { name: /(^|, )1\.0(,|$)/ })
        .click()
      await ready(page)
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
      await route(page, bridge, '/repositories/demo/signed')
      await page
        .getByRole('table', { name: 'Images' })
        .getByRole('link', { name: /(^|, )1\.0(,|$)/ })
        .click()
      await ready(page)
      await page.getByRole('tab', { name: /^Supply chain/ }).click()
      await page
        .getByRole('list', { name: 'Referrers of this image' })
        .getByRole('link', { name: /^SBOM \(SPDX\)/ })
        .click()
      await expect(page.getByRole('table', { name: 'Packages' })).toBeVisible()
    },
  },
  {
    name: 'image-supply-chain-verify',
    open: async (page, bridge) => {
      await route(page, bridge, '/repositories/demo/signed')
      await page
        .getByRole('table', { name: 'Images' })
        .getByRole('link', { name: /(^|, )1\.0(,|$)/ })
        .click()
      await ready(page)
      await page.getByRole('tab', { name: /^Supply chain/ }).click()
      await page
        .getByRole('list', { name: 'Referrers of this image' })
        .getByRole('link', { name: /^Signature \(cosign\)/ })
        .first()
        .click()
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
      await route(page, bridge, '/repositories/demo/scanned')
      await page
        .getByRole('table', { name: 'Images' })
        .getByRole('link', { name: /(^|, )1\.0(,|$)/ })
        .click()
      await ready(page)
      await page.getByRole('tab', { name: 'Findings' }).click()
      await expect(page.getByRole('table', { name: 'Findings' })).toBeVisible()
      await expect(page.getByRole('heading', { name: 'Fixed in 1.1 (4)' })).toBeVisible()
    },
  },
  {
    name: 'image-files-findings',
    open: async (page, bridge) => {
      await route(page, bridge, '/contents/demo/scanned/images/1.0?path=usr/lib/libcurl.so.4')
      await expect(page.getByRole('region', { name: 'Findings on libcurl.so.4' })).toBeVisible()
    },
  },
  {
    name: 'image-files',
    open: async (page, bridge) => {
      await route(page, bridge, '/contents/demo/web-app/images/1.2.0')
      await expect(page.getByRole('treegrid', { name: 'Files' })).toBeVisible()
    },
  },
  {
    name: 'image-layer',
    open: async (page, bridge) => {
      await route(page, bridge, '/contents/demo/web-app/images/1.2.0?layer=1')
      await expect(page.getByRole('treegrid', { name: 'Files' })).toBeVisible()
    },
  },
  {
    name: 'diff',
    open: async (page, bridge) => {
      await route(page, bridge, '/contents/demo/web-app/diff?from=1.1.0&to=1.2.0')
    },
  },
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
  {
    name: 'missing-repository',
    open: async (page, bridge) => {
      await route(page, bridge, '/repositories/demo/no-such-repository')
      await expect(page.getByRole('alert')).toBeVisible()
    },
  },
  {
    name: 'not-found',
    open: async (page, bridge) => {
      await route(page, bridge, '/no/such/page')
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
    },
  },
]

/** Writes a full-window screenshot to test-results/screens/<name>.png (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(import.meta.dirname, '..', 'test-results', 'screens')
  await mkdir(dir, { recursive: true })
  await page.screenshot({ path: join(dir, `${name}.png`) })
}
