import nodeConsole from 'node:console'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join, relative, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FuseV1Options } from '@electron/fuses'
import { Ajv } from 'ajv'
import { load } from 'js-yaml'
import { describe, expect, it, vi } from 'vitest'

// electron-builder cannot download Electron here, so it cannot run. These tests check what it
// would do: the config is valid by its own schema, its `files` globs (through its own matcher)
// select only the built app, the fuses hook sets every fuse, and the icons come from icon.svg.

const ROOT = resolve(import.meta.dirname, '../..')
// electron-builder's own copy of app-builder-lib: its schema and its file matcher.
const builderRequire = createRequire(
  createRequire(import.meta.url).resolve('electron-builder/package.json'),
)

interface BuilderConfig {
  appId: string
  productName: string
  artifactName: string
  files: string[]
  asarUnpack?: string[]
  afterPack: string
  directories: { output: string; buildResources: string }
  mac: {
    target: string[]
    hardenedRuntime: boolean
    entitlements: string
    entitlementsInherit: string
    icon: string
  }
  win: { target: string[]; icon: string }
  linux: { target: string[]; category: string; icon: string }
  nsis: { artifactName: string }
  portable: { artifactName: string }
  dmg: { artifactName: string }
}

async function config(): Promise<BuilderConfig> {
  return load(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig
}

/** Imports a file outside this TypeScript project (build/, scripts/) at run time. */
async function importOutside<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, path)).href)) as T
}

describe('electron-builder.yml', () => {
  it("validates against electron-builder's JSON schema", async () => {
    const schema = builderRequire('app-builder-lib/scheme.json') as object
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
    const valid = validate(await config())
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
    // The schema does reject what electron-builder would: a misspelt key fails.
    const misspelt = { ...(await config()), mac: { ...(await config()).mac, hardenedRuntme: true } }
    expect(validate(misspelt)).toBe(false)
  })

  it('names the app and its artifacts', async () => {
    const c = await config()
    expect(c.appId).toBe('dev.ecrlayerbrowser.app')
    expect(c.productName).toBe('ECR Layer Browser')
    for (const name of [
      c.artifactName,
      c.dmg.artifactName,
      c.nsis.artifactName,
      c.portable.artifactName,
    ]) {
      expect(name).toContain('${version}')
      expect(name).toContain('${arch}')
      expect(name).not.toMatch(/\s/)
    }
    expect(c.nsis.artifactName).not.toBe(c.portable.artifactName)
  })

  it('targets dmg+zip (hardened), NSIS+portable and AppImage+deb+rpm, with icons for each', async () => {
    const c = await config()
    expect(c.mac.target).toEqual(['dmg', 'zip'])
    expect(c.mac.hardenedRuntime).toBe(true)
    expect(c.win.target).toEqual(['nsis', 'portable'])
    expect(c.linux.target).toEqual(['AppImage', 'deb', 'rpm'])
    expect(c.linux.category).toBe('Development')
    expect(existsSync(join(ROOT, c.mac.icon))).toBe(true)
    expect(existsSync(join(ROOT, c.win.icon))).toBe(true)
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(existsSync(join(ROOT, c.linux.icon, `${size}x${size}.png`)), `${size}`).toBe(true)
    }
  })

  it('publishes to the GitHub repository package.json names, which electron-updater reads', async () => {
    const c = (await config()) as BuilderConfig & {
      publish: { provider: string; owner: string; repo: string }
    }
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      repository: { url: string }
    }
    expect(c.publish.provider).toBe('github')
    expect(pkg.repository.url).toBe(`https://github.com/${c.publish.owner}/${c.publish.repo}.git`)
  })

  it('grants the hardened runtime only JIT', async () => {
    const c = await config()
    expect(c.mac.entitlementsInherit).toBe(c.mac.entitlements)
    const plist = await readFile(join(ROOT, c.mac.entitlements), 'utf8')
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])
    expect(keys).toEqual(['com.apple.security.cs.allow-jit'])
  })
})

describe('the fuses (build/after-pack.mjs)', () => {
  interface FuseModule {
    fuseConfig: Record<string, unknown>
    fusesFor: (platform: string, arch: string) => Record<string, unknown>
    default: (context: unknown) => Promise<void>
  }
  // @electron/fuses' FuseV1Options indices, spelled out so the test does not share the hook's
  // import: a renumbering would show up here.
  const FUSE = {
    RunAsNode: 0,
    EnableCookieEncryption: 1,
    EnableNodeOptionsEnvironmentVariable: 2,
    EnableNodeCliInspectArguments: 3,
    EnableEmbeddedAsarIntegrityValidation: 4,
    OnlyLoadAppFromAsar: 5,
    GrantFileProtocolExtraPrivileges: 7,
  }

  it('is the afterPack hook', async () => {
    expect((await config()).afterPack).toBe('./build/after-pack.mjs')
  })

  it('sets each fuse the checklist asks for', async () => {
    const { fuseConfig } = await importOutside<FuseModule>('build/after-pack.mjs')
    for (const [name, index] of Object.entries(FUSE)) {
      expect(FuseV1Options[name as keyof typeof FuseV1Options], name).toBe(index)
    }
    expect(fuseConfig).toEqual({
      version: '1',
      [FUSE.RunAsNode]: false,
      [FUSE.EnableNodeOptionsEnvironmentVariable]: false,
      [FUSE.EnableNodeCliInspectArguments]: false,
      [FUSE.EnableCookieEncryption]: true,
      [FUSE.EnableEmbeddedAsarIntegrityValidation]: true,
      [FUSE.OnlyLoadAppFromAsar]: true,
      [FUSE.GrantFileProtocolExtraPrivileges]: false,
    })
  })

  it('flips them through electron-builder for the packaged binary, re-signing ad hoc on Apple silicon', async () => {
    const hook = await importOutside<FuseModule>('build/after-pack.mjs')
    const addElectronFuses = vi.fn(() => Promise.resolve())
    // electron-builder's Arch enum: x64 = 1, arm64 = 3.
    const context = {
      appOutDir: join(ROOT, 'release', 'mac-arm64'),
      electronPlatformName: 'darwin',
      arch: 3,
      packager: { addElectronFuses },
    }
    await hook.default(context)
    expect(addElectronFuses).toHaveBeenCalledWith(context, {
      ...hook.fuseConfig,
      resetAdHocDarwinSignature: true,
    })
    expect(hook.fusesFor('linux', 'x64').resetAdHocDarwinSignature).toBe(false)
    expect(hook.fusesFor('win32', 'x64').resetAdHocDarwinSignature).toBe(false)
  })

  it('skips them, saying why, only for an Electron stand-in that carries the marker file', async () => {
    const hook = await importOutside<FuseModule & { STAND_IN_MARKER: string }>(
      'build/after-pack.mjs',
    )
    const appOutDir = await mkdtemp(join(tmpdir(), 'elb-afterpack-'))
    try {
      await writeFile(join(appOutDir, hook.STAND_IN_MARKER), 'stand-in')
      const addElectronFuses = vi.fn(() => Promise.resolve())
      // The hook prints through node:console (build/ has no globals), which Vitest leaves alone.
      const print = vi.spyOn(nodeConsole, 'log').mockImplementation(() => undefined)
      await hook.default({
        appOutDir,
        electronPlatformName: 'linux',
        arch: 1,
        packager: { addElectronFuses },
      })
      expect(addElectronFuses).not.toHaveBeenCalled()
      expect(print).toHaveBeenCalledWith(expect.stringMatching(/fuses skipped: .*stand-in/))
      print.mockRestore()
    } finally {
      await rm(appOutDir, { recursive: true, force: true })
    }
  })
})

/** What `files` selects from a list of repository-relative paths, by electron-builder's matcher. */
function packagedFiles(files: string[], candidates: string[]): string[] {
  const { FileMatcher } = builderRequire('app-builder-lib/out/fileMatcher') as {
    FileMatcher: new (
      from: string,
      to: string,
      expand: (s: string) => string,
      patterns: string[],
    ) => { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean }
  }
  const filter = new FileMatcher(ROOT, '/app', (s) => s, files).createFilter()
  const directory = { isDirectory: () => true }
  const file = { isDirectory: () => false }
  return candidates.filter((path) => {
    const parts = path.split('/')
    // The copier only descends into folders the filter admits.
    for (let i = 1; i < parts.length; i++) {
      if (!filter(join(ROOT, ...parts.slice(0, i)), directory)) return false
    }
    return filter(join(ROOT, ...parts), file)
  })
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split(sep).join('/'))
}

describe('the packaged file list', () => {
  // What a build leaves in out/, including the source maps and stray files a build could add,
  // plus every file of the repository itself.
  const BUILT = [
    'out/main/index.js',
    'out/main/index.js.map',
    'out/main/chunks/server-abc123.js',
    'out/preload/index.cjs',
    'out/preload/index.cjs.map',
    'out/renderer/index.html',
    'out/renderer/assets/index-abc123.js',
    'out/renderer/assets/index-abc123.js.map',
    'out/renderer/assets/index-abc123.css',
    'out/main/window.test.js',
  ]

  async function candidates(): Promise<string[]> {
    const tracked = execFileSync(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
      { cwd: ROOT, encoding: 'utf8' },
    )
      .split('\0')
      .filter(Boolean)
    const built = existsSync(join(ROOT, 'out')) ? await walk(join(ROOT, 'out')) : []
    return [...new Set([...tracked, ...built, ...BUILT])]
  }

  it('holds only the built app and package.json: no sources, tests, e2e or source maps', async () => {
    const c = await config()
    const all = await candidates()
    expect(all.some((path) => path.startsWith('electron/'))).toBe(true)
    const packaged = packagedFiles(c.files, all)

    expect(packaged).toEqual(
      expect.arrayContaining([
        'package.json',
        'out/main/index.js',
        'out/preload/index.cjs',
        'out/renderer/index.html',
        'out/renderer/assets/index-abc123.js',
      ]),
    )
    // The matcher has teeth: without the exclusions, maps and compiled tests would ship.
    const loose = packagedFiles(['out/**', 'package.json'], all)
    expect(loose).toEqual(
      expect.arrayContaining(['out/main/index.js.map', 'out/main/window.test.js']),
    )
    expect(packaged).not.toContain('out/main/window.test.js')

    for (const path of packaged) {
      expect(path === 'package.json' || path.startsWith('out/'), path).toBe(true)
      expect(path, path).not.toMatch(/\.map$/)
      expect(path, path).not.toMatch(/\.(test|spec)\./)
      expect(path, path).not.toMatch(/(^|\/)e2e\//)
      expect(path, path).not.toMatch(/\.(ts|tsx|mts|cts)$/)
      expect(path, path).not.toMatch(/(^|\/)node_modules\//)
    }
  })

  it('unpacks nothing from the asar but built files', async () => {
    const c = await config()
    const unpacked = c.asarUnpack ? packagedFiles(c.asarUnpack, await candidates()) : []
    for (const path of unpacked) expect(path.startsWith('out/'), path).toBe(true)
  })

  it('ships no devDependency: the production dependency tree holds no build or test tool', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<
        string,
        { dev?: boolean; devOptional?: boolean; dependencies?: Record<string, string> }
      >
    }
    // npm marks every package only devDependencies need with dev: true; electron-builder copies
    // the others.
    const productionEntries = Object.entries(lock.packages).filter(
      ([path, info]) => path !== '' && !info.dev && !info.devOptional,
    )
    const nameOf = (path: string) =>
      path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
    const production = new Set(productionEntries.map(([path]) => nameOf(path)))
    // A devDependency may ship only as what a production package itself needs (js-yaml, which
    // electron-updater reads latest.yml with), never as a tool of ours.
    const neededBy = (name: string) =>
      productionEntries
        .filter(([, info]) => info.dependencies?.[name])
        .map(([path]) => nameOf(path))
    for (const name of Object.keys(pkg.devDependencies)) {
      if (name in pkg.dependencies || !production.has(name)) continue
      expect(neededBy(name), `${name} would be packaged as a tool`).not.toEqual([])
    }
    for (const tool of ['electron', 'electron-builder', 'vite', 'vitest', 'typescript']) {
      expect(pkg.dependencies, tool).not.toHaveProperty(tool)
    }
  })
})

describe('the icons', () => {
  interface IconsModule {
    makeIcons: (svg: string) => Promise<Map<string, Buffer>>
  }

  it('are what scripts/make-icons.ts renders from build/icon.svg (run `npm run icons`)', async () => {
    const { makeIcons } = await importOutside<IconsModule>('scripts/make-icons.ts')
    const expected = await makeIcons(await readFile(join(ROOT, 'build/icon.svg'), 'utf8'))
    expect([...expected.keys()]).toEqual(
      expect.arrayContaining(['icon.png', 'icon.ico', 'icon.icns', 'icons/512x512.png']),
    )
    for (const [name, bytes] of expected) {
      const committed = await readFile(join(ROOT, 'build', name))
      expect(committed.equals(bytes), `build/${name} is out of date`).toBe(true)
    }
  })

  it('have the sizes each platform needs', async () => {
    const png = await readFile(join(ROOT, 'build/icon.png'))
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024])
    const ico = await readFile(join(ROOT, 'build/icon.ico'))
    expect(ico.readUInt16LE(2)).toBe(1) // an icon resource
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(5)
    const icns = await readFile(join(ROOT, 'build/icon.icns'))
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    for (const type of ['ic07', 'ic08', 'ic09', 'ic10']) {
      expect(icns.includes(Buffer.from(type, 'latin1')), type).toBe(true)
    }
  })
})
