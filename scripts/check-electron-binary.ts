import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

// `npm start`'s first step. The electron package downloads its binary in a postinstall step; when
// that was skipped or blocked, electron-vite would only end in "Error: Electron uninstall". This
// says why and what to do instead, before anything is built.

/** Whether the Electron binary is installed under `root`, and if not, why not. */
export type BinaryCheck = { ok: true; path: string } | { ok: false; reason: string }

/** Looks for the binary the way the electron package does (path.txt under dist/), without require(). */
export function checkElectronBinary(root: string, env: NodeJS.ProcessEnv = {}): BinaryCheck {
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    return { ok: true, path: env.ELECTRON_OVERRIDE_DIST_PATH }
  }
  const pkg = join(root, 'node_modules', 'electron')
  if (!existsSync(join(pkg, 'package.json'))) {
    return { ok: false, reason: 'the electron package is not installed (run npm install).' }
  }
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) {
    return {
      ok: false,
      reason:
        'npm install did not download it: its download from GitHub was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD) or blocked (no network access, a proxy or a firewall).',
    }
  }
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  if (!existsSync(binary)) {
    return {
      ok: false,
      reason: `${binary} is missing: the download was interrupted or the folder was cleaned.`,
    }
  }
  return { ok: true, path: binary }
}

/** What `npm start` prints when the binary is missing. */
export function missingBinaryMessage(reason: string): string {
  return [
    'ECR Layer Browser: the Electron binary is missing, so the desktop app cannot start.',
    `Why: ${reason}`,
    'What to do:',
    '  - With network access, fetch it again: node node_modules/electron/install.js',
    '    (or: rm -rf node_modules/electron && npm install), then npm start.',
    '  - Or use the same app in your browser, no Electron needed: npm run web',
  ].join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const check = checkElectronBinary(resolve(import.meta.dirname, '..'), process.env)
  if (!check.ok) {
    console.error(missingBinaryMessage(check.reason))
    process.exit(1)
  }
}
