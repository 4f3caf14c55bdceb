import { URL } from 'node:url'
import { AppUpdater, type UpdateInfo } from 'electron-updater'
import type { AppAdapter } from 'electron-updater/out/AppAdapter'
import { parseUpdateInfo } from 'electron-updater/out/providers/Provider'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareVersions, decideUpdate, parseVersion, updateAvailability } from './update-decision'

// A latest-linux.yml as electron-builder writes it beside the installers, and electron-updater
// reads it from the GitHub release.
const LATEST_LINUX_YML = `version: 0.2.0
files:
  - url: ecr-layer-browser-0.2.0-linux-x86_64.AppImage
    sha512: Kx0Tgu4m3zGq4t3K0o1VZbQ2d1mJt1q9VgM2cW0C8m1H7oPz2l9P0Yl6qS9oJb0m1nT2W5xY8zA3cB6dE9fG0h==
    size: 112345678
    blockMapSize: 118000
path: ecr-layer-browser-0.2.0-linux-x86_64.AppImage
sha512: Kx0Tgu4m3zGq4t3K0o1VZbQ2d1mJt1q9VgM2cW0C8m1H7oPz2l9P0Yl6qS9oJb0m1nT2W5xY8zA3cB6dE9fG0h==
releaseDate: '2026-12-01T20:00:00.000Z'
`
const FEED_URL = new URL(
  'https://github.com/ecr-layer-browser/ecr-layer-browser/releases/download/v0.2.0/latest-linux.yml',
)

describe('the update feed, as electron-updater reads it', () => {
  it('parses latest-linux.yml into the UpdateInfo the decision takes', () => {
    const info = parseUpdateInfo(LATEST_LINUX_YML, 'latest-linux.yml', FEED_URL)
    expect(info.version).toBe('0.2.0')
    expect(info.files).toEqual([
      expect.objectContaining({
        url: 'ecr-layer-browser-0.2.0-linux-x86_64.AppImage',
        size: 112345678,
      }),
    ])
    expect(info.releaseDate).toBe('2026-12-01T20:00:00.000Z')
    expect(decideUpdate('0.1.0', info)).toEqual({ kind: 'newer', version: '0.2.0' })
    expect(decideUpdate('0.2.0', info)).toEqual({ kind: 'same', version: '0.2.0' })
    expect(decideUpdate('0.3.0', info)).toEqual({ kind: 'older', version: '0.2.0' })
  })

  it('never turns a feed that is not one into an update', () => {
    // No body, or YAML that does not parse: electron-updater throws, the controller logs one line.
    expect(() => parseUpdateInfo(null, 'latest-linux.yml', FEED_URL)).toThrow(/Cannot parse/)
    expect(() => parseUpdateInfo('version: [0.2', 'latest-linux.yml', FEED_URL)).toThrow(
      /Cannot parse/,
    )
    // A captive portal's page parses as YAML (a string) without a version; a version that is
    // not semver: neither is an update.
    const page = parseUpdateInfo('<html>sign in to the Wi-Fi</html>', 'latest.yml', FEED_URL)
    expect(decideUpdate('0.1.0', page)).toEqual({ kind: 'invalid', version: 'undefined' })
    const info = parseUpdateInfo(
      LATEST_LINUX_YML.replace('version: 0.2.0', 'version: latest'),
      'latest-linux.yml',
      FEED_URL,
    )
    expect(decideUpdate('0.1.0', info)).toEqual({ kind: 'invalid', version: 'latest' })
  })
})

describe('decideUpdate', () => {
  it('takes only a newer version: newer, same, older', () => {
    expect(decideUpdate('1.2.3', { version: '1.2.4' }).kind).toBe('newer')
    expect(decideUpdate('1.2.3', { version: '1.10.0' }).kind).toBe('newer')
    expect(decideUpdate('1.2.3', { version: '1.2.3' }).kind).toBe('same')
    expect(decideUpdate('1.2.3', { version: 'v1.2.3' }).kind).toBe('same')
    expect(decideUpdate('1.2.3', { version: '1.2.3+build.7' }).kind).toBe('same')
    expect(decideUpdate('1.2.3', { version: '1.2.2' }).kind).toBe('older')
    expect(decideUpdate('1.2.3', { version: '0.9.9' }).kind).toBe('older')
  })

  it('offers a prerelease only to a build that is one, unless told otherwise', () => {
    expect(decideUpdate('1.2.3', { version: '1.3.0-beta.1' }).kind).toBe('prerelease')
    expect(decideUpdate('1.2.3', { version: '1.3.0-beta.1' }, { allowPrerelease: true }).kind).toBe(
      'newer',
    )
    expect(decideUpdate('1.3.0-beta.1', { version: '1.3.0-beta.2' }).kind).toBe('newer')
    // The release a prerelease leads up to is newer than it.
    expect(decideUpdate('1.3.0-beta.2', { version: '1.3.0' }).kind).toBe('newer')
    expect(decideUpdate('1.3.0', { version: '1.3.0-rc.1' }).kind).toBe('older')
  })

  it('orders prereleases by SemVer 2.0.0 precedence', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ].map((text) => parseVersion(text)!)
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(compareVersions(ordered[i]!, ordered[i + 1]!)).toBeLessThan(0)
      expect(compareVersions(ordered[i + 1]!, ordered[i]!)).toBeGreaterThan(0)
    }
  })

  it('rejects what is not a semantic version', () => {
    for (const text of ['1.2', '01.2.3', '1.2.3-', '1.2.3-01', 'latest', '', '1.2.3.4']) {
      expect(parseVersion(text), text).toBeNull()
    }
    expect(() => decideUpdate('dev', { version: '1.0.0' })).toThrow(/not a semantic version/)
  })

  it("agrees with electron-updater's own AppUpdater on whether a version is an update", async () => {
    // electron-updater's AppUpdater with an app adapter instead of Electron's: it compares with
    // its semver, no downgrades. Only newer versions are updates, for both.
    // AppUpdater is abstract only for TypeScript: the check needs none of its platform parts.
    const Updater = AppUpdater as unknown as new (
      options: null,
      app: AppAdapter,
    ) => {
      logger: null
      isUpdateAvailable(info: UpdateInfo): Promise<boolean>
    }
    const adapter = (version: string) =>
      ({
        version,
        name: 'ecr-layer-browser',
        isPackaged: true,
        appUpdateConfigPath: '/nowhere/app-update.yml',
        userDataPath: '/nowhere',
        baseCachePath: '/nowhere',
        whenReady: () => Promise.resolve(),
        relaunch: () => undefined,
        quit: () => undefined,
        onQuit: () => undefined,
      }) as unknown as AppAdapter
    const identifier = fc.oneof(
      fc.constantFrom('alpha', 'beta', 'rc', 'x-y'),
      fc.nat({ max: 20 }).map(String),
    )
    const version = fc
      .tuple(
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
        fc.array(identifier, { maxLength: 2 }),
      )
      .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre.length ? `-${pre.join('.')}` : ''}`)
    await fc.assert(
      fc.asyncProperty(version, version, async (current, latest) => {
        const updater = new Updater(null, adapter(current))
        updater.logger = null
        const theirs = await updater.isUpdateAvailable({
          version: latest,
          files: [],
          releaseDate: '',
        } as unknown as UpdateInfo)
        // Prereleases aside (the GitHub provider picks which release to offer), the same answer.
        const ours = decideUpdate(current, { version: latest }, { allowPrerelease: true })
        expect(ours.kind === 'newer', `${current} -> ${latest}`).toBe(theirs)
      }),
      { numRuns: 300 },
    )
  })
})

describe('updateAvailability', () => {
  it('is off in the web bridge and in development builds, whatever the setting', () => {
    for (const automatic of [true, false]) {
      expect(updateAvailability({ host: 'web', packaged: true, automatic, setting: true })).toEqual(
        { enabled: false, reason: 'updates are off in the web bridge' },
      )
      expect(
        updateAvailability({ host: 'electron', packaged: false, automatic, setting: true }),
      ).toEqual({ enabled: false, reason: 'updates are off in development builds' })
    }
  })

  it('checks at start-up only with the setting on; a check from the menu runs regardless', () => {
    expect(
      updateAvailability({ host: 'electron', packaged: true, automatic: true, setting: true }),
    ).toEqual({ enabled: true })
    expect(
      updateAvailability({ host: 'electron', packaged: true, automatic: true, setting: false }),
    ).toEqual({ enabled: false, reason: 'automatic update checks are turned off in Settings' })
    expect(
      updateAvailability({ host: 'electron', packaged: true, automatic: false, setting: false }),
    ).toEqual({ enabled: true })
  })
})
