import type { AboutPanelOptionsOptions, MenuItemConstructorOptions } from 'electron'

/** What the menu's own items do; index.ts supplies the Electron calls. */
export interface MenuActions {
  goBack(): void
  goForward(): void
  showLogs(): void
  showAbout(): void
  /** Help › Check for Updates…, in builds that update themselves. */
  checkForUpdates?(): void
}

/** What the menu needs to know about the build. */
export interface MenuOptions {
  platform: NodeJS.Platform
  /** DevTools are offered in development builds only. */
  packaged: boolean
  /** Whether this build updates itself (packaged desktop builds): adds Check for Updates…. */
  updates?: boolean
}

/**
 * The application menu, built from Electron's standard roles so each OS gets its native items,
 * labels and shortcuts: the app menu on macOS (About, Services, Hide, Quit), File, Edit, View, Go,
 * Window and Help. Go › Back/Forward use the browser shortcuts: Cmd+[ / Cmd+] on macOS and
 * Alt+Left / Alt+Right elsewhere. Help › About is in the app menu on macOS, as is usual there.
 */
export function buildMenuTemplate(
  actions: MenuActions,
  { platform, packaged, updates = false }: MenuOptions,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin'
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    { role: 'forceReload' },
    ...(packaged ? [] : [{ role: 'toggleDevTools' } as const]),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ]
  const help: MenuItemConstructorOptions[] = [
    { label: 'Show Logs', click: () => actions.showLogs() },
    ...(updates
      ? [{ label: 'Check for Updates…', click: () => actions.checkForUpdates?.() } as const]
      : []),
    ...(mac
      ? []
      : [
          { type: 'separator' } as const,
          { label: 'About ECR Layer Browser', click: () => actions.showAbout() },
        ]),
  ]
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    {
      label: 'Go',
      submenu: [
        {
          label: 'Back',
          accelerator: mac ? 'Cmd+[' : 'Alt+Left',
          click: () => actions.goBack(),
        },
        {
          label: 'Forward',
          accelerator: mac ? 'Cmd+]' : 'Alt+Right',
          click: () => actions.goForward(),
        },
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: help },
  ]
}

/** The About panel: the product name, its version and the Electron/Chromium/Node versions. */
export function aboutPanelOptions(
  version: string,
  versions: Partial<Record<'electron' | 'chrome' | 'node', string>>,
): AboutPanelOptionsOptions {
  const runtime = `Electron ${versions.electron ?? '?'}, Chromium ${versions.chrome ?? '?'}, Node ${versions.node ?? '?'}`
  return {
    applicationName: 'ECR Layer Browser',
    applicationVersion: version,
    // macOS shows `version` in parentheses after the application version.
    version: runtime,
    credits: runtime,
  }
}
