import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import type { DemoRegistry } from '../electron/demo-registry/testing'
import { expect, launchBridge, test, type BridgeRun } from './fixtures'
import { screenshot } from './pages'

// "Save image…" as a user does it, in Chromium over the web bridge, against a demo registry the
// test owns; the files are then checked by skopeo (which re-verifies every digest it copies) and
// loaded by podman (as root, with its own storage in a temporary folder).

const run = promisify(execFile)

function launchAgainst(workDir: string, registry: DemoRegistry): Promise<BridgeRun> {
  return launchBridge(workDir, {
    AWS_ACCESS_KEY_ID: registry.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: registry.credentials.secretAccessKey,
    AWS_REGION: registry.region,
    AWS_ENDPOINT_URL_ECR: registry.endpoint,
    AWS_ENDPOINT_URL_STS: registry.endpoint,
  })
}

async function openImagePage(page: Page, bridge: BridgeRun, digest: string, platform?: string) {
  const query = platform ? `?platform=${encodeURIComponent(platform)}` : ''
  await page.goto(`${bridge.url}#/repositories/demo/multi-arch/images/${digest}${query}`)
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await expect(page.getByRole('table', { name: 'Layers' })).toBeVisible()
}

async function skopeoCopy(source: string, workDir: string): Promise<string> {
  const out = await mkdtemp(join(workDir, 'skopeo-'))
  await run('skopeo', ['--insecure-policy', 'copy', '--all', source, `dir:${out}`])
  return out
}

const exportRow = (page: Page) =>
  page.getByRole('region', { name: 'Downloads' }).getByRole('listitem', { name: /^Export of / })

let bridge: BridgeRun
test.beforeEach(async ({ registry, workDir }) => {
  bridge = await launchAgainst(workDir, registry)
})
test.afterEach(async () => {
  await bridge.stop()
})

test('saves demo/multi-arch with every platform and its attestation as an OCI layout that skopeo copies with the digests the app showed', async ({
  page,
  registry,
  workDir,
}) => {
  const { index } = registry.samples().multiArch
  await openImagePage(page, bridge, index.imageDigest)
  await page.getByRole('button', { name: 'Save image…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Save image' })
  await expect(dialog.getByRole('radio', { name: /OCI layout \(folder\)/ })).toBeChecked()
  await expect(dialog.getByLabel('Platforms')).toHaveValue('all')
  await expect(dialog.getByRole('checkbox', { name: /Include referrers/ })).toBeChecked()
  const target = join(bridge.downloadDir, 'multi-arch-latest')
  await expect(dialog.getByLabel('Save to')).toHaveValue(target)
  await dialog.getByRole('button', { name: 'Save' }).click()

  const row = exportRow(page)
  await expect(row.getByText(/^verified: \d+ blobs, \d+ bytes$/)).toBeVisible()
  await expect(row.getByText(index.imageDigest)).toBeVisible()

  const out = await skopeoCopy(`oci:${target}:latest`, workDir)
  expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(index.imageManifest)
  const layout = JSON.parse(await readFile(join(target, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[]
  }
  expect(layout.manifests[0]?.digest).toBe(index.imageDigest)
})

test('saves one platform as a docker-archive that skopeo reads both ways and podman loads', async ({
  page,
  registry,
  workDir,
}) => {
  // Four screenshots on top of a save, skopeo twice and podman.
  test.slow()
  const { index, amd64 } = registry.samples().multiArch
  await openImagePage(page, bridge, index.imageDigest, amd64.imageDigest)
  await page.getByRole('button', { name: 'Save image…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Save image' })
  await dialog.getByRole('radio', { name: /docker-archive/ }).check()
  await expect(dialog.getByLabel('Platforms')).toHaveValue(amd64.imageDigest)
  const target = join(bridge.downloadDir, 'multi-arch-latest.tar')
  await expect(dialog.getByLabel('Save to')).toHaveValue(target)
  // Before anything is written: what won't load where, with the OCI layout offered instead.
  await expect(dialog.getByRole('list', { name: 'What won’t load where' })).toContainText(
    'A docker-archive holds one platform only',
  )
  await expect(dialog.getByRole('button', { name: 'Use an OCI layout instead' })).toBeVisible()
  await shots(page, 'save-image-docker-limits')
  await dialog.getByRole('button', { name: 'Save', exact: true }).click()

  const row = exportRow(page)
  await expect(row.getByText(/^verified: \d+ blobs, \d+ bytes$/)).toBeVisible()
  await expect(row.getByRole('list', { name: 'What will not load where' })).toContainText(
    'A docker-archive keeps the config and layers but not the manifest',
  )
  expect(await readdir(bridge.downloadDir)).toEqual(['multi-arch-latest.tar'])

  const viaOci = await skopeoCopy(`oci-archive:${target}:latest`, workDir)
  expect(await readFile(join(viaOci, 'manifest.json'), 'utf8')).toBe(amd64.imageManifest)
  await skopeoCopy(`docker-archive:${target}`, workDir)

  const root = await mkdtemp(join(tmpdir(), 'elb-podman-'))
  try {
    const podman = (...args: string[]) =>
      run('podman', [
        '--root',
        join(root, 's'),
        '--runroot',
        join(root, 'r'),
        '--storage-driver',
        'vfs',
        ...args,
      ])
    await podman('load', '-i', target)
    const { stdout } = await podman('images', '--format', '{{.Id}}', '--no-trunc')
    expect(stdout).toContain(amd64.config!.digest.slice(7))
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})

test('cancels an export halfway, then resumes it from the tray after a reload: the layer in flight continues with Range', async ({
  page,
  registry,
  workDir,
}) => {
  const { index, arm64 } = registry.samples().multiArch
  const curl = arm64.layers[1]!
  registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 2_000, digest: curl.digest })
  await openImagePage(page, bridge, index.imageDigest, arm64.imageDigest)
  await page.getByRole('button', { name: 'Save image…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Save image' })
  await dialog.getByLabel('Platforms').selectOption(arm64.imageDigest)
  const target = join(bridge.downloadDir, 'arm64')
  await dialog.getByLabel('Save to').fill(target)
  await dialog.getByRole('button', { name: 'Save' }).click()

  const row = exportRow(page)
  const bar = row.getByRole('progressbar')
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0)
  await row.getByRole('button', { name: 'Cancel' }).click()
  await expect(row.getByText(/^Cancelled/)).toBeVisible()
  expect(await readdir(target)).not.toContain('index.json')

  registry.clearBlobRequestLog()
  await page.reload()
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible()
  await page.getByRole('button', { name: 'Downloads' }).click()
  const unfinished = page.getByRole('list', { name: 'Unfinished exports' })
  await expect(unfinished).toContainText(target)
  await unfinished.getByRole('button', { name: 'Resume' }).click()
  await expect(exportRow(page).getByText(/^verified: \d+ blobs, \d+ bytes$/)).toBeVisible()

  const requests = registry.blobRequestLog().filter((e) => e.digest === curl.digest)
  expect(requests).toHaveLength(1)
  expect(requests[0]?.range).toMatch(/^bytes=[1-9]\d*-$/)
  const out = await skopeoCopy(`oci:${target}:latest`, workDir)
  expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(arm64.imageManifest)
})

test('"Verify a layout…" from the tray checks the layout the spec saved, then names the blob it damaged', async ({
  page,
  registry,
}) => {
  // Eight screenshots on top of a save and two checks.
  test.slow()
  const { index, amd64 } = registry.samples().multiArch
  await openImagePage(page, bridge, index.imageDigest, amd64.imageDigest)
  await page.getByRole('button', { name: 'Save image…' }).click()
  const save = page.getByRole('dialog', { name: 'Save image' })
  await save.getByLabel('Platforms').selectOption(amd64.imageDigest)
  const target = join(bridge.downloadDir, 'amd64-layout')
  await save.getByLabel('Save to').fill(target)
  await save.getByRole('button', { name: 'Save' }).click()
  const saved = exportRow(page).getByText(/^verified: \d+ blobs, \d+ bytes$/)
  await expect(saved).toBeVisible()
  const endCheck = await saved.textContent()

  // The check the tray offers: the path typed (the web bridge has no file dialog).
  const tray = page.getByRole('region', { name: 'Downloads' })
  await tray.getByRole('button', { name: 'Verify a layout…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Verify a layout' })
  const path = dialog.getByRole('textbox', { name: 'Layout folder or .tar' })
  await dialog.getByRole('button', { name: 'Choose .tar…' }).click()
  await expect(dialog.getByText(/^No file dialog here: type the full path/)).toBeVisible()
  await path.fill(target)
  await dialog.getByRole('button', { name: 'Verify' }).click()
  const status = dialog.getByRole('status')
  // Every blob re-hashed gives the same count and bytes as the export's own end check.
  await expect(status.getByText(/^verified: \d+ blobs, \d+ bytes$/)).toHaveText(endCheck!)
  await expect(status.getByRole('list', { name: 'Images in the layout' })).toContainText(
    amd64.imageDigest,
  )
  await shots(page, 'verify-layout-ok')

  // One byte of a layer flipped on disk: the check names that layer's digest.
  const layer = (JSON.parse(amd64.imageManifest) as { layers: { digest: string }[] }).layers[0]!
  const file = join(target, 'blobs', 'sha256', layer.digest.slice(7))
  const bytes = await readFile(file)
  bytes[100] = bytes[100]! ^ 0x01
  await writeFile(file, bytes)
  await dialog.getByRole('button', { name: 'Verify' }).click()
  await expect(status.getByText('Not a valid layout')).toBeVisible()
  await expect(status.getByRole('list', { name: 'Problems found' })).toHaveText(
    `Blob ${layer.digest} does not match its digest: it is damaged.`,
  )
  await shots(page, 'verify-layout-damaged')
})

/**
 * Screenshots into test-results/screens/ (light and dark, 1400×900 and 900×700), and axe-core on
 * the open dialog in both schemes: nothing serious or critical, colour contrast included.
 */
async function shots(page: Page, name: string) {
  for (const size of [
    { width: 1400, height: 900 },
    { width: 900, height: 700 },
  ]) {
    await page.setViewportSize(size)
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      await screenshot(page, `${name}-${size.width}-${colorScheme}`)
      if (size.width !== 1400) continue
      const results = await new AxeBuilder({ page })
        .include('[role="dialog"]')
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze()
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`)
      expect(serious, `${name} (${colorScheme})`).toEqual([])
    }
  }
  await page.setViewportSize({ width: 1400, height: 900 })
  await page.emulateMedia({ colorScheme: 'light' })
}
