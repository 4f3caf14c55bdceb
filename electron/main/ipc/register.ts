import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { invokeChannels, type InvokeChannel } from '../../../shared/ipc/contract'
import type { Result } from '../../../shared/ipc/result'
import type { Dispatch } from '../../core/ipc/dispatch'

const forbidden: Result<never> = {
  ok: false,
  error: { code: 'Forbidden', message: 'The request did not come from the app window.' },
}

/**
 * Registers one ipcMain handler per contract channel. Each checks the sender first, so a frame
 * that is not our own window's main frame gets Forbidden without any parsing.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  dispatch: Dispatch,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): InvokeChannel[] {
  for (const channel of invokeChannels) {
    ipcMain.handle(channel, (event, request: unknown) =>
      isTrustedSender(event) ? dispatch(channel, request) : forbidden,
    )
  }
  return [...invokeChannels]
}
