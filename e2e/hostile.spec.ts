import { lstat, readdir, readlink, realpath } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { isInside } from '../electron/core/fs/inside'
import type { Page } from '@playwright/test'
import { expect, openApp, test } from './fixtures'

// A new user tries demo/hostile: looks inside each layer of its latest image, extracts the whole
// layer into the download folder, and is told which entries were refused and why. Afterwards the
// real filesystem shows nothing escaped: nothing new outside the download folder, and every link
// in what was extracted stays inside it.

/** Everything under a folder: relative paths, with link targets. */
async function listAll(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (current: string) => {
    for (const name of (await readdir(current)).sort()) {
      const at = join(current, name)
      const info = await lstat(at)
      const rel = relative(dir, at)
      if (info.isSymbolicLink()) out.push(`${rel} -> ${await readlink(at)}`)
      else if (info.isDirectory()) {
        out.push(`${rel}/`)
        await walk(at)
      } else out.push(rel)
    }
  }
  await walk(dir)
  return out
}

// Where a link leads, walked name by name from the filesystem root as the OS does (missing names
// taken as folders someone could make later); null for a loop.
async function leadsTo(link: string): Promise<string | null> {
  let hops = 0
  const walk = async (parts: string[], target: string): Promise<string[] | null> => {
    let here = isAbsolute(target) ? [] : [...parts]
    for (const name of target.split('/')) {
      if (name === '' || name === '.') continue
      if (name === '..') {
        here = here.slice(0, -1)
        continue
      }
      const at = sep + [...here, name].join(sep)
      const info = await lstat(at).catch(() => null)
      if (!info?.isSymbolicLink()) {
        here = [...here, name]
        continue
      }
      if (++hops > 40) return null
      const next = await walk(here, await readlink(at))
      if (next === null) return null
      here = next
    }
    return here
  }
  const parts = (await realpath(dirname(link))).split(sep).filter(Boolean)
  const end = await walk(parts, await readlink(link))
  return end === null ? null : sep + end.join(sep)
}

/** Looks inside a layer of the image on screen, extracts all of it; returns the folder made. */
async function lookInsideAndExtract(page: Page, layer: number, downloads: string): Promise<string> {
  await page.getByRole('link', { name: `Look inside layer ${layer}` }).click()
  await expect(page.getByRole('heading', { level: 1, name: /^Files of layer/ })).toBeVisible()
  await expect(page.getByRole('treegrid', { name: 'Files' })).toBeVisible()
  const whole = page.getByRole('region', { name: 'Extract the whole layer' })
  await whole.getByRole('button', { name: 'Extract the whole layer' }).click()
  const outcome = whole.getByRole('status')
  await expect(outcome).toContainText('Extracted the layer to')
  const text = (await outcome.textContent()) ?? ''
  const folder = new RegExp(
    `${downloads.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/layer-[0-9a-f]{12}`,
  )
  const path = folder.exec(text)?.[0]
  expect(path, text).toBeDefined()
  return path!
}

test('extracting demo/hostile writes nothing outside the chosen folder and says what it refused', async ({
  page,
  bridge,
  workDir,
}) => {
  await openApp(page, bridge)
  await page.getByRole('button', { name: 'Open demo registry' }).click()
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('demo/hostile')
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name: 'demo/hostile', exact: true })
    .click()
  await page
    .getByRole('table', { name: 'Images' })
    .getByRole('link', { name: /(^|, )latest(,|$)/ })
    .click()
  await expect(page.getByRole('table', { name: 'Layers' })).toBeVisible()
  const image = page.url()
  const before = await listAll(workDir)

  // Layer 1: the shadow link, an absolute link, a link that climbs out.
  const first = await lookInsideAndExtract(page, 1, bridge.downloadDir)
  const refused = page
    .getByRole('region', { name: 'Extract the whole layer' })
    .getByRole('list', { name: 'Left out for safety' })
  await expect(page.getByText('3 entries left out for safety:')).toBeVisible()
  await expect(refused.getByRole('listitem')).toHaveText([
    /^etc\/shadow-link: symlink to (\.\.\/){14}etc\/shadow points outside the folder$/,
    'etc/passwd-link: symlink to /etc/passwd points outside the folder',
    'app/up: symlink to ../../outside points outside the folder',
  ])

  // Layer 2: links to links, a loop, a hardlink to a link, a file written through a link.
  await page.goto(image)
  const second = await lookInsideAndExtract(page, 2, bridge.downloadDir)
  await expect(page.getByText('4 entries left out for safety:')).toBeVisible()
  await expect(refused.getByRole('listitem')).toHaveText([
    'chain/escape: symlink to inner/up/../.. points outside the folder (through the link chain/inner/up -> ..)',
    /^chain\/ping: symlink to pong points outside the folder: it goes round a loop of links/,
    'chain/hard-to-link: hardlink to chain/inner/up is not a regular file in this layer',
    'www/html/index.html: refused: it would be written through a symlink',
  ])

  // On disk: the two layer folders in the download folder, with what was safe to write; nothing
  // new anywhere else in the test's folder (the bridge's own data aside); every link inside
  // leads inside.
  expect((await readdir(bridge.downloadDir)).sort()).toEqual(
    [relative(bridge.downloadDir, first), relative(bridge.downloadDir, second)].sort(),
  )
  expect(await listAll(first)).toEqual([
    'app/',
    'app/config.yaml',
    'app/current -> config.yaml',
    'etc/',
    'etc/hostname',
  ])
  expect(await listAll(second)).toEqual([
    'chain/',
    'chain/inner/',
    'chain/inner/up -> ..',
    'chain/pong -> ping',
    'www/',
    'www/html -> public',
    'www/public/',
    'www/public/index.html',
  ])
  const outsideDownloads = (list: string[]) =>
    list.filter((p) => !p.startsWith('downloads/') && !p.startsWith('data/'))
  expect(outsideDownloads(await listAll(workDir))).toEqual(outsideDownloads(before))
  for (const root of [first, second]) {
    for (const entry of await listAll(root)) {
      const [path, target] = entry.split(' -> ')
      if (target === undefined) continue
      const end = await leadsTo(join(root, path!))
      expect(end, `${entry} goes round a loop`).not.toBeNull()
      expect(isInside(resolve(root), end!), `${entry} leads to ${end}`).toBe(true)
    }
  }
})
