import { AppErrorException, type AppError } from '../../../shared/ipc/result'
import { awsError } from '../aws/aws-errors'

/** Where the failing call was made, so the message can name the profile and region. */
export interface ErrorContext {
  profile?: string | null
  region?: string
}

/**
 * Turns anything a handler threw into an AppError with a catalog code, naming the profile and
 * region: a service's catalog error as it is, anything else through the one AWS error map.
 */
export function toAppError(error: unknown, context: ErrorContext = {}): AppError {
  if (error instanceof AppErrorException) return { ...context, ...error.error }
  return { ...context, ...awsError(error) }
}
