import { join, normalize, relative, isAbsolute } from 'node:path'
import { pathToFileURL, fileURLToPath } from 'node:url'
import { app, type BrowserWindow, ipcMain, net, protocol, session } from 'electron'
import { createApp, type App, type Emit } from './create-app'
import { registerIpc } from './ipc/register'
import { ElectronPlatform } from './platform/electron-platform'
import { Logger } from './services/logger'
import { createMainWindow } from './window'

// The UI is served from app://bundle/, never file://, so it gets a real origin that CSP and the
// sender check can pin.
const APP_ORIGIN = 'app://bundle'
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererDir = join(here, '../renderer')
const preload = join(here, '../preload/index.cjs')

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let win: BrowserWindow | null = null
  let core: App | null = null

  app.on('second-instance', () => {
    if (win?.isMinimized()) win.restore()
    win?.focus()
  })

  void app.whenReady().then(() => {
    const dataDir = process.env.ECR_LAYER_BROWSER_DATA_DIR || app.getPath('userData')
    const log = new Logger(join(dataDir, 'logs', 'main.log'))
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
      callback(false),
    )

    protocol.handle('app', (request) => {
      const path = normalize(decodeURIComponent(new URL(request.url).pathname)).replace(
        /^[/\\]+/,
        '',
      )
      const file = join(rendererDir, path || 'index.html')
      const inside = relative(rendererDir, file)
      if (inside.startsWith('..') || isAbsolute(inside)) return new Response(null, { status: 404 })
      return net.fetch(pathToFileURL(file).toString())
    })

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
    registerIpc(ipcMain, core.dispatch, (event) => {
      if (!win || win.isDestroyed() || event.sender !== win.webContents) return false
      const frame = event.senderFrame
      return frame !== null && frame === win.webContents.mainFrame && isOurOrigin(frame.url)
    })

    const devUrl = process.env.ELECTRON_RENDERER_URL
    win = createMainWindow(preload, !app.isPackaged && devUrl ? devUrl : `${APP_ORIGIN}/index.html`)
    win.on('closed', () => {
      win = null
    })
  })

  app.on('window-all-closed', () => app.quit())
  app.on('will-quit', () => {
    void core?.dispose()
  })
}

function isOurOrigin(url: string): boolean {
  const devUrl = process.env.ELECTRON_RENDERER_URL
  return url.startsWith(`${APP_ORIGIN}/`) || (!app.isPackaged && !!devUrl && url.startsWith(devUrl))
}
