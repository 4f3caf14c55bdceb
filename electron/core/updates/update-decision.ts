import type { UpdateInfo } from 'electron-updater'

// What to do with the version an update feed offers, decided here in plain Node so it is tested
// without Electron. It follows electron-updater's own rules (AppUpdater.isUpdateAvailable: only a
// newer version is taken, never a downgrade; prereleases only for a build that is one itself) and
// compares versions by Semantic Versioning 2.0.0 precedence, as electron-updater's semver does.

/** A parsed semantic version. */
interface Version {
  major: number
  minor: number
  patch: number
  prerelease: (string | number)[]
}

// SemVer 2.0.0's grammar: no leading zeros in numbers, non-empty dot-separated identifiers, build
// metadata ignored. A leading "v" is accepted, as semver.parse does (tags are v1.2.3).
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/

/** Parses a semantic version, or null when the text is not one. */
export function parseVersion(text: string): Version | null {
  const match = SEMVER.exec(text.trim())
  if (!match) return null
  const [major, minor, patch] = [match[1], match[2], match[3]].map(Number) as [
    number,
    number,
    number,
  ]
  if (![major, minor, patch].every(Number.isSafeInteger)) return null
  const prerelease = match[4]
    ? match[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id))
    : []
  return { major, minor, patch, prerelease }
}

/** SemVer precedence: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] - b[key]
  }
  // A version without a prerelease ranks above the same version with one.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return b.prerelease.length - a.prerelease.length
  }
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i]
    const y = b.prerelease[i]
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (x === y) continue
    // Numeric identifiers rank below alphanumeric ones; each kind compares in its own way.
    if (typeof x === 'number' && typeof y === 'number') return x - y
    if (typeof x === 'number') return -1
    if (typeof y === 'number') return 1
    return x < y ? -1 : 1
  }
  return 0
}

/** What the app does with the version a feed offers. */
export type UpdateDecision =
  /** A newer version: offer to download it. */
  | { kind: 'newer'; version: string }
  /** The version running now. */
  | { kind: 'same'; version: string }
  /** An older version (a release was withdrawn): never downgrade. */
  | { kind: 'older'; version: string }
  /** A newer prerelease offered to a stable build: not taken. */
  | { kind: 'prerelease'; version: string }
  /** The feed's version is not a semantic version (electron-updater refuses it too). */
  | { kind: 'invalid'; version: string }

export interface DecisionOptions {
  /**
   * Whether prereleases are offered. electron-updater's default: only when the running version is
   * a prerelease itself.
   */
  allowPrerelease?: boolean
}

/** Decides what to do with the update a feed offers to the version running now. */
export function decideUpdate(
  currentVersion: string,
  offered: Pick<UpdateInfo, 'version'>,
  options: DecisionOptions = {},
): UpdateDecision {
  // The feed is from outside: whatever it holds is checked, not trusted to be an UpdateInfo.
  const version = String((offered as { version?: unknown } | null)?.version)
  const current = parseVersion(currentVersion)
  const latest = parseVersion(version)
  if (!current) throw new Error(`The app's version is not a semantic version: "${currentVersion}"`)
  if (!latest) return { kind: 'invalid', version }
  const order = compareVersions(latest, current)
  if (order === 0) return { kind: 'same', version }
  if (order < 0) return { kind: 'older', version }
  const allowPrerelease = options.allowPrerelease ?? current.prerelease.length > 0
  if (latest.prerelease.length > 0 && !allowPrerelease) return { kind: 'prerelease', version }
  return { kind: 'newer', version }
}

/** Where the app runs: the desktop shell, or the `npm run web` bridge. */
export type UpdateHost = 'electron' | 'web'

/** Whether a check may run, and why not when it may not. */
export type UpdateAvailability = { enabled: true } | { enabled: false; reason: string }

/**
 * Whether the app checks for updates. Never in the web bridge (nothing to install) or in a
 * development build (electron-updater would find no app-update.yml); an automatic check also
 * needs the "Check for updates automatically" setting, while a check the user asks for does not.
 */
export function updateAvailability({
  host,
  packaged,
  automatic,
  setting,
}: {
  host: UpdateHost
  packaged: boolean
  /** A check at start-up (true) or from the menu (false). */
  automatic: boolean
  /** The setting: check automatically. */
  setting: boolean
}): UpdateAvailability {
  if (host === 'web') return { enabled: false, reason: 'updates are off in the web bridge' }
  if (!packaged) return { enabled: false, reason: 'updates are off in development builds' }
  if (automatic && !setting) {
    return { enabled: false, reason: 'automatic update checks are turned off in Settings' }
  }
  return { enabled: true }
}
