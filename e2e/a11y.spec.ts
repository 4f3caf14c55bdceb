import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { APP_PAGES } from './pages'

// axe-core on every page, light and dark: as it opens, then with its first primary button (or
// first button) hovered and focused, so the states a pointer and a keyboard bring are checked
// too. No serious or critical violation, colour contrast included. The page also loads without a
// 404 (the favicon) and without a CSP warning from the meta tag.

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze()
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 5)
          .map(
            (node) =>
              `${node.target.join(' ')}${node.failureSummary ? ` [${node.failureSummary.replace(/\s+/g, ' ')}]` : ''}`,
          )
          .join('; ')}`,
    )
}

for (const appPage of APP_PAGES) {
  test(`axe finds nothing serious on ${appPage.name}, light and dark, hovered and focused`, async ({
    page,
    bridge,
  }) => {
    // axe walks the whole DOM four times; on a busy two-core machine that takes a while.
    test.setTimeout(240_000)
    const missing: string[] = []
    const warnings: string[] = []
    page.on('response', (response) => {
      if (response.status() === 404) missing.push(response.url())
    })
    page.on('console', (message) => {
      if (/Content Security Policy|frame-ancestors/i.test(message.text())) {
        warnings.push(message.text())
      }
    })
    await page.setViewportSize({ width: 1400, height: 900 })
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      await appPage.open(page, bridge)
      const where = `${appPage.name} (${colorScheme})`
      expect(await seriousViolations(page), `${where}: as it opens`).toEqual([])

      // Inside an open dialog if there is one: the page behind it is inert.
      const dialog = page.getByRole('dialog')
      const scope = (await dialog.count()) > 0 ? dialog : page.locator('body')
      const primary = scope.locator('button.primary:visible').first()
      const target = (await primary.count()) > 0 ? primary : scope.locator('button:visible').first()
      await target.hover()
      await target.focus()
      expect(await seriousViolations(page), `${where}: a button hovered and focused`).toEqual([])
    }
    expect(missing, 'no request answered 404').toEqual([])
    expect(warnings, 'no CSP warning').toEqual([])
  })
}
