import { AppErrorException } from '../../../shared/ipc/result'
import type { HandlersOf } from '../ipc/handlers'
import { isAllowedExternalUrl, type Platform } from '../platform/platform'
import { fileSize } from './blob-downloader'
import type { DownloadFolder } from './download-folder'
import type { UserPaths } from './user-paths'

/** What the dialogs service is built from. */
export interface DialogsDeps {
  /** The desktop: its dialogs, its file manager, the browser. */
  platform: Platform
  /** The gate for paths from the renderer; the dialogs record what the user chose there. */
  paths: UserPaths
  /** Where the dialogs start. */
  folder: DownloadFolder
}

/**
 * What the app asks of the desktop on the user's behalf: the folder and file dialogs, showing a
 * file in the file manager, and opening AWS links in the browser. Every one goes through the
 * Platform, so the web bridge answers what a browser can and says what it cannot.
 */
export class DialogsService {
  constructor(private readonly deps: DialogsDeps) {}

  /** Shows a file the user chose in the file manager, once it is known to be there. */
  async showInFolder(path: string): Promise<null> {
    await this.deps.paths.check(path, 'path', 'file')
    if ((await fileSize(path)) === null) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'path',
        message: `no file at ${path}`,
      })
    }
    this.deps.platform.showItemInFolder(path)
    return null
  }

  /** Asks for a download folder; the one returned is honoured from then on, in later runs too. */
  async chooseFolder(): Promise<{ path: string | null }> {
    const path = await this.deps.platform.chooseFolder({
      title: 'Choose a download folder',
      defaultPath: await this.deps.folder.path(),
    })
    if (path !== null) await this.deps.paths.folderChosen(path)
    return { path }
  }

  /** Asks for a file to verify; the one returned is honoured for this run. */
  async chooseFile(defaultPath?: string): Promise<{ path: string | null; picker: boolean }> {
    const { platform } = this.deps
    // Without a dialog the renderer says to type the path; asking would only log.
    if (!platform.canChooseFile) return { path: null, picker: false }
    const path = await platform.chooseFile({
      title: 'Choose a file to verify',
      defaultPath: defaultPath ?? (await this.deps.folder.path()),
    })
    if (path !== null) this.deps.paths.fileChosen(path)
    return { path, picker: true }
  }

  /** What this shell can do, so the UI says what it would do where it cannot. */
  capabilities(): { showInFolder: boolean; chooseFolder: boolean; chooseFile: boolean } {
    const { platform } = this.deps
    return {
      showInFolder: platform.canShowInFolder,
      chooseFolder: platform.canChooseFolder,
      chooseFile: platform.canChooseFile,
    }
  }

  /** Opens an AWS documentation or console link (or a finding's advisory); nothing else. */
  async openExternal(url: string): Promise<null> {
    if (!isAllowedExternalUrl(url)) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'url',
        message: 'only AWS documentation and console links can be opened',
      })
    }
    await this.deps.platform.openExternal(url)
    return null
  }

  /** The `dialogs:` channels. */
  handlers(): HandlersOf<'dialogs'> {
    return {
      'dialogs:show-in-folder': ({ path }) => this.showInFolder(path),
      'dialogs:choose-folder': () => this.chooseFolder(),
      'dialogs:choose-file': ({ defaultPath }) => this.chooseFile(defaultPath),
      'dialogs:capabilities': () => Promise.resolve(this.capabilities()),
      'dialogs:open-external': ({ url }) => this.openExternal(url),
    }
  }
}
