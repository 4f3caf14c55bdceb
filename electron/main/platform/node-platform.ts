import { spawn } from 'node:child_process'
import type { Logger } from '../services/logger'
import type { Platform } from './platform'

/** The web bridge's platform: no native dialogs, so it uses the configured folders and the log. */
export class NodePlatform implements Platform {
  constructor(
    private readonly log: Logger,
    private readonly defaultFolder: string,
  ) {}

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
}
