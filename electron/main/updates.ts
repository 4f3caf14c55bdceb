import { app, type BrowserWindow, dialog, type MessageBoxOptions } from 'electron'
import electronUpdater from 'electron-updater'
import type { Dispatch } from '../core/ipc/dispatch'
import { UpdateController } from '../core/updates/update-controller'
import { updateAvailability } from '../core/updates/update-decision'
import { updateCheckSetting, updatePrompts } from '../core/updates/update-prompts'

// The Electron side of updates, kept thin: electron-updater's autoUpdater (reading the GitHub
// releases named by electron-builder's publish config, from the app-update.yml it packages) and
// native dialogs. The flow, its rules and its messages are in electron/core/updates, tested
// without Electron.

interface UpdateOptions {
  getWindow: () => BrowserWindow | null
  dispatch: Dispatch
  log: { info(scope: string, message: string): void; warn(scope: string, message: string): void }
}

/** Builds the update flow for this app. Nothing is checked until `check` is called. */
export function createUpdates({ getWindow, dispatch, log }: UpdateOptions): UpdateController {
  // electron-updater is CommonJS and defines autoUpdater with a getter, which only the default
  // import reaches. Its own logging is off: the controller logs one line per check.
  const { autoUpdater } = electronUpdater
  autoUpdater.logger = null

  const show = async (options: MessageBoxOptions): Promise<number> => {
    const win = getWindow()
    const { response } = win
      ? await dialog.showMessageBox(win, options)
      : await dialog.showMessageBox(options)
    return response
  }
  return new UpdateController({
    updater: autoUpdater,
    prompts: updatePrompts(show, app.getVersion()),
    log,
    currentVersion: app.getVersion(),
    availability: async (automatic) =>
      updateAvailability({
        host: 'electron',
        packaged: app.isPackaged,
        automatic,
        setting: await updateCheckSetting(dispatch),
      }),
  })
}
