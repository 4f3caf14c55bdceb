import type { BrowserWindow } from 'electron'
import { beforeEach, describe, expect, it, vi } from 'vitest'

// There is no Electron binary on CI: the dialog module is replaced by a recorder, so the test reads
// the exact arguments ElectronPlatform hands to showOpenDialog.
const showOpenDialog = vi.hoisted(() =>
  vi.fn((..._args: unknown[]) =>
    Promise.resolve({ canceled: false, filePaths: ['/home/me/blob.tar.gz'] }),
  ),
)

vi.mock('electron', () => ({
  app: {},
  dialog: { showOpenDialog },
  Notification: { isSupported: () => false },
  shell: {},
}))

const { ElectronPlatform } = await import('./electron-platform')

const win = { isDestroyed: () => false } as unknown as BrowserWindow

beforeEach(() => {
  showOpenDialog.mockClear()
})

describe('ElectronPlatform file and folder dialogs', () => {
  it('asks for one existing file, attached to the window, starting at the default path', async () => {
    const platform = new ElectronPlatform(() => win)
    expect(platform.canChooseFile).toBe(true)
    await expect(
      platform.chooseFile({ title: 'Choose a file to verify', defaultPath: '/home/me/old.tar' }),
    ).resolves.toBe('/home/me/blob.tar.gz')
    expect(showOpenDialog).toHaveBeenCalledExactlyOnceWith(win, {
      title: 'Choose a file to verify',
      properties: ['openFile'],
      defaultPath: '/home/me/old.tar',
    })
  })

  it('opens a free-standing dialog when there is no window, and answers null when cancelled', async () => {
    showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    const platform = new ElectronPlatform(() => null)
    await expect(platform.chooseFile({ title: 'Choose a file to verify' })).resolves.toBeNull()
    expect(showOpenDialog).toHaveBeenCalledExactlyOnceWith({
      title: 'Choose a file to verify',
      properties: ['openFile'],
    })
  })

  it('still asks for a folder (which it may create) for the download folder', async () => {
    showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/data/blobs'] })
    const platform = new ElectronPlatform(() => win)
    await expect(platform.chooseFolder({ title: 'Choose a download folder' })).resolves.toBe(
      '/data/blobs',
    )
    expect(showOpenDialog).toHaveBeenCalledExactlyOnceWith(win, {
      title: 'Choose a download folder',
      properties: ['openDirectory', 'createDirectory'],
    })
  })
})
