import { WriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createPackage } from '@electron/asar'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkAsar, checkUpdateConfig, STAND_IN_MARKER } from './package-check'

// The checker's rules, on small asars built here: a well-formed app passes, and each way a
// packaged app breaks on a user's machine is reported. `npm run check:package` runs the same
// checker on the asar electron-builder really writes.

let work: string

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'elb-check-test-'))
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

type Files = Record<string, string>

/** A small app shaped like ours: an ESM main importing one package, a CJS preload, a renderer. */
function goodApp(): Files {
  return {
    'package.json': JSON.stringify({ name: 'app', main: 'out/main/index.js', type: 'module' }),
    'out/main/index.js': [
      "import { app } from 'electron'",
      "import { join } from 'node:path'",
      "import { parse } from 'tiny-yaml'",
      'app.whenReady().then(() => parse(join("a", "b")))',
    ].join('\n'),
    'out/preload/index.cjs': "const { contextBridge } = require('electron')\ncontextBridge.x = 1\n",
    'out/renderer/index.html':
      '<script type="module" crossorigin src="./assets/index-abc.js"></script><link rel="stylesheet" href="./assets/index-abc.css">',
    'out/renderer/assets/index-abc.js': 'console.log(1)',
    'out/renderer/assets/index-abc.css': 'body{}',
    'node_modules/tiny-yaml/package.json': JSON.stringify({
      name: 'tiny-yaml',
      exports: { '.': { import: './esm/index.js', require: './cjs/index.js' } },
    }),
    'node_modules/tiny-yaml/esm/index.js':
      "import { helper } from './helper.js'\nexport const parse = helper\n",
    'node_modules/tiny-yaml/esm/helper.js': 'export const helper = (s) => s\n',
    'node_modules/tiny-yaml/cjs/index.js': 'module.exports = { parse: (s) => s }\n',
  }
}

let packed = 0

async function asarOf(files: Files): Promise<string> {
  const dir = join(work, 'app')
  await rm(dir, { recursive: true, force: true })
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), text)
  }
  // A new name each time: @electron/asar caches an archive's header by its path.
  const asar = join(work, `app-${++packed}.asar`)
  // @electron/asar 3 resolves createPackage with its write stream once end() is called, not once
  // the bytes are on disk; reading the archive before the stream closes can see a short file
  // (a CI run read the package.json's bytes as the header's padding). Wait for the close.
  const out = (await createPackage(dir, asar)) as unknown as WriteStream | undefined
  if (out instanceof WriteStream && !out.closed) await once(out, 'close')
  return asar
}

describe('checkAsar', () => {
  it('passes an app whose modules all resolve inside it, listing what main imports', async () => {
    const report = await checkAsar(await asarOf(goodApp()))
    expect(report.problems).toEqual([])
    expect(report.mainImports).toEqual(['electron', 'tiny-yaml'])
    expect(report.files).toBeGreaterThan(8)
    expect(report.size).toBeGreaterThan(0)
  })

  it('reports a package the main bundle imports that is not in the asar', async () => {
    const files = goodApp()
    delete files['node_modules/tiny-yaml/esm/helper.js']
    files['out/main/index.js'] += "\nimport 'left-out'\n"
    const { problems } = await checkAsar(await asarOf(files))
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^main bundle: Could not resolve "left-out"/),
        // ...and, followed into the dependency, a file it needs that did not ship.
        expect.stringMatching(/^main bundle: Could not resolve "\.\/helper\.js"/),
      ]),
    )
  })

  it('reports a preload that requires what a sandboxed preload cannot load', async () => {
    const files = goodApp()
    files['out/preload/index.cjs'] += "require('node:fs')\nrequire('tiny-yaml')\n"
    const { problems } = await checkAsar(await asarOf(files))
    expect(problems).toContain(
      'preload: requires "tiny-yaml", which a sandboxed preload cannot load',
    )
    expect(problems).toContain('preload: requires "node:fs", which a sandboxed preload cannot load')
  })

  it('reports a renderer asset index.html loads that is missing, and a missing index.html', async () => {
    const files = goodApp()
    delete files['out/renderer/assets/index-abc.css']
    expect((await checkAsar(await asarOf(files))).problems).toEqual([
      '/out/renderer/assets/index-abc.css, which index.html loads, is not in the asar',
    ])
    delete files['out/renderer/index.html']
    expect((await checkAsar(await asarOf(files))).problems).toEqual([
      '/out/renderer/index.html is not in the asar',
    ])
  })

  it('reports tests, benches, source maps, .env, TypeScript sources and developer files', async () => {
    const files = {
      ...goodApp(),
      'out/main/index.js.map': '{}',
      'out/main/window.test.js': '',
      'bench/run.js': '',
      '.env': 'AWS_SECRET_ACCESS_KEY=x',
      '.env.local': '',
      'electron/main/index.ts': '',
      'node_modules/tiny-yaml/src/index.ts': '',
      'node_modules/tiny-yaml/tsconfig.json': '{}',
      'electron-builder.yml': '',
      'vite.config.ts': '',
    }
    const { problems } = await checkAsar(await asarOf(files))
    const flagged = problems.map((line) => line.split(' ')[0]!)
    for (const path of [
      '/out/main/index.js.map',
      '/out/main/window.test.js',
      '/bench/run.js',
      '/.env',
      '/.env.local',
      '/electron/main/index.ts',
      '/node_modules/tiny-yaml/src/index.ts',
      '/node_modules/tiny-yaml/tsconfig.json',
      '/electron-builder.yml',
      '/vite.config.ts',
    ]) {
      expect(flagged, path).toContain(path)
    }
    // The app's own files are not flagged.
    expect(flagged.filter((path) => path.startsWith('/out/renderer'))).toEqual([])
  })
})

it('uses the marker the fuses hook looks for', async () => {
  const hook = (await import(
    pathToFileURL(resolve(import.meta.dirname, '../build/after-pack.mjs')).href
  )) as { STAND_IN_MARKER: string }
  expect(hook.STAND_IN_MARKER).toBe(STAND_IN_MARKER)
})

describe('checkUpdateConfig', () => {
  it("wants electron-updater's app-update.yml to read the GitHub repository package.json names", async () => {
    expect(await checkUpdateConfig(work)).toEqual([
      'resources/app-update.yml is missing: electron-updater has no feed',
    ])
    await writeFile(
      join(work, 'app-update.yml'),
      'owner: ecr-layer-browser\nrepo: ecr-layer-browser\nprovider: github\n',
    )
    expect(await checkUpdateConfig(work)).toEqual([])
    await writeFile(join(work, 'app-update.yml'), 'owner: someone\nrepo: fork\nprovider: github\n')
    expect(await checkUpdateConfig(work)).toEqual([
      'app-update.yml reads someone/fork, package.json names ecr-layer-browser/ecr-layer-browser',
    ])
  })
})
