import { isAllowedExternalUrl } from '../core/platform/platform'

// Electron's security checklist, as small functions over structural types so each rule can be
// tested with plain objects (there is no Electron binary on CI). index.ts wires them to the real
// app, session and webContents.

/** The origin the UI is served from (see app-protocol.ts). */
export const APP_ORIGIN = 'app://bundle'

/** The Content-Security-Policy of every app:// response: the app's one policy, shared with the web bridge. */
export { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy'

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

/** An event whose default action can be cancelled. */
export interface Preventable {
  preventDefault(): void
}

/** The part of a webContents the guards touch. */
export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: Preventable, url: string) => void): unknown
  on(
    event: 'will-frame-navigate' | 'will-redirect',
    listener: (event: Preventable & { url: string }) => void,
  ): unknown
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/**
 * Locks one webContents down: no navigation away from the loaded page, no new windows, no
 * <webview>. A link to an allow-listed https page (AWS docs, console) opens in the user's browser.
 */
export function guardWebContents(
  contents: GuardedContents,
  openExternal: (url: string) => void,
  devServerUrl?: string,
): void {
  const openIfAllowed = (url: string) => {
    if (isAllowedExternalUrl(url)) openExternal(url)
  }
  contents.on('will-navigate', (event, url) => {
    event.preventDefault()
    openIfAllowed(url)
  })
  // will-navigate covers the main frame only; sub-frames are refused too, and so is a server
  // redirect anywhere but the app itself.
  contents.on('will-frame-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, devServerUrl)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(url)
    return { action: 'deny' }
  })
}

/** The part of a session the guards touch. */
export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void
  webRequest: {
    onBeforeRequest(
      listener: (
        details: { url: string },
        callback: (response: { cancel: boolean }) => void,
      ) => void,
    ): void
  }
}

/**
 * Denies every permission (Electron grants them all by default: camera, notifications, HID…) and
 * cancels every request for anything but the app's own content.
 */
export function guardSession(session: GuardedSession, devServerUrl?: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
  session.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !isAllowedRendererRequest(details.url, devServerUrl) }),
  )
}
