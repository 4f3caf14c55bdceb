import { BrowserWindow } from 'electron'
import type { Placement } from '../core/window/window-state'

/** The window's size when nothing is remembered, and the smallest it may be. */
export const DEFAULT_SIZE = { width: 1280, height: 820 }
export const MINIMUM_SIZE = { width: 760, height: 480 }

/**
 * Creates the main window. Its webPreferences are written out in full here (not spread from a
 * helper) so that Electronegativity can read them; window.test.ts checks each one on the object
 * actually passed to BrowserWindow. Navigation, pop-ups and permissions are refused by the guards
 * in security.ts, installed for every webContents in index.ts.
 */
export function createMainWindow(
  preload: string,
  url: string,
  placement: Placement = { ...DEFAULT_SIZE, maximized: false },
  { packaged }: { packaged: boolean } = { packaged: true },
): BrowserWindow {
  const win = new BrowserWindow({
    ...(placement.x !== undefined && placement.y !== undefined
      ? { x: placement.x, y: placement.y }
      : {}),
    width: placement.width,
    height: placement.height,
    minWidth: MINIMUM_SIZE.width,
    minHeight: MINIMUM_SIZE.height,
    show: false,
    title: 'ECR Layer Browser',
    webPreferences: {
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      // Middle-click would otherwise try to open links in a new window.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      // A packaged build has no DevTools at all, not only no menu item: a shortcut or a stray
      // openDevTools() would otherwise open a console with window.ecr in reach.
      devTools: !packaged,
    },
  })
  win.once('ready-to-show', () => {
    if (placement.maximized) win.maximize()
    win.show()
  })
  void win.loadURL(url)
  return win
}
