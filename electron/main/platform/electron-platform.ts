import {
  app,
  dialog,
  Notification,
  shell,
  type BrowserWindow,
  type OpenDialogOptions,
} from 'electron'
import { isAllowedExternalUrl, type Platform } from '../../core/platform/platform'

/** The desktop app's platform: native dialogs, shell and notifications. */
export class ElectronPlatform implements Platform {
  /** The native file dialog is always there. */
  readonly canChooseFile = true
  /** shell.showItemInFolder and the native folder dialog are always there too. */
  readonly canShowInFolder = true
  readonly canChooseFolder = true

  constructor(private readonly window: () => BrowserWindow | null) {}

  /** Opens an allow-listed https URL in the default browser. */
  async openExternal(url: string): Promise<void> {
    if (isAllowedExternalUrl(url)) await shell.openExternal(url)
  }

  /** Reveals a file in Finder, Explorer or the Linux file manager. */
  showItemInFolder(path: string): void {
    shell.showItemInFolder(path)
  }

  /** Shows a native notification where the OS supports them. */
  notify(title: string, body: string): void {
    if (Notification.isSupported()) new Notification({ title, body }).show()
  }

  /** Taskbar (Windows), dock (macOS) or launcher (Linux) progress; -1 removes it. */
  setProgress(fraction: number | null): void {
    const win = this.window()
    if (win && !win.isDestroyed()) win.setProgressBar(fraction ?? -1)
  }

  /** The OS Downloads folder. */
  downloadsFolder(): string {
    return app.getPath('downloads')
  }

  /** Asks for a folder with the native dialog. */
  chooseFolder(options: { title: string; defaultPath?: string }): Promise<string | null> {
    return this.showOpenDialog(options, ['openDirectory', 'createDirectory'])
  }

  /** Asks for one existing file with the native dialog. */
  chooseFile(options: { title: string; defaultPath?: string }): Promise<string | null> {
    return this.showOpenDialog(options, ['openFile'])
  }

  // Sheet-style on the window when there is one, so the dialog cannot get lost behind it.
  private async showOpenDialog(
    options: { title: string; defaultPath?: string },
    properties: OpenDialogOptions['properties'],
  ): Promise<string | null> {
    const win = this.window()
    const dialogOptions: OpenDialogOptions = {
      title: options.title,
      properties,
      ...(options.defaultPath ? { defaultPath: options.defaultPath } : {}),
    }
    const result = win
      ? await dialog.showOpenDialog(win, dialogOptions)
      : await dialog.showOpenDialog(dialogOptions)
    return result.canceled ? null : (result.filePaths[0] ?? null)
  }
}
