// Which URLs are the app's own, and which IPC senders are our window: plain rules over plain
// values, so they run and are tested in Node. The Electron shell (electron/main/security.ts) wires
// them to the real session, webContents and ipcMain.

/** The origin the UI is served from (electron/main/app-protocol.ts). */
export const APP_ORIGIN = 'app://bundle'

/** Whether a URL belongs to the app: app://bundle/…, or the dev server's origin in development. */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === 'app:' && parsed.host === 'bundle') return true
  if (!devServerUrl) return false
  try {
    const dev = new URL(devServerUrl)
    return parsed.protocol === dev.protocol && parsed.host === dev.host
  } catch {
    return false
  }
}

/**
 * Whether the renderer's session may load a URL at all: the app's own resources, in-memory
 * data/blob URLs and DevTools. Everything remote is cancelled, so no remote content is ever loaded.
 * The main process's own HTTP (AWS SDK, downloads) does not go through the session and is not
 * affected.
 */
export function isAllowedRendererRequest(url: string, devServerUrl?: string): boolean {
  if (isAppUrl(url, devServerUrl)) return true
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (['data:', 'blob:', 'devtools:', 'chrome-devtools:'].includes(parsed.protocol)) return true
  // Vite's hot-reload socket, in development only.
  if (devServerUrl && parsed.protocol === 'ws:') {
    return parsed.host === new URL(devServerUrl).host
  }
  return false
}

/** The part of an ipcMain event the sender check reads. */
export interface IpcSenderEvent {
  sender: unknown
  senderFrame: { url: string } | null
}

/** The part of the main window the sender check reads. */
export interface SenderWindow {
  isDestroyed(): boolean
  webContents: { mainFrame: unknown }
}

/**
 * Builds the check every ipcMain handler runs first: the message must come from our window's
 * webContents, from its main frame (not an iframe), and that frame must show the app.
 */
export function createSenderCheck(
  getWindow: () => SenderWindow | null,
  devServerUrl?: string,
): (event: IpcSenderEvent) => boolean {
  return (event) => {
    const win = getWindow()
    if (!win || win.isDestroyed() || event.sender !== win.webContents) return false
    const frame = event.senderFrame
    return (
      frame !== null && frame === win.webContents.mainFrame && isAppUrl(frame.url, devServerUrl)
    )
  }
}
