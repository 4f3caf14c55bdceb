import type { UpdateCheckResult, UpdateInfo } from 'electron-updater'
import { decideUpdate, type UpdateAvailability, type UpdateDecision } from './update-decision'

// The update flow, in plain Node: the shell hands it electron-updater's autoUpdater and a few
// dialogs. A check never blocks start-up (the shell starts it after the window opens and does not
// wait); a check nobody asked for fails quietly, with one line in the log; an update downloads only
// when the user agrees, and installs when the app quits.

/** The part of electron-updater's AppUpdater the flow drives. */
export interface Updater {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  allowDowngrade: boolean
  checkForUpdates(): Promise<UpdateCheckResult | null>
  downloadUpdate(): Promise<unknown>
}

/** What the user sees; the shell implements these with native dialogs. */
export interface UpdatePrompts {
  /** Asks whether to download this version now; true when the user agrees. */
  offerDownload(info: UpdateInfo): Promise<boolean>
  /** Says the update is downloaded and will be installed when the app quits. */
  downloaded(info: UpdateInfo): Promise<void>
  /** Answers a check the user asked for: this is the newest version. */
  upToDate(version: string): Promise<void>
  /** Answers a check or download the user asked for that could not be done. */
  failed(message: string): Promise<void>
}

export interface UpdateControllerDeps {
  updater: Updater
  prompts: UpdatePrompts
  log: { info(scope: string, message: string): void; warn(scope: string, message: string): void }
  /** The running app's version. */
  currentVersion: string
  /** Whether a check may run now (updateAvailability with the current setting). */
  availability(automatic: boolean): Promise<UpdateAvailability>
}

/** How one check ended. */
export type UpdateOutcome =
  | { kind: 'disabled'; reason: string }
  | { kind: 'failed'; message: string }
  | { kind: 'declined'; version: string }
  | { kind: 'downloaded'; version: string }
  | { kind: 'already-downloaded'; version: string }
  | Exclude<UpdateDecision, { kind: 'newer' }>

export class UpdateController {
  private running: Promise<UpdateOutcome> | null = null
  private downloadedVersion: string | null = null

  constructor(private readonly deps: UpdateControllerDeps) {
    // Downloads wait for the user; a downloaded update installs on quit; never a downgrade.
    deps.updater.autoDownload = false
    deps.updater.autoInstallOnAppQuit = true
    deps.updater.allowDowngrade = false
  }

  /**
   * Checks for an update: at start-up (`automatic`, quiet on failure) or because the user asked
   * (every answer is shown). A check while one runs joins it.
   */
  check(automatic: boolean): Promise<UpdateOutcome> {
    this.running ??= this.run(automatic).finally(() => {
      this.running = null
    })
    return this.running
  }

  private async run(automatic: boolean): Promise<UpdateOutcome> {
    const { updater, prompts, log, currentVersion } = this.deps
    const availability = await this.deps.availability(automatic)
    if (!availability.enabled) return { kind: 'disabled', reason: availability.reason }

    let result: UpdateCheckResult | null
    try {
      result = await updater.checkForUpdates()
    } catch (error) {
      return this.fail(automatic, `Could not check for updates: ${messageOf(error)}`)
    }
    if (!result) return { kind: 'disabled', reason: 'the updater is not active in this build' }

    const decision = decideUpdate(currentVersion, result.updateInfo)
    if (decision.kind !== 'newer') {
      log.info(
        'updates',
        `no update: ${decision.kind} (${decision.version}, running ${currentVersion})`,
      )
      if (!automatic) await prompts.upToDate(currentVersion)
      return decision
    }
    if (this.downloadedVersion === decision.version) {
      if (!automatic) await prompts.downloaded(result.updateInfo)
      return { kind: 'already-downloaded', version: decision.version }
    }
    if (!(await prompts.offerDownload(result.updateInfo))) {
      log.info('updates', `${decision.version} available; the user chose not to download it now`)
      return { kind: 'declined', version: decision.version }
    }
    try {
      await updater.downloadUpdate()
    } catch (error) {
      // The user asked for this download, so its failure is shown even after a start-up check.
      return this.fail(false, `Could not download version ${decision.version}: ${messageOf(error)}`)
    }
    this.downloadedVersion = decision.version
    log.info('updates', `${decision.version} downloaded; it installs when the app quits`)
    await prompts.downloaded(result.updateInfo)
    return { kind: 'downloaded', version: decision.version }
  }

  private async fail(automatic: boolean, message: string): Promise<UpdateOutcome> {
    // One line, whatever went wrong (offline, GitHub unreachable, no feed for this platform).
    this.deps.log.warn('updates', message)
    if (!automatic) await this.deps.prompts.failed(message)
    return { kind: 'failed', message }
  }
}

/** The first line of an error's message: electron-updater appends whole HTTP responses. */
function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0]!.slice(0, 300)
}
