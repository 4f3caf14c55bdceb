import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { buildApi } from '../../shared/ipc/channels'

// The only bridge between the page and main: exactly the contract's methods. The IPC event (which
// carries `sender`) is dropped before a listener sees the payload.
const api = buildApi(
  (channel, request) => ipcRenderer.invoke(channel, request),
  (channel, listener) => {
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(channel, wrapped)
    return () => {
      ipcRenderer.removeListener(channel, wrapped)
    }
  },
)

contextBridge.exposeInMainWorld('ecr', api)
