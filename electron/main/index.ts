import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  app,
  type BrowserWindow,
  ipcMain,
  Menu,
  nativeTheme,
  protocol,
  screen,
  session,
  shell,
} from 'electron'
import electronLog from 'electron-log/main'
import { APP_SCHEME, createAppProtocolHandler } from './app-protocol'
import { createApp, type App, type Emit } from '../core/create-app'
import { APP_ORIGIN, createSenderCheck } from '../core/platform/app-origin'
import { registerIpc } from './ipc/register'
import { configureLog, ElectronLogger } from './log'
import { aboutPanelOptions, buildMenuTemplate } from './menu'
import { ElectronPlatform } from './platform/electron-platform'
import { guardSession, guardWebContents } from './security'
import { createUpdates } from './updates'
import { createMainWindow, DEFAULT_SIZE, MINIMUM_SIZE } from './window'
import { WindowStateStore } from '../core/window/window-state'

// The composition root of the desktop app. Each rule it applies has its own tests: the Electron
// glue in this folder (security, app-protocol, window, menu, log, updates), the rest in the plain
// Node core (window placement and state, the bundle's file rule, log redaction, the update flow).
// This file only connects them to Electron.

// electron-log's main build listens on its own IPC channel for renderer logs. Our preload never
// exposes it, and every channel outside the contract is closed.
ipcMain.removeAllListeners('__ELECTRON_LOG__')
ipcMain.removeHandler('__ELECTRON_LOG__')

// The UI is served from app://bundle/, never file://, so it has a real origin that the CSP and
// the sender check can pin. This must happen before the app is ready.
protocol.registerSchemesAsPrivileged([APP_SCHEME])

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererDir = join(here, '../renderer')
const preload = join(here, '../preload/index.cjs')
// electron-vite sets this in `npm run dev` only; a packaged app never loads from a server.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let win: BrowserWindow | null = null
  let core: App | null = null
  let windowState: WindowStateStore | null = null
  let openWindow: (() => Promise<void>) | null = null
  let checkForUpdates: ((automatic: boolean) => void) | null = null

  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore()
    win?.focus()
  })

  // Every webContents, including any created later, refuses navigation, pop-ups and <webview>.
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, (url) => void shell.openExternal(url), devServerUrl)
  })

  void app.whenReady().then(async () => {
    const dataDir = process.env.ECR_LAYER_BROWSER_DATA_DIR || app.getPath('userData')
    const logsDir = join(dataDir, 'logs')
    configureLog(electronLog, logsDir, app.isPackaged)
    const log = new ElectronLogger(electronLog)
    log.info('app', `ECR Layer Browser ${app.getVersion()} starting`)

    nativeTheme.themeSource = 'system'
    guardSession(session.defaultSession, devServerUrl)
    protocol.handle('app', createAppProtocolHandler(rendererDir))

    app.setAboutPanelOptions(aboutPanelOptions(app.getVersion(), process.versions))
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate(
          {
            goBack: () => {
              const history = win?.webContents.navigationHistory
              if (history?.canGoBack()) history.goBack()
            },
            goForward: () => {
              const history = win?.webContents.navigationHistory
              if (history?.canGoForward()) history.goForward()
            },
            showLogs: () => void shell.openPath(logsDir),
            showAbout: () => app.showAboutPanel(),
            checkForUpdates: () => checkForUpdates?.(false),
          },
          // Only packaged builds update themselves (electron/core/updates decides the rest).
          { platform: process.platform, packaged: app.isPackaged, updates: app.isPackaged },
        ),
      ),
    )

    const emit: Emit = (channel, payload) => {
      if (win && !win.isDestroyed()) win.webContents.send(channel, payload)
    }
    core = createApp({
      dataDir,
      env: process.env,
      platform: new ElectronPlatform(() => win),
      emit,
      log,
    })
    registerIpc(
      ipcMain,
      core.dispatch,
      createSenderCheck(() => win, devServerUrl),
    )
    if (app.isPackaged) {
      const updates = createUpdates({ getWindow: () => win, dispatch: core.dispatch, log })
      // The controller reports every failure as an outcome; this only guards a broken dialog.
      checkForUpdates = (automatic) =>
        void updates.check(automatic).catch((error: unknown) => {
          log.warn('updates', `update check stopped: ${String(error)}`)
        })
    }

    const store = new WindowStateStore(join(dataDir, 'window-state.json'))
    windowState = store
    // Opens the window where it was last, made to fit the displays there are now.
    openWindow = async () => {
      const placement = await store.placement(
        screen.getAllDisplays().map((display) => display.workArea),
        screen.getPrimaryDisplay().workArea,
        DEFAULT_SIZE,
        MINIMUM_SIZE,
      )
      const created = createMainWindow(
        preload,
        devServerUrl ?? `${APP_ORIGIN}/index.html`,
        placement,
        { packaged: app.isPackaged },
      )
      win = created
      store.track(created, (problem) => log.warn('window-state', problem))
      created.on('closed', () => {
        if (win === created) win = null
      })
    }
    await openWindow()
    // In the background, after the window is up: start-up never waits for GitHub.
    checkForUpdates?.(true)
  })

  // macOS keeps an app running with no window until Cmd+Q, and reopens it from the Dock.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (!win && openWindow) void openWindow()
  })

  // Finish the pending work (window state, demo registry, downloads) before the process exits.
  let cleanedUp = false
  app.on('will-quit', (event) => {
    if (cleanedUp) return
    event.preventDefault()
    void Promise.allSettled([windowState?.flush(), core?.dispose()]).finally(() => {
      cleanedUp = true
      app.quit()
    })
  })
}
