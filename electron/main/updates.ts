import { app, type BrowserWindow, dialog, type MessageBoxOptions } from 'electron'
import electronUpdater from 'electron-updater'
import type { Settings } from '../../shared/models/settings'
import type { Dispatch } from '../core/ipc/dispatch'
import { UpdateController, type UpdatePrompts } from '../core/updates/update-controller'
import { updateAvailability } from '../core/updates/update-decision'

// The Electron side of updates, kept thin: electron-updater's autoUpdater (reading the GitHub
// releases named by electron-builder's publish config, from the app-update.yml it packages) and
// native dialogs. The flow and its rules are in electron/core/updates, tested without Electron.

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
  const prompts: UpdatePrompts = {
    offerDownload: async (info) =>
      (await show({
        type: 'info',
        title: 'Update available',
        message: `ECR Layer Browser ${info.version} is available`,
        detail: `You have ${app.getVersion()}. Download it now? It is installed when you quit the app.`,
        buttons: ['Download', 'Later'],
        defaultId: 0,
        cancelId: 1,
      })) === 0,
    downloaded: async (info) => {
      await show({
        type: 'info',
        title: 'Update ready',
        message: `ECR Layer Browser ${info.version} is ready`,
        detail: 'It is installed when you quit the app.',
        buttons: ['OK'],
      })
    },
    upToDate: async (version) => {
      await show({
        type: 'info',
        title: 'No update',
        message: 'ECR Layer Browser is up to date',
        detail: `${version} is the newest version.`,
        buttons: ['OK'],
      })
    },
    failed: async (message) => {
      await show({
        type: 'warning',
        title: 'Update',
        message: 'Could not update ECR Layer Browser',
        detail: message,
        buttons: ['OK'],
      })
    },
  }

  const setting = async (): Promise<boolean> => {
    // On by default: only a saved "off" turns the start-up check off.
    const result = await dispatch('settings:get', {})
    return !result.ok || (result.value as Partial<Settings> | null)?.checkForUpdates !== false
  }
  return new UpdateController({
    updater: autoUpdater,
    prompts,
    log,
    currentVersion: app.getVersion(),
    availability: async (automatic) =>
      updateAvailability({
        host: 'electron',
        packaged: app.isPackaged,
        automatic,
        setting: await setting(),
      }),
  })
}
