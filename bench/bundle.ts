import { execFile } from 'node:child_process'
import { readdir, readFile, rm, stat, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { folderSize, packLinuxDir } from '../scripts/package-check'
import { ratio, table, type Suite } from './suite'

// Bundle budgets: what the app costs to download, install and start, each against a budget the
// README justifies ("Bundle budgets"). Built fresh (electron-vite build), then packed for Linux
// around the Electron stand-in, as the packaging check does.

const ROOT = resolve(import.meta.dirname, '..')
const KiB = 1024
const MiB = 1024 * KiB

/** The budgets, in bytes; README › Bundle budgets says why each is what it is. */
export const BUDGETS = {
  rendererJsGzip: 512 * KiB,
  mainBundle: 768 * KiB,
  preload: 32 * KiB,
  asar: 24 * MiB,
  linuxDir: 26 * MiB,
} as const

const size = (bytes: number) =>
  bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${(bytes / KiB).toFixed(0)} KiB`

async function filesUnder(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
}

export const bundle: Suite = {
  id: 'bundle',
  title: 'Bundle budgets',
  async run() {
    await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      {
        cwd: ROOT,
        maxBuffer: 16 * MiB,
      },
    )
    let rendererRaw = 0
    let rendererGzip = 0
    for (const file of await filesUnder(join(ROOT, 'out/renderer'), /\.js$/)) {
      const bytes = await readFile(file)
      rendererRaw += bytes.length
      rendererGzip += gzipSync(bytes, { level: 9 }).length
    }
    let main = 0
    for (const file of await filesUnder(join(ROOT, 'out/main'), /\.js$/))
      main += (await stat(file)).size

    const preload = (await stat(join(ROOT, 'out/preload/index.cjs'))).size

    const work = await mkdtemp(join(tmpdir(), 'elb-bench-bundle-'))
    let asar: number
    let linuxDir: number
    try {
      const appOutDir = await packLinuxDir(work)
      asar = (await stat(join(appOutDir, 'resources', 'app.asar'))).size
      linuxDir = await folderSize(appOutDir)
    } finally {
      await rm(work, { recursive: true, force: true })
    }

    const rows: [string, number, number, string][] = [
      [
        'Renderer JavaScript, gzip -9',
        rendererGzip,
        BUDGETS.rendererJsGzip,
        `${size(rendererRaw)} before gzip`,
      ],
      [
        'Main-process bundle (out/main)',
        main,
        BUDGETS.mainBundle,
        'dependencies stay external, in the asar',
      ],
      [
        'Preload (out/preload/index.cjs)',
        preload,
        BUDGETS.preload,
        'channel names only (shared/ipc/channels.ts); 198 KiB while it bundled zod and the schemas',
      ],
      ['app.asar', asar, BUDGETS.asar, 'built app + production dependencies'],
      [
        'Linux `dir` output, installed',
        linuxDir,
        BUDGETS.linuxDir,
        'around an Electron stand-in: our files only, Electron itself adds ~250 MiB',
      ],
    ]
    const missed = rows
      .filter(([, value, budget]) => value > budget)
      .map(([name, value, budget]) => `${name}: ${size(value)} over its ${size(budget)} budget`)
    const markdown = [
      'Sizes of a fresh `electron-vite build` and of the Linux `dir` target electron-builder packs around the packaging check\'s Electron stand-in (`scripts/package-check.ts`); budgets and their reasons are in the README ("Bundle budgets").',
      '',
      table(
        ['What', 'Size', 'Budget', 'Ratio', 'Budget met', 'Note'],
        rows.map(([name, value, budget, note]) => [
          name,
          size(value),
          size(budget),
          ratio(value, budget),
          value <= budget ? 'met' : '**missed**',
          note,
        ]),
      ),
    ].join('\n')
    const summary = rows
      .map(
        ([name, value, budget]) =>
          `${name}: ${size(value)} / ${size(budget)} = ${ratio(value, budget)}`,
      )
      .join('\n')
    return { markdown, console: summary, missed }
  },
}
