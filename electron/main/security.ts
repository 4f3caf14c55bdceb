import { isAllowedRendererRequest, isAppUrl } from '../core/platform/app-origin'
import { isAllowedExternalUrl } from '../core/platform/platform'

// Electron's security checklist, as small functions over structural types so each rule can be
// tested with plain objects (there is no Electron binary on CI). index.ts wires them to the real
// app, session and webContents; which URLs and senders are the app's own is decided in the core
// (electron/core/platform/app-origin.ts).

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
