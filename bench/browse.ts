import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from '@playwright/test'
import { launchBridge, type BridgeRun } from '../e2e/fixtures'
import config from '../playwright.config'
import { ms, ratio, stats, table, type Suite, type SuiteResult } from './suite'

// Browsing at scale (issue 3): 10,000 repositories and the 50,000 images of demo/scale-50k, in
// Debian's Chromium driving the real renderer through the web bridge, as the e2e tests do.

const ROOT = resolve(import.meta.dirname, '..')
const REPOSITORIES = 10_000
const IMAGES = 50_000
const SCALE_REPOSITORY = 'demo/scale-50k'
const VIEWPORT = { width: 1280, height: 720 }
const SCROLL_STEPS = 300
const GOALS = { pageSize: 1000, domRows: 150, keystrokeMs: 50, navigationRatio: 1.1 }
// Issues 13 and 14 (referrers, findings) must leave opening demo/scale-50k as fast as before them:
// the build they are measured against, and how many alternating rounds each build gets.
const BASELINE = process.env.BENCH_BROWSE_BASELINE ?? '2afef5a'
const NAVIGATION_ROUNDS = 15
// 20 keystrokes each: ten characters typed, then erased one by one.
const REPOSITORY_KEYS = [...'service-01', ...Array<string>(10).fill('Backspace')]
const IMAGE_KEYS = [...'build-1234', ...Array<string>(10).fill('Backspace')]

/** What one list measured. */
interface ListMeasures {
  label: string
  count: number
  calls: number
  firstRowMs: number
  allLoadedMs: number
  maxRows: number
  lastRowReached: boolean
  scrollFrameMs: { median: number; p95: number }
  keystrokes: number[]
}

export const browse: Suite = {
  id: 'browse',
  title: 'Browsing: 10,000 repositories and 50,000 images',
  async run(): Promise<SuiteResult> {
    await ensureRendererBuilt()
    const workDir = await mkdtemp(join(tmpdir(), 'elb-bench-'))
    const bridge = await launchBridge(workDir, {
      ECR_LAYER_BROWSER_DEMO_REPOSITORIES: String(REPOSITORIES),
    })
    const browser = await chromium.launch(config.use?.launchOptions)
    try {
      const page = await browser.newPage({ viewport: VIEWPORT })
      // tsx compiles with esbuild's keepNames, which wraps named functions in __name(); the
      // probes below are sent to the page as source text, so the page needs that helper too.
      await page.addInitScript({ content: 'globalThis.__name = (target) => target' })
      await page.addInitScript(installProbes)

      // Warm-up: start the demo registry and let main seed it; not measured.
      await page.goto(bridge.url)
      await page.getByRole('button', { name: 'Open demo registry' }).click()
      await waitForStatus(page, `${count(REPOSITORIES)} repositories`)

      const repositories = await measureList(page, bridge, {
        label: `${count(REPOSITORIES)} repositories`,
        hash: '',
        tableName: 'Repositories',
        filterName: 'Filter repositories',
        channel: 'ecr:list-repositories',
        total: REPOSITORIES,
        keys: REPOSITORY_KEYS,
      })

      // Warm the registry's generated repository once too, then measure a fresh page load.
      await page.goto(`${bridge.url}#/repositories/${SCALE_REPOSITORY}`)
      await waitForStatus(page, `${count(IMAGES)} images`)
      const images = await measureList(page, bridge, {
        label: `${count(IMAGES)} images (${SCALE_REPOSITORY})`,
        hash: `/repositories/${SCALE_REPOSITORY}`,
        tableName: 'Images',
        filterName: 'Filter images',
        channel: 'ecr:list-images',
        total: IMAGES,
        keys: IMAGE_KEYS,
      })
      await page.close()
      const navigation = await compareNavigation(browser, bridge, workDir)

      return report([repositories, images], navigation, browser.version())
    } finally {
      await browser.close()
      await bridge.stop()
      await rm(workDir, { recursive: true, force: true })
    }
  },
}

interface ListPlan {
  label: string
  hash: string
  tableName: string
  filterName: string
  channel: string
  total: number
  keys: string[]
}

async function measureList(page: Page, bridge: BridgeRun, plan: ListPlan): Promise<ListMeasures> {
  // A fresh document: an empty query cache, as when the app starts on this page.
  await page.goto('about:blank')
  const callsBefore = countResponses(await bridge.trace(), plan.channel)
  await page.goto(`${bridge.url}${plan.hash ? `#${plan.hash}` : ''}`)
  const allLoadedMs = await waitForStatus(page, plan.label.replace(/ \(.*\)$/, ''))
  const firstRowMs = await page.evaluate(() => window.__bench.firstRowPainted)
  const calls = countResponses(await bridge.trace(), plan.channel) - callsBefore

  const scroll = await page.evaluate(scrollTopToBottom, {
    tableName: plan.tableName,
    steps: SCROLL_STEPS,
    total: plan.total,
  })

  await page.getByRole('searchbox', { name: plan.filterName }).focus()
  const keystrokes: number[] = []
  for (const key of plan.keys) {
    await page.evaluate(armKeystroke)
    await page.keyboard.press(key)
    keystrokes.push(await page.evaluate(() => window.__bench.keystroke!))
  }
  return {
    label: plan.label,
    count: plan.total,
    calls,
    firstRowMs: firstRowMs ?? Number.NaN,
    allLoadedMs,
    maxRows: scroll.maxRows,
    lastRowReached: scroll.lastRowReached,
    scrollFrameMs: scroll.frameMs,
    keystrokes,
  }
}

/** One opening of demo/scale-50k, timed from the click in the repositories list. */
interface Opening {
  firstRowMs: number
  allLoadedMs: number
}

/** Both builds' openings, or why the baseline could not be measured. */
type NavigationMeasures =
  | { ours: Opening[]; baseline: Opening[]; baselineBuild: string }
  | { ours: Opening[]; baseline: null; why: string }

/**
 * Opens demo/scale-50k from the repositories list in this build and in the baseline build, each
 * served by its own web bridge (and demo registry) in its own browser context, taking turns so
 * both see the same machine: round by round, the one that went first goes second next time.
 */
async function compareNavigation(
  browser: Browser,
  bridge: BridgeRun,
  workDir: string,
): Promise<NavigationMeasures> {
  const ours = await navigationPage(browser, bridge)
  const baseline = await baselineBridge(join(workDir, 'baseline')).catch((error: Error) => error)
  if (baseline instanceof Error) {
    const openings: Opening[] = []
    for (let round = 0; round < NAVIGATION_ROUNDS; round++) openings.push(await open(ours))
    return { ours: openings, baseline: null, why: baseline.message }
  }
  try {
    const theirs = await navigationPage(browser, baseline.bridge)
    // Warm-up, not measured: each demo registry generates demo/scale-50k on its first use.
    for (const page of [ours, theirs]) {
      await page.goto(`${page.url()}#/repositories/${SCALE_REPOSITORY}`)
      await waitForStatus(page, `${count(IMAGES)} images`)
    }
    const measured = { ours: [] as Opening[], baseline: [] as Opening[] }
    for (let round = 0; round < NAVIGATION_ROUNDS; round++) {
      const turns = [
        [ours, measured.ours],
        [theirs, measured.baseline],
      ] as const
      for (const [page, into] of round % 2 === 0 ? turns : [...turns].reverse()) {
        into.push(await open(page))
      }
    }
    return { ...measured, baselineBuild: baseline.build }
  } finally {
    await baseline.bridge.stop()
  }
}

async function navigationPage(browser: Browser, bridge: BridgeRun): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  await context.addInitScript({ content: 'globalThis.__name = (target) => target' })
  await context.addInitScript(installProbes)
  const page = await context.newPage()
  await page.goto(bridge.url)
  // A fresh data folder (the baseline's) starts at the sign-in screen; ours is signed in already.
  const demo = page.getByRole('button', { name: 'Open demo registry' })
  const listed = page.getByRole('status').filter({ hasText: `${count(REPOSITORIES)} repositories` })
  await demo.or(listed).first().waitFor({ timeout: 60_000 })
  if (await demo.isVisible()) await demo.click()
  await waitForStatus(page, `${count(REPOSITORIES)} repositories`)
  return page
}

/** A fresh document (an empty query cache), the repositories list, then a click on demo/scale-50k. */
async function open(page: Page): Promise<Opening> {
  const address = page.url().replace(/#.*$/, '')
  await page.goto('about:blank')
  await page.goto(address)
  await waitForStatus(page, `${count(REPOSITORIES)} repositories`)
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill(SCALE_REPOSITORY)
  await page.evaluate(() => window.__bench.armNavigation('Images'))
  await page
    .getByRole('table', { name: 'Repositories' })
    .getByRole('link', { name: SCALE_REPOSITORY, exact: true })
    .click()
  const firstRowMs = await page.evaluate(() => window.__bench.navigation!)
  const loadedAt = await waitForStatus(page, `${count(IMAGES)} images`)
  const clickedAt = await page.evaluate(() => window.__bench.clickedAt)
  return { firstRowMs, allLoadedMs: loadedAt - clickedAt }
}

/**
 * The baseline build, from this checkout's history (git archive, so nothing is checked out
 * here), built once into a cache outside the project with this project's node_modules, and
 * started through its own test fixture, as its e2e tests started it.
 */
async function baselineBridge(workDir: string): Promise<{ bridge: BridgeRun; build: string }> {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  let commit: string
  try {
    commit = git('rev-parse', '--verify', `${BASELINE}^{commit}`).trim()
  } catch {
    throw new Error(
      `the baseline commit ${BASELINE} is not in this checkout's history (a shallow clone?)`,
    )
  }
  const tree = join(homedir(), '.cache', 'ecr-layer-browser', 'bench-baseline', commit)
  if (!(await stat(join(tree, 'out', 'renderer', 'index.html')).catch(() => null))) {
    console.log(`Building the baseline ${commit.slice(0, 7)} in ${tree}…`)
    await rm(tree, { recursive: true, force: true })
    await mkdir(tree, { recursive: true })
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${tree}"`], { cwd: ROOT })
    await symlink(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir')
    buildApp(tree)
  }
  const fixtures = (await import(pathToFileURL(join(tree, 'e2e', 'fixtures.ts')).href)) as {
    launchBridge: typeof launchBridge
  }
  await mkdir(workDir, { recursive: true })
  const bridge = await fixtures.launchBridge(workDir, {
    ECR_LAYER_BROWSER_DEMO_REPOSITORIES: String(REPOSITORIES),
  })
  const subject = git('log', '-1', '--format=%h %s', commit).trim()
  return { bridge, build: subject.length > 90 ? `${subject.slice(0, 89)}…` : subject }
}

/** Waits until the list's count says `text`; returns when that was, from navigation start. */
async function waitForStatus(page: Page, text: string): Promise<number> {
  const handle = await page.waitForFunction(
    (expected) => {
      const found = [...document.querySelectorAll('[role="status"]')].some(
        (status) => status.textContent === expected,
      )
      return found ? performance.now() : 0
    },
    text,
    { timeout: 180_000, polling: 'raf' },
  )
  return handle.jsonValue()
}

const countResponses = (trace: string, channel: string): number =>
  trace.split('\n').filter((line) => line.startsWith(`response ${channel} {"ok":true`)).length

const count = (value: number): string => new Intl.NumberFormat('en-US').format(value)

// ---- In-page probes (run in Chromium; they only read the DOM and the clock) ----

declare global {
  interface Window {
    __bench: {
      firstRowPainted: number | null
      /** When the armed navigation's click was, from navigation start. */
      clickedAt: number
      keystroke: Promise<number> | null
      navigation: Promise<number> | null
      armNavigation: (tableName: string) => void
      /** Calls back once the frame showing the current DOM has been painted. */
      afterPaint: (callback: () => void) => void
    }
  }
}

/** Installed before the app loads: stamps the first table row painted, and arms navigations. */
function installProbes(): void {
  // requestAnimationFrame runs before the frame is painted; a message posted from it is handled
  // after that paint.
  const painted = (callback: () => void) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => callback()
      channel.port2.postMessage(null)
    })
  const bench: Window['__bench'] = {
    afterPaint: painted,
    firstRowPainted: null,
    clickedAt: 0,
    keystroke: null,
    navigation: null,
    armNavigation(tableName) {
      bench.navigation = new Promise((resolve) => {
        let clicked = 0
        addEventListener('click', () => (bench.clickedAt = clicked = performance.now()), {
          capture: true,
          once: true,
        })
        const observer = new MutationObserver(() => {
          const row = document.querySelector(
            `[role="table"][aria-label="${tableName}"] [role="row"][data-index]`,
          )
          if (!row || !clicked) return
          observer.disconnect()
          painted(() => resolve(performance.now() - clicked))
        })
        observer.observe(document, { childList: true, subtree: true })
      })
    },
  }
  window.__bench = bench
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[role="table"] [role="row"][data-index]')) return
    observer.disconnect()
    painted(() => (bench.firstRowPainted = performance.now()))
  })
  observer.observe(document, { childList: true, subtree: true })
}

/**
 * Arms a measurement for the next keystroke into the focused filter: from its keydown to the
 * frame painted after the list shows the new filter (the count's data-filter, which the same
 * React commit as the rows updates, equals the field's value).
 */
function armKeystroke(): void {
  const input = document.activeElement as HTMLInputElement
  const status = document.querySelector('[role="status"][data-filter]')!
  window.__bench.keystroke = new Promise((resolve) => {
    let down = 0
    input.addEventListener('keydown', () => (down = performance.now()), {
      capture: true,
      once: true,
    })
    const observer = new MutationObserver(() => {
      if (!down || status.getAttribute('data-filter') !== input.value) return
      observer.disconnect()
      window.__bench.afterPaint(() => resolve(performance.now() - down))
    })
    observer.observe(status, { attributes: true, attributeFilter: ['data-filter'] })
  })
}

/** Scrolls the table from top to bottom in even steps, counting the rows in the DOM after each. */
async function scrollTopToBottom(plan: {
  tableName: string
  steps: number
  total: number
}): Promise<{
  maxRows: number
  lastRowReached: boolean
  frameMs: { median: number; p95: number }
}> {
  const grid = document.querySelector(`[role="table"][aria-label="${plan.tableName}"]`)!
  const scroller = grid.querySelector<HTMLElement>('.table-scroll')!
  const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))
  const range = scroller.scrollHeight - scroller.clientHeight
  const times: number[] = []
  let maxRows = 0
  for (let step = 0; step <= plan.steps; step++) {
    const started = performance.now()
    scroller.scrollTop = Math.round((range * step) / plan.steps)
    await frame()
    await frame()
    times.push(performance.now() - started)
    maxRows = Math.max(maxRows, grid.querySelectorAll('[role="row"]').length)
  }
  const last = grid.querySelector(`[role="row"][aria-rowindex="${plan.total + 1}"]`)
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!
  return { maxRows, lastRowReached: last !== null, frameMs: { median: at(0.5), p95: at(0.95) } }
}

// ---- The report ----

function report(
  lists: ListMeasures[],
  navigation: NavigationMeasures,
  chromiumVersion: string,
): SuiteResult {
  const missed: string[] = []
  const rows: string[][] = []
  for (const list of lists) {
    const goalCalls = Math.ceil(list.count / GOALS.pageSize)
    const keys = stats(list.keystrokes)
    if (list.calls > goalCalls) missed.push(`${list.label}: ${list.calls} calls > ${goalCalls}`)
    if (list.maxRows > GOALS.domRows) {
      missed.push(`${list.label}: ${list.maxRows} DOM rows > ${GOALS.domRows}`)
    }
    if (!list.lastRowReached) missed.push(`${list.label}: the last row never rendered`)
    if (keys.p95 > GOALS.keystrokeMs) {
      missed.push(`${list.label}: keystroke p95 ${ms(keys.p95)} > ${GOALS.keystrokeMs} ms`)
    }
    const verdict = (ok: boolean) => (ok ? 'met' : '**missed**')
    rows.push(
      [
        list.label,
        'API calls (DescribeRepositories/DescribeImages pages)',
        String(list.calls),
        `≤ ${goalCalls} (ceil(N/1000))`,
        ratio(list.calls, goalCalls),
        verdict(list.calls <= goalCalls),
      ],
      [
        list.label,
        'First row painted, from navigation start (fresh page)',
        ms(list.firstRowMs),
        '—',
        '—',
        '',
      ],
      [list.label, 'All pages loaded and counted', ms(list.allLoadedMs), '—', '—', ''],
      [
        list.label,
        `Max DOM rows while scrolling top → bottom (${SCROLL_STEPS} steps)`,
        String(list.maxRows),
        `≤ ${GOALS.domRows}`,
        ratio(list.maxRows, GOALS.domRows),
        verdict(list.maxRows <= GOALS.domRows && list.lastRowReached),
      ],
      [
        list.label,
        'Scroll step → painted, median / p95',
        `${ms(list.scrollFrameMs.median)} / ${ms(list.scrollFrameMs.p95)}`,
        '—',
        '—',
        '',
      ],
      [
        list.label,
        `Filter keystroke → repaint, median / p95 (${list.keystrokes.length} keys)`,
        `${ms(keys.median)} / ${ms(keys.p95)}`,
        `≤ ${GOALS.keystrokeMs} ms`,
        `${ratio(keys.median, GOALS.keystrokeMs)} / ${ratio(keys.p95, GOALS.keystrokeMs)}`,
        verdict(keys.p95 <= GOALS.keystrokeMs),
      ],
    )
  }
  const opening = `Open ${SCALE_REPOSITORY} from the repositories list`
  const spread = (values: number[]) =>
    `${ms(stats(values).median)} (${ms(Math.min(...values))}–${ms(Math.max(...values))})`
  for (const [measure, pick] of [
    ['Click → first image row painted', (o: Opening) => o.firstRowMs],
    [`Click → all ${count(IMAGES)} images counted`, (o: Opening) => o.allLoadedMs],
  ] as const) {
    const ours = navigation.ours.map(pick)
    const label = `${measure}, median (min–max) of ${ours.length}`
    if (navigation.baseline === null) {
      missed.push(`${opening}: ${measure}: not compared (${navigation.why})`)
      rows.push([
        opening,
        label,
        spread(ours),
        `≤ ${BASELINE} × ${GOALS.navigationRatio}`,
        '—',
        '**not measured**',
      ])
      continue
    }
    const theirs = navigation.baseline.map(pick)
    const factor = stats(ours).median / stats(theirs).median
    const met = factor <= GOALS.navigationRatio
    if (!met) missed.push(`${opening}: ${measure}: ${factor.toFixed(2)}× the baseline`)
    rows.push([
      opening,
      label,
      spread(ours),
      `≤ ${GOALS.navigationRatio.toFixed(2)}× the baseline: ${spread(theirs)}`,
      `${factor.toFixed(2)}×`,
      met ? 'met' : '**missed**',
    ])
  }
  const baselineLine =
    navigation.baseline === null
      ? `The baseline build could not be measured: ${navigation.why}.`
      : `The baseline is \`${navigation.baselineBuild}\`, the build before referrers were grouped under their subject and findings were listed (issues 13 and 14).`
  const header = ['List', 'Measure', 'Result', 'Goal', 'Ratio', 'Goal met']
  const markdown = `Chromium ${chromiumVersion} (${config.use?.launchOptions?.executablePath ?? 'bundled'}), viewport ${VIEWPORT.width}×${VIEWPORT.height}, the production renderer bundle served by the web bridge (\`npm run web\`) with the built-in demo registry (\`ECR_LAYER_BROWSER_DEMO_REPOSITORIES=${REPOSITORIES}\`).

${table(header, rows)}

How each number is taken:

- **API calls**: the bridge's trace of IPC responses while a fresh page loads the list; each \`listRepositories\`/\`listImages\` answer is one DescribeRepositories/DescribeImages call with \`maxResults\` 1000 (main does not page on its own).
- **First row**: a MutationObserver installed before the app loads notes the first table row, then waits for the next frame to be painted (\`requestAnimationFrame\`, then a message); times are \`performance.now()\` from navigation start, so they include loading the bundle and the connection. The registry was warmed once before (the demo registry generates its data on first use; a real registry has it already).
- **All pages loaded**: when the count in the toolbar first shows the full total.
- **DOM rows**: every \`role="row"\` in the table (header included) after each of ${SCROLL_STEPS} even scroll steps from top to bottom, two frames apart; the last row must have been rendered.
- **Keystroke → repaint**: in the page, from the \`keydown\` of a real key press (Playwright \`keyboard.press\`, so the browser's own input path) to the frame painted after the list's commit for the new filter text (the count's \`data-filter\` equals the field). Ten characters typed, then erased with Backspace: \`${REPOSITORY_KEYS.slice(0, 10).join('')}\` on the repositories, \`${IMAGE_KEYS.slice(0, 10).join('')}\` on the images.
- **Open ${SCALE_REPOSITORY}**: this build and the baseline, each served by its own web bridge and demo registry in its own browser context, take turns ${NAVIGATION_ROUNDS} times (the first of a round goes second in the next). Each time: a fresh document, the repositories list, the filter set to the repository, then a real click on its link; from the click (a capturing listener) to the frame painted after the first image row is in the DOM, and to the frame where the count first shows all ${count(IMAGES)}. Both registries were warmed on this repository first. The goal allows ${Math.round((GOALS.navigationRatio - 1) * 100)} % for noise: \`BENCH_BROWSE_BASELINE=HEAD npm run bench -- browse\` measures this build against itself, which shows how far apart two medians of the same code land here. ${baselineLine}`
  const consoleLines = rows.map(
    ([list, measure, result, goal, ratioText, met]) =>
      `${list!.padEnd(32)} ${measure!.padEnd(68)} ${result!.padStart(20)}  goal ${goal!.padEnd(24)} ${ratioText!.padEnd(13)} ${met ?? ''}`,
  )
  return { markdown, console: consoleLines.join('\n'), missed }
}

/** Builds the renderer when out/ is missing or older than its sources. */
/** Builds the app (electron-vite) unless out/renderer is newer than renderer/ and shared/. */
export async function ensureRendererBuilt(): Promise<void> {
  const built = await stat(join(ROOT, 'out', 'renderer', 'index.html')).catch(() => null)
  const newest = Math.max(
    await newestIn(join(ROOT, 'renderer')),
    await newestIn(join(ROOT, 'shared')),
  )
  if (built && built.mtimeMs >= newest) return
  console.log('Building the renderer (electron-vite build)…')
  buildApp(ROOT)
}

/** `electron-vite build` in a project folder, with this project's electron-vite. */
function buildApp(cwd: string): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd, stdio: 'inherit' },
  )
}

async function newestIn(dir: string): Promise<number> {
  let newest = 0
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const info = await stat(join(entry.parentPath, entry.name))
    newest = Math.max(newest, info.mtimeMs)
  }
  return newest
}
