import type {
  EcrApi,
  EventChannel,
  EventContract,
  InvokeChannel,
  InvokeContract,
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

/** A window.ecr method that answers with a Result. */
export type InvokeMethod = InvokeContract[InvokeChannel]['method']
/** A window.ecr method that subscribes to an event. */
export type EventMethod = EventContract[EventChannel]['method']

type RequestFor<M extends InvokeMethod> = Parameters<EcrApi[M]>[0]
type ResponseFor<M extends InvokeMethod> =
  Awaited<ReturnType<EcrApi[M]>> extends Result<infer T> ? T : never
type PayloadFor<M extends EventMethod> = Parameters<Parameters<EcrApi[M]>[0]>[0]

const missingBridge: AppError = {
  code: 'Unknown',
  message:
    'The connection to the main process (window.ecr) is missing, so the app cannot reach AWS. The preload script did not load: restart the app, and report this if it happens again.',
}

/** Turns anything thrown into an AppError, so every error the UI shows goes through the catalog. */
export function toAppError(error: unknown): AppError {
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
 * Calls one window.ecr method and unwraps its Result: resolves with the value, or throws an
 * AppErrorException that carries the AppError intact (code, action, profile…) for React Query.
 */
export async function invoke<M extends InvokeMethod>(
  method: M,
  request: RequestFor<M>,
): Promise<ResponseFor<M>> {
  const call = getApi()[method] as unknown as (
    request: RequestFor<M>,
  ) => Promise<Result<ResponseFor<M>>>
  let result: Result<ResponseFor<M>>
  try {
    result = await call(request)
  } catch (error) {
    throw new AppErrorException(toAppError(error))
  }
  if (typeof result !== 'object' || result === null || !('ok' in result)) {
    throw new AppErrorException({
      code: 'Unknown',
      message: `The main process sent an unexpected answer to ${method}.`,
    })
  }
  if (!result.ok) throw new AppErrorException(toAppError(result.error))
  return result.value
}

/** Subscribes to a main-process event; a no-op when window.ecr is missing (invoke reports that). */
export function subscribe<M extends EventMethod>(
  method: M,
  listener: (payload: PayloadFor<M>) => void,
): () => void {
  const api = typeof window === 'undefined' ? undefined : window.ecr
  if (!api) return () => {}
  return api[method](listener)
}
