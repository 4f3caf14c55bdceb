import type { Settings } from '../../../shared/models/settings'
import type { Dispatch } from '../ipc/dispatch'
import type { UpdatePrompts } from './update-controller'

/** One message box of the update flow; the shell shows it natively (Electron's MessageBoxOptions). */
export interface UpdateMessage {
  type: 'info' | 'warning'
  title: string
  message: string
  detail: string
  buttons: string[]
  defaultId?: number
  cancelId?: number
}

/**
 * The update flow's questions and answers, written once. `show` displays a message box and
 * resolves to the index of the button chosen; `currentVersion` is the running app's.
 */
export function updatePrompts(
  show: (message: UpdateMessage) => Promise<number>,
  currentVersion: string,
): UpdatePrompts {
  return {
    offerDownload: async (info) =>
      (await show({
        type: 'info',
        title: 'Update available',
        message: `ECR Layer Browser ${info.version} is available`,
        detail: `You have ${currentVersion}. Download it now? It is installed when you quit the app.`,
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
}

/**
 * Whether the start-up check is on. It is on by default: only a saved "off" turns it off, and
 * settings that cannot be read leave it on.
 */
export async function updateCheckSetting(dispatch: Dispatch): Promise<boolean> {
  const result = await dispatch('settings:get', {})
  return !result.ok || (result.value as Partial<Settings> | null)?.checkForUpdates !== false
}
