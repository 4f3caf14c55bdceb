import { spawn } from 'node:child_process'
import type { Logger } from '../services/logger'
import type { Platform } from './platform'

/** Picks one file for chooseFile; the web bridge has none of its own. */
export type FilePicker = (options: {
  title: string
  defaultPath?: string
}) => Promise<string | null>

/** The web bridge's platform: no native dialogs, so it uses the configured folders and the log. */
export class NodePlatform implements Platform {
  /** A browser tab cannot open the user's file manager. */
  readonly canShowInFolder = false
  /** No folder dialog: chooseFolder answers the folder the bridge was started with. */
  readonly canChooseFolder = false
  /** True only when a picker was given: a browser tab cannot hand main a path on disk. */
  readonly canChooseFile: boolean

  constructor(
    private readonly log: Logger,
    private readonly defaultFolder: string,
    private readonly pickFile?: FilePicker,
  ) {
    this.canChooseFile = pickFile !== undefined
  }

  /** Opens the URL with xdg-open/open/start, detached. */
  openExternal(url: string): Promise<void> {
    const command =
      process.platform === 'darwin'
        ? 'open'
        : process.platform === 'win32'
          ? 'explorer'
          : 'xdg-open'
    const child = spawn(command, [url], { detached: true, stdio: 'ignore' })
    child.on('error', () => this.log.warn('platform', `could not open ${url}`))
    child.unref()
    return Promise.resolve()
  }

  /** Logs the path; a browser page cannot reveal files. */
  showItemInFolder(path: string): void {
    this.log.info('platform', `show in folder: ${path}`)
  }

  /** Logs the notification. */
  notify(title: string, body: string): void {
    this.log.info('notification', `${title}: ${body}`)
  }

  /** A browser tab has no taskbar entry; the progress shows in the page. */
  setProgress(): void {}

  /** The folder the bridge was started with. */
  downloadsFolder(): string {
    return this.defaultFolder
  }

  /** Returns the configured folder: the bridge has no dialog to ask with. */
  chooseFolder(): Promise<string | null> {
    return Promise.resolve(this.defaultFolder)
  }

  /** Asks the picker it was given; without one there is no dialog, so the user types the path. */
  chooseFile(options: { title: string; defaultPath?: string }): Promise<string | null> {
    if (this.pickFile) return this.pickFile(options)
    this.log.info('platform', 'no file dialog in the web bridge: the path is typed')
    return Promise.resolve(null)
  }
}
