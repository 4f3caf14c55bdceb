import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { appendOwnFileSync } from '../fs/safe-file'

// Pre-signed URLs carry a signature in their query string; keys and tokens have known shapes.
const REDACTIONS: [RegExp, string][] = [
  [/(https?:\/\/[^\s"'?]+)\?[^\s"']*/g, '$1?[redacted]'],
  [/\b(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}\b/g, '[access-key-id]'],
  [
    /(aws_secret_access_key|aws_session_token|secretAccessKey|sessionToken)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
    '$1$2[redacted]',
  ],
]

/** Removes anything that could be a credential or a pre-signed URL's signature. */
export function redact(text: string): string {
  return REDACTIONS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text)
}

/** redact() through a log argument of any shape: strings, Errors (message and stack) and JSON-able objects. */
export function redactValue(value: unknown): unknown {
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
 * The hook electron-log runs before every transport writes (the shell installs it): each argument
 * goes through redact(), so credentials and pre-signed URLs' query strings never reach the console
 * or the file.
 */
export function redactLogMessage<M extends { data: unknown[] }>(message: M): M {
  return { ...message, data: message.data.map(redactValue) }
}

/**
 * Appends one redacted JSON line per entry to the app's log file. If the file's folder cannot be
 * made (a read-only or foreign data folder), the lines go to `fallback` instead and `problem` says
 * why, so an unwritable data folder never stops the app from starting.
 */
export class Logger {
  private readonly file: string | null
  /** Why the log file could not be used, or null when it can. */
  readonly problem: string | null = null

  constructor(
    file: string | null,
    private readonly fallback?: (line: string, level: string) => void,
  ) {
    this.file = file
    if (!file) return
    try {
      mkdirSync(dirname(file), { recursive: true })
    } catch (error) {
      this.file = null
      this.problem = `cannot write the log ${file}: ${(error as Error).message}`
    }
  }

  /** Logs routine events. */
  info(scope: string, message: string): void {
    this.write('info', scope, message)
  }

  /** Logs recoverable problems. */
  warn(scope: string, message: string): void {
    this.write('warn', scope, message)
  }

  /** Logs failures. */
  error(scope: string, message: string): void {
    this.write('error', scope, message)
  }

  private write(level: string, scope: string, message: string): void {
    const line = JSON.stringify({ time: new Date().toISOString(), level, scope, message })
    if (this.file) {
      try {
        // Never through a link or into another file's hard link planted at the log's name.
        appendOwnFileSync(this.file, `${redact(line)}\n`)
        return
      } catch {
        // Logging must never break the app.
      }
    }
    this.fallback?.(`${redact(line)}\n`, level)
  }
}
