import { eventMethodOf, methodOf } from '../../../shared/ipc/channels'
import type {
  EcrApi,
  EventChannel,
  InvokeChannel,
  PayloadOf,
  RequestOf,
  ResponseOf,
} from '../../../shared/ipc/contract'
import type { AppError, Result } from '../../../shared/ipc/result'
import { AppErrorException } from '../../../shared/ipc/result'
import { isAppError } from '../../../shared/errors'

declare global {
  interface Window {
    /** Exposed by the preload (or the e2e web bridge); absent if the preload failed to load. */
    ecr?: EcrApi
  }
}

const missingBridge: AppError = {
  code: 'Unknown',
  message:
    'The connection to the main process (window.ecr) is missing, so the app cannot reach AWS. The preload script did not load: restart the app, and report this if it happens again.',
}

/**
 * The AppError a caught value carries (an AppErrorException, or AppError-shaped data), else
 * Unknown with its message: so every error the UI shows goes through the catalog. Not the core's
 * toAppError, which maps AWS errors into the catalog; this one only unwraps.
 */
export function thrownAppError(error: unknown): AppError {
  if (error instanceof AppErrorException) return error.error
  if (isAppError(error)) return error
  if (error instanceof Error) return { code: 'Unknown', message: error.message }
  return { code: 'Unknown', message: String(error) }
}

function getApi(): EcrApi {
  const api = typeof window === 'undefined' ? undefined : window.ecr
  if (!api) throw new AppErrorException(missingBridge)
  return api
}

/**
 * Calls one channel through window.ecr and unwraps its Result: resolves with the value, or throws
 * an AppErrorException that carries the AppError intact (code, action, profile…) for React Query.
 */
export async function invoke<C extends InvokeChannel>(
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const call = getApi()[methodOf(channel)] as unknown as (
    request: RequestOf<C>,
  ) => Promise<Result<ResponseOf<C>>>
  let result: Result<ResponseOf<C>>
  try {
    result = await call(request)
  } catch (error) {
    throw new AppErrorException(thrownAppError(error))
  }
  if (typeof result !== 'object' || result === null || !('ok' in result)) {
    throw new AppErrorException({
      code: 'Unknown',
      message: `The main process sent an unexpected answer to ${channel}.`,
    })
  }
  if (!result.ok) throw new AppErrorException(thrownAppError(result.error))
  return result.value
}

/** Subscribes to a main-process event; a no-op when window.ecr is missing (invoke reports that). */
export function subscribe<E extends EventChannel>(
  event: E,
  listener: (payload: PayloadOf<E>) => void,
): () => void {
  const api = typeof window === 'undefined' ? undefined : window.ecr
  if (!api) return () => {}
  const on = api[eventMethodOf(event)] as unknown as (
    listener: (payload: PayloadOf<E>) => void,
  ) => () => void
  return on(listener)
}
