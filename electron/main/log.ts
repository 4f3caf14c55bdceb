import { join } from 'node:path'
import type { NodeLogger } from 'electron-log'
import { Logger, redactLogMessage } from '../core/services/logger'

/** Rotate main.log to main.old.log past this size, so logs never grow without bound. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024

/**
 * Sets electron-log up for the main process: a rotating file in `logsDir`, the redaction hook, and
 * no transport that would send log lines anywhere else (renderer windows, a remote URL).
 */
export function configureLog(log: NodeLogger, logsDir: string, packaged: boolean): void {
  log.transports.file.resolvePathFn = () => join(logsDir, 'main.log')
  log.transports.file.maxSize = LOG_MAX_BYTES
  log.transports.file.level = 'info'
  log.transports.console.level = packaged ? false : 'info'
  if (log.transports.ipc) log.transports.ipc.level = false
  log.transports.remote.level = false
  log.hooks.push(redactLogMessage)
}

/**
 * The services' Logger, backed by electron-log. It keeps the Logger interface (scope + message) so
 * services do not know which one they have; the web bridge keeps the plain file Logger.
 */
export class ElectronLogger extends Logger {
  constructor(private readonly log: NodeLogger) {
    super(null)
  }

  /** Logs routine events. */
  override info(scope: string, message: string): void {
    this.log.scope(scope).info(message)
  }

  /** Logs recoverable problems. */
  override warn(scope: string, message: string): void {
    this.log.scope(scope).warn(message)
  }

  /** Logs failures. */
  override error(scope: string, message: string): void {
    this.log.scope(scope).error(message)
  }
}
