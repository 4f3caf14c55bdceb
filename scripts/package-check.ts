import { execFile } from 'node:child_process'
import { builtinModules } from 'node:module'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { extractAll, listPackage } from '@electron/asar'
import { build as bundle } from 'esbuild'

// The packaged-app check (`npm run check:package`, part of `npm test`): electron-builder packs the
// Linux `dir` target around an Electron stand-in (there is no Electron binary here), then the
// app.asar it wrote is opened and checked for what breaks packaged Electron apps on users'
// machines: a module the bundles load that is not in the asar ("Cannot find module"), a missing
// renderer asset, and files that must not ship. Fuses need the real binary's sentinel, so the
// afterPack hook skips them for the stand-in and says so (build/after-pack.mjs).

const ROOT = resolve(import.meta.dirname, '..')

/** Must match STAND_IN_MARKER in build/after-pack.mjs (package-check.test.ts checks it). */
export const STAND_IN_MARKER = 'ELB-ELECTRON-STAND-IN'

/** What a sandboxed preload may require(): Electron's own module and its few polyfilled ones. */
const SANDBOXED_PRELOAD_MODULES = new Set(['electron', 'events', 'timers', 'url'])

/** Paths (inside the asar) that must never ship, each with the reason. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\.map$/, 'a source map'],
  [/(^|\/)[^/]+\.(test|spec)\.[cm]?[jt]sx?$/, 'a test'],
  [/(^|\/)(__tests__|e2e|bench)(\/|$)/, 'a test or bench folder'],
  [/(^|\/)\.env(\.[^/]*)?$/, 'an .env file'],
  [/(^|\/)[^/]+(?<!\.d)\.(ts|tsx|mts|cts)$/, 'TypeScript source'],
  [/(^|\/)tsconfig[^/]*\.json$/, 'a TypeScript config'],
  [
    /^\/(electron|renderer|shared|scripts|build|docs|\.github|\.ci)(\/|$)/,
    'a folder of the repository',
  ],
  [
    /^\/(electron-builder\.yml|[^/]+\.config\.[cm]?[jt]s|package-lock\.json|\.npmrc|\.prettierrc[^/]*|README\.md)$/,
    'a developer-only file',
  ],
]

/** What the check found in one app.asar. */
export interface AsarReport {
  /** The asar's size in bytes. */
  size: number
  /** How many files it holds. */
  files: number
  /** The bare modules the main bundle imports (Node built-ins aside). */
  mainImports: string[]
  /** What is wrong, one line each; empty when the asar passes. */
  problems: string[]
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)])
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || BUILTINS.has(specifier)

/**
 * A folder shaped like Linux's unpacked Electron dist, with a script where the binary would be. It
 * carries STAND_IN_MARKER, so the fuses hook knows there is no real binary to flip.
 */
export async function makeElectronStandIn(dir: string, electronVersion: string): Promise<void> {
  await mkdir(join(dir, 'resources'), { recursive: true })
  await mkdir(join(dir, 'locales'), { recursive: true })
  await writeFile(
    join(dir, 'electron'),
    '#!/bin/sh\necho "This is the packaging check\'s stand-in for the Electron binary." >&2\nexit 1\n',
    { mode: 0o755 },
  )
  await writeFile(join(dir, 'version'), electronVersion)
  await writeFile(join(dir, 'LICENSE'), 'Stand-in for the Electron distribution.\n')
  await writeFile(join(dir, 'locales', 'en-US.pak'), '')
  await writeFile(join(dir, STAND_IN_MARKER), 'No Electron binary: fuses cannot be flipped.\n')
}

/**
 * Runs electron-builder for the Linux `dir` target (x64) with the repository's config, around the
 * stand-in, into `outputDir`. Needs `out/` built. Returns the unpacked app's folder.
 */
export async function packLinuxDir(outputDir: string): Promise<string> {
  const pkg = JSON.parse(
    await readFile(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8'),
  ) as { version: string }
  const dist = join(outputDir, 'electron-stand-in')
  await makeElectronStandIn(dist, pkg.version)
  // The CLI merges -c.* over electron-builder.yml, as a release build reads it.
  const cli = join(ROOT, 'node_modules', 'electron-builder', 'cli.js')
  await promisify(execFile)(
    process.execPath,
    [
      cli,
      '--linux',
      'dir',
      '--x64',
      '--publish',
      'never',
      `-c.electronDist=${dist}`,
      `-c.directories.output=${join(outputDir, 'release')}`,
    ],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true' } },
  ).then(({ stdout }) => {
    const skipped = stdout.split('\n').find((line) => line.includes('fuses skipped'))
    if (skipped) console.log(skipped.trim())
  })
  return join(outputDir, 'release', 'linux-unpacked')
}

/**
 * Opens app.asar and checks it: every module the main bundle imports (and every module those load,
 * followed statically) resolves inside the asar or is Electron or a Node built-in; the sandboxed
 * preload requires only what a sandbox offers; the renderer's index.html and every asset it names
 * are there; and no test, bench, source map, .env, TypeScript source or developer-only file is.
 */
export async function checkAsar(asarPath: string): Promise<AsarReport> {
  const problems: string[] = []
  const files = listPackage(asarPath, { isPack: false }).map((path) => path.split('\\').join('/'))
  const size = (await stat(asarPath)).size
  for (const path of files) {
    for (const [pattern, what] of FORBIDDEN) {
      if (pattern.test(path)) problems.push(`${path} is ${what}, which must not ship`)
    }
  }

  // Extracted under a temporary folder with no node_modules above it, so resolving from the app
  // finds only what the asar holds.
  const work = await mkdtemp(join(tmpdir(), 'elb-asar-'))
  try {
    const app = join(work, 'app')
    extractAll(asarPath, app)
    const has = (path: string) => files.includes(path)

    const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as { main?: string }
    const main = `/${(pkg.main ?? 'index.js').replace(/^\.?\//, '')}`
    if (!has(main)) problems.push(`package.json's main (${main}) is not in the asar`)

    const mainImports: string[] = []
    if (has(main)) {
      const resolved = await followImports(join(app, main), 'esm', app)
      mainImports.push(...resolved.direct.filter((specifier) => !isBuiltin(specifier)))
      problems.push(...resolved.problems.map((line) => `main bundle: ${line}`))
    }

    const preload = '/out/preload/index.cjs'
    if (!has(preload)) problems.push(`${preload} is not in the asar`)
    else {
      const { direct, problems: preloadProblems } = await followImports(
        join(app, preload),
        'cjs',
        app,
      )
      problems.push(...preloadProblems.map((line) => `preload: ${line}`))
      for (const name of direct) {
        if (!SANDBOXED_PRELOAD_MODULES.has(name)) {
          problems.push(`preload: requires "${name}", which a sandboxed preload cannot load`)
        }
      }
    }

    const html = '/out/renderer/index.html'
    if (!has(html)) problems.push(`${html} is not in the asar`)
    else {
      const text = await readFile(join(app, html), 'utf8')
      const assets = [...text.matchAll(/\b(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map(
        (match) => `/out/renderer/${match[1]}`,
      )
      if (!assets.some((path) => path.endsWith('.js'))) {
        problems.push(`${html} names no script of the bundle`)
      }
      for (const path of assets) {
        if (!has(path)) problems.push(`${path}, which index.html loads, is not in the asar`)
      }
    }
    return { size, files: files.length, mainImports: mainImports.sort(), problems }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/**
 * Follows a bundle's imports through the extracted app with esbuild's resolver (Node's rules,
 * package `exports` included), without writing anything. Electron and Node built-ins stay external;
 * anything else that does not resolve is a problem. `require()`s that a try/catch guards are
 * optional by design, and esbuild reports them as warnings, not errors.
 */
async function followImports(
  entry: string,
  format: 'esm' | 'cjs',
  app: string,
): Promise<{ direct: string[]; problems: string[] }> {
  try {
    const result = await bundle({
      entryPoints: [entry],
      absWorkingDir: app,
      bundle: true,
      write: false,
      platform: 'node',
      format,
      external: ['electron'],
      metafile: true,
      logLevel: 'silent',
      // Data files some packages import (wasm) are not code to resolve further.
      loader: { '.wasm': 'empty', '.node': 'empty' },
    })
    const input = Object.entries(result.metafile.inputs).find(([path]) =>
      resolve(app, path).endsWith(entry.slice(app.length)),
    )
    const direct = (input?.[1].imports ?? [])
      .filter((imported) => imported.external || !imported.path.startsWith('.'))
      .map((imported) => imported.original ?? imported.path)
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('/'))
    return { direct: [...new Set(direct)], problems: [] }
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string } | null }[] })
      .errors
    if (!errors) throw error
    return {
      direct: [],
      problems: errors.map(
        (message) => `${message.text}${message.location ? ` (from ${message.location.file})` : ''}`,
      ),
    }
  }
}

/**
 * Checks the app-update.yml electron-builder packs beside app.asar, which electron-updater reads:
 * the GitHub releases of the repository package.json names.
 */
export async function checkUpdateConfig(resourcesDir: string): Promise<string[]> {
  const text = await readFile(join(resourcesDir, 'app-update.yml'), 'utf8').catch(() => null)
  if (text === null) return ['resources/app-update.yml is missing: electron-updater has no feed']
  const field = (name: string) => new RegExp(`^${name}: *(.+)$`, 'm').exec(text)?.[1]?.trim()
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    repository?: { url?: string }
  }
  const named = /github\.com\/([^/]+)\/([^/.]+)/.exec(pkg.repository?.url ?? '')
  const problems: string[] = []
  if (field('provider') !== 'github') problems.push('app-update.yml: the provider is not github')
  if (!named) problems.push("package.json's repository names no GitHub repository")
  else if (field('owner') !== named[1] || field('repo') !== named[2]) {
    problems.push(
      `app-update.yml reads ${field('owner')}/${field('repo')}, package.json names ${named[1]}/${named[2]}`,
    )
  }
  return problems
}

/** The total size in bytes of the files under a folder, as installed. */
export async function folderSize(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size
  }
  return total
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/** Packs, checks, prints; exits 1 when the asar has a problem. */
async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'elb-package-check-'))
  try {
    const appOutDir = await packLinuxDir(work)
    const asar = join(appOutDir, 'resources', 'app.asar')
    const report = await checkAsar(asar)
    report.problems.push(...(await checkUpdateConfig(join(appOutDir, 'resources'))))
    const packages = report.mainImports.filter((name) => name !== 'electron')
    console.log(
      `app.asar: ${mib(report.size)}, ${report.files} files; the main bundle imports electron and ${packages.length} packages: ${packages.join(', ')}`,
    )
    console.log(`Linux dir output (stand-in binary): ${mib(await folderSize(appOutDir))}`)
    if (report.problems.length > 0) {
      console.error(`The packaged app has ${report.problems.length} problem(s):`)
      for (const line of report.problems) console.error(`  - ${line}`)
      process.exitCode = 1
    } else {
      console.log('Packaging check passed.')
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main()
