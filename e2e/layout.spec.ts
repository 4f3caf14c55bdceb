import type { Page } from '@playwright/test'
import { expect, openApp, test } from './fixtures'
import { APP_PAGES, screenshot } from './pages'

// Every page at a roomy and at a small window, light and dark: no two sections overlap, no text in
// the main tables is cut off without a way to read it, no column is lost out of reach, and the
// first primary action is on screen. A screenshot of each goes to test-results/screens/.

const SIZES = [
  { width: 1400, height: 900 },
  { width: 900, height: 700 },
] as const

interface LayoutReport {
  overlaps: string[]
  clipped: string[]
  lostColumns: string[]
  primary: { label: string; onScreen: boolean } | null
}

/** Measures the page in the browser: what overlaps, what is clipped, what cannot be reached. */
function measure(page: Page): Promise<LayoutReport> {
  return page.evaluate(() => {
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`
    const visible = (el: Element) => {
      const style = getComputedStyle(el)
      const rect = el.getBoundingClientRect()
      return (
        style.display !== 'none' &&
        style.visibility !== 'hidden' &&
        rect.width > 0 &&
        rect.height > 0
      )
    }
    // Blocks in the normal flow: inline runs of a paragraph wrap by design.
    const BLOCK = ['block', 'flex', 'grid', 'table', 'list-item', 'flow-root']
    const inFlow = (el: Element) => {
      const style = getComputedStyle(el)
      return !['absolute', 'fixed'].includes(style.position) && BLOCK.includes(style.display)
    }

    // Sections: the frame's parts, the page's parts, and each part's own blocks.
    const overlaps: string[] = []
    const containers = [
      ...document.querySelectorAll(
        '.app, main, main > *, .page-header, .image-section, .contents-page > *, .image-files, [role="tabpanel"]',
      ),
    ]
    for (const container of containers) {
      const children = [...container.children].filter((c) => visible(c) && inFlow(c))
      for (let i = 0; i < children.length; i++) {
        for (let j = i + 1; j < children.length; j++) {
          const a = children[i]!.getBoundingClientRect()
          const b = children[j]!.getBoundingClientRect()
          const x = Math.min(a.right, b.right) - Math.max(a.left, b.left)
          const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)
          if (x > 1 && y > 1) {
            overlaps.push(
              `${describe(children[i]!)} overlaps ${describe(children[j]!)} (${Math.round(x)}×${Math.round(y)})`,
            )
          }
        }
      }
    }

    // Table cells: text that overflows its cell is clipped unless it ends in an ellipsis and the
    // full text is in a tooltip (the cell's title, or its only link's).
    const clipped: string[] = []
    const cells = document.querySelectorAll(
      '[role="table"] [role="cell"], [role="treegrid"] [role="gridcell"], table td, table th',
    )
    for (const cell of cells) {
      if (!visible(cell) || !(cell instanceof HTMLElement)) continue
      if (cell.scrollWidth <= cell.clientWidth + 1) continue
      const style = getComputedStyle(cell)
      const tooltip = cell.title || cell.querySelector('[title]')?.getAttribute('title')
      if (style.textOverflow === 'ellipsis' && tooltip) continue
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') continue
      clipped.push(`${describe(cell)}: "${cell.textContent?.slice(0, 60)}"`)
    }

    // Columns: a header past the right edge of what shows must be reachable by scrolling.
    const lostColumns: string[] = []
    const headers = document.querySelectorAll('[role="columnheader"], table th[scope="col"]')
    for (const header of headers) {
      if (!(header instanceof HTMLElement)) continue
      const rect = header.getBoundingClientRect()
      if (getComputedStyle(header).display === 'none' || rect.width < 8) {
        lostColumns.push(`${header.textContent} has no width`)
        continue
      }
      let clip = header.parentElement
      while (clip && getComputedStyle(clip).overflowX === 'visible') clip = clip.parentElement
      if (!clip) continue
      const box = clip.getBoundingClientRect()
      const outside = rect.right > Math.min(box.right, window.innerWidth) + 1
      if (!outside) continue
      // Reachable when some scroll container up the chain can scroll sideways to it.
      let scroller: HTMLElement | null = header.parentElement
      let reachable = false
      while (scroller) {
        const overflow = getComputedStyle(scroller).overflowX
        if (
          (overflow === 'auto' || overflow === 'scroll') &&
          scroller.scrollWidth > scroller.clientWidth
        ) {
          reachable = true
          break
        }
        scroller = scroller.parentElement
      }
      if (!reachable)
        lostColumns.push(`${header.textContent} is outside the window with no scrollbar`)
    }

    const first = [...document.querySelectorAll('button.primary, .button.primary')].find(visible)
    let primary: LayoutReport['primary'] = null
    if (first) {
      const rect = first.getBoundingClientRect()
      primary = {
        label: first.textContent ?? '',
        onScreen:
          rect.top >= 0 &&
          rect.left >= 0 &&
          rect.bottom <= window.innerHeight &&
          rect.right <= window.innerWidth,
      }
    }
    return { overlaps, clipped, lostColumns, primary }
  })
}

for (const appPage of APP_PAGES) {
  test(`layout of ${appPage.name} at 1400×900 and 900×700, light and dark`, async ({
    page,
    bridge,
  }) => {
    test.setTimeout(180_000)
    for (const size of SIZES) {
      await page.setViewportSize(size)
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme })
        await appPage.open(page, bridge)
        const where = `${appPage.name} ${size.width}×${size.height} ${colorScheme}`
        await screenshot(page, `${appPage.name}-${size.width}x${size.height}-${colorScheme}`)
        const report = await measure(page)
        expect(report.overlaps, `${where}: sections overlap`).toEqual([])
        expect(report.clipped, `${where}: clipped table text`).toEqual([])
        expect(report.lostColumns, `${where}: columns out of reach`).toEqual([])
        if (report.primary) {
          expect(report.primary.onScreen, `${where}: "${report.primary.label}" on screen`).toBe(
            true,
          )
        }
      }
    }
  })
}

test('at 900×700 the repository list keeps the pull-through badge in view', async ({
  page,
  bridge,
}) => {
  await page.setViewportSize({ width: 900, height: 700 })
  await APP_PAGES.find((p) => p.name === 'repositories')!.open(page, bridge)
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('ecr-public')
  const row = page.getByRole('table', { name: 'Repositories' }).getByRole('row', {
    name: /ecr-public\/docker\/library\/alpine/,
  })
  const badge = row.getByText(/^pull-through: /)
  await expect(badge).toBeVisible()
  // Wholly inside its cell and the window: not clipped away by the name before it.
  const [cell, box] = await Promise.all([
    row.getByRole('cell').first().boundingBox(),
    badge.boundingBox(),
  ])
  expect(box!.x + box!.width).toBeLessThanOrEqual(Math.min(cell!.x + cell!.width, 900) + 0.5)
  expect(box!.x).toBeGreaterThanOrEqual(cell!.x)
})

/** Opens every folder of the Files tree by keyboard (ArrowRight on each closed one, top down). */
async function expandAllFolders(page: Page): Promise<number> {
  const tree = page.getByRole('treegrid', { name: 'Files' })
  const closed = tree.locator('[role="row"][aria-expanded="false"]')
  let opened = 0
  // Bounded: the demo image has a handful of folders; a runaway loop would be a bug.
  while ((await closed.count()) > 0 && opened < 60) {
    // Pinned by its place: opening it inserts its children below, never above it.
    const index = await closed.first().getAttribute('aria-rowindex')
    const row = tree.locator(`[role="row"][aria-rowindex="${index}"]`)
    await row.focus()
    await page.keyboard.press('ArrowRight')
    await expect(row).not.toHaveAttribute('aria-expanded', 'false')
    opened++
  }
  return opened
}

for (const where of [
  { name: 'contents route', hash: '/contents/demo/web-app/images/1.2.0' },
  { name: 'image Files tab', hash: null },
] as const) {
  test(`the merged Files view (${where.name}) with every folder open: nothing overlaps "Wasted space by path", no text is clipped`, async ({
    page,
    bridge,
  }) => {
    test.setTimeout(180_000)
    await openApp(page, bridge)
    const demo = page.getByRole('button', { name: 'Open demo registry' })
    if (await demo.isVisible()) await demo.click()
    await expect(page.getByRole('table', { name: 'Repositories' })).toBeVisible()
    if (where.hash) {
      await page.goto(`${bridge.url}#${where.hash}`)
    } else {
      await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('demo/web-app')
      await page
        .getByRole('table', { name: 'Repositories' })
        .getByRole('link', { name: 'demo/web-app', exact: true })
        .click()
      await page
        .getByRole('table', { name: 'Images' })
        .getByRole('link', { name: /(^|, )1\.2\.0(,|$)/ })
        .click()
      await page.getByRole('tab', { name: 'Files' }).click()
    }
    const tree = page.getByRole('treegrid', { name: 'Files' })
    await expect(tree).toBeVisible()
    const wasted = page.getByRole('heading', { name: 'Wasted space by path' })
    await expect(wasted).toBeVisible()
    expect(await expandAllFolders(page)).toBeGreaterThan(2)
    for (const size of SIZES) {
      await page.setViewportSize(size)
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme })
        const label = `files-expanded-${where.hash ? 'route' : 'tab'}-${size.width}x${size.height}-${colorScheme}`
        await screenshot(page, label)
        const report = await measure(page)
        expect(report.overlaps, `${label}: sections overlap`).toEqual([])
        expect(report.clipped, `${label}: clipped table text`).toEqual([])
        expect(report.lostColumns, `${label}: columns out of reach`).toEqual([])
        // The tree's box ends above the wasted list: open folders never paint over it.
        const treeBox = (await tree.boundingBox())!
        const wastedBox = (await wasted.boundingBox())!
        expect(
          treeBox.y + treeBox.height,
          `${label}: tree above the wasted list`,
        ).toBeLessThanOrEqual(wastedBox.y + 1)
      }
    }
  })
}
