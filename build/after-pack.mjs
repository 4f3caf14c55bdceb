// electron-builder afterPack hook: flips Electron's fuses in the packaged binary, before it is
// signed. Only packaged builds get them: `npm start`, `npm run dev` and Playwright's _electron
// (which needs the inspector) run the unmodified binary from node_modules.
import console from 'node:console'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { FuseV1Options, FuseVersion } from '@electron/fuses'
import { Arch } from 'electron-builder'

/**
 * The file an Electron stand-in (the packaging check's `electronDist`, scripts/package-check.ts)
 * carries at its top level. Fuses live in the real binary's sentinel, which a stand-in has not.
 */
export const STAND_IN_MARKER = 'ELB-ELECTRON-STAND-IN'

/**
 * The fuse wire of every packaged build. Fuses the installed @electron/fuses does not know yet
 * (newer Electron releases add some) keep Electron's defaults.
 * @type {import('@electron/fuses').FuseV1Config}
 */
export const fuseConfig = {
  version: FuseVersion.V1,
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node.
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS (and NODE_EXTRA_CA_CERTS) could inject code or flags; AWS_CA_BUNDLE covers CAs.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and SIGUSR1 would let anyone attach a debugger to the process holding credentials.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // app.asar is checked against the hash electron-builder embeds (macOS and Windows)...
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // ...and is the only place app code is loaded from.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // The UI is served from app://, so file:// needs no extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
}

/**
 * The config for one packaged build. On Apple silicon the binary must stay validly signed even when
 * no signing identity is configured, so the ad-hoc signature that flipping invalidates is redone.
 * @param {string} electronPlatformName
 * @param {string} arch
 * @returns {import('@electron/fuses').FuseV1Config}
 */
export function fusesFor(electronPlatformName, arch) {
  return {
    ...fuseConfig,
    resetAdHocDarwinSignature: electronPlatformName === 'darwin' && arch === 'arm64',
  }
}

/**
 * Flips the fuses with electron-builder's own helper, which knows where each platform keeps the
 * Electron binary. electron-builder signs right after this hook.
 * @param {import('app-builder-lib').AfterPackContext} context
 */
export default async function afterPack(context) {
  if (existsSync(join(context.appOutDir, STAND_IN_MARKER))) {
    console.log(
      `after-pack: fuses skipped: ${context.appOutDir} is built from an Electron stand-in, which has no fuse sentinel; every release build flips them on the real binary.`,
    )
    return
  }
  const arch = Arch[context.arch]
  await context.packager.addElectronFuses(context, fusesFor(context.electronPlatformName, arch))
}
