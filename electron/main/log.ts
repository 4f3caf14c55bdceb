import { join } from 'node:path'
import type { LogMessage, NodeLogger } from 'electron-log'
import { Logger, redact } from '../core/services/logger'

/** Rotate main.log to main.old.log past this size, so logs never grow without bound. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redact(value)
  if (value instanceof Error) {
    const copy = new Error(redact(value.message))
    copy.name = value.name
    copy.stack = value.stack === undefined ? undefined : redact(value.stack)
    return copy
  }
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.parse(redact(JSON.stringify(value))) as unknown
    } catch {
      return '[unserialisable]'
    }
  }
  return value
}

/**
 * The electron-log hook that runs before every transport writes: each argument goes through
 * redact(), so credentials and pre-signed URLs' query strings never reach the console or the file.
 */
export function redactLogMessage(message: LogMessage): LogMessage {
  return { ...message, data: message.data.map(redactValue) }
}

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
