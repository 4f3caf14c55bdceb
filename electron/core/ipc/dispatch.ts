import type { ZodError } from 'zod'
import { invokeContract, type InvokeChannel } from '../../../shared/ipc/contract'
import type { AppError, Result } from '../../../shared/ipc/result'
import type { Handlers } from './handlers'
import { toAppError, type ErrorContext } from './to-app-error'

export type { Handlers } from './handlers'

/** Validates, calls and wraps: the transport-independent core of every IPC handler. */
export type Dispatch = (channel: string, request: unknown) => Promise<Result<unknown>>

const isInvokeChannel = (channel: string): channel is InvokeChannel =>
  Object.prototype.hasOwnProperty.call(invokeContract, channel)

/** Names the first failing field of a schema error, as a dotted path. */
function invalidParameter(error: ZodError): AppError {
  const issue = error.issues[0]
  const keys = issue && 'keys' in issue ? issue.keys : []
  const path = [...(issue?.path ?? []), ...keys.slice(0, 1)].map(String)
  const field = path.length > 0 ? path.join('.') : 'request'
  const message =
    keys.length > 0 ? `unknown field "${keys.join('", "')}"` : (issue?.message ?? 'invalid')
  return { code: 'InvalidParameter', field, message }
}

/**
 * Builds the dispatcher shared by Electron's ipcMain and the web bridge: parse with the channel's
 * schema (a bad request never reaches a service, so never reaches AWS), call the handler, and
 * return a Result. It never throws.
 */
export function createDispatch(handlers: Handlers, context: () => ErrorContext): Dispatch {
  return async (channel, request) => {
    if (!isInvokeChannel(channel)) {
      return {
        ok: false,
        error: {
          code: 'InvalidParameter',
          field: 'channel',
          message: `unknown channel "${channel}"`,
        },
      }
    }
    const parsed = invokeContract[channel].request.safeParse(request)
    if (!parsed.success) return { ok: false, error: invalidParameter(parsed.error) }
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>
    try {
      return { ok: true, value: await handler(parsed.data) }
    } catch (error) {
      return { ok: false, error: toAppError(error, context()) }
    }
  }
}
