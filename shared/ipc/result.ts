import type { ErrorCode } from '../error-codes'

/** An error as data: it crosses IPC intact, unlike a thrown Error, whose fields Electron drops. */
export interface AppError {
  code: ErrorCode
  /** The underlying message, for the details section (AWS's own text where there is one). */
  message: string
  /** The request field that failed validation. */
  field?: string
  /** The IAM action that was denied, such as ecr:DescribeRepositories. */
  action?: string
  /** The resource named in an AccessDenied message. */
  resource?: string
  /** The profile in use when the error happened. */
  profile?: string | null
  /** The region in use when the error happened. */
  region?: string
  /** The AWS error name, when the error came from AWS. */
  awsName?: string
  /** The download folder, when a path was refused for not being under it (PathNotChosen). */
  folder?: string
  /** Whether there is a file dialog to choose a refused path with (false in the web bridge). */
  picker?: boolean
  /**
   * The image an image's error is about (archived, never scanned, scan failed), so the command
   * its catalog entry gives names it and can be copied as is.
   */
  repositoryName?: string
  imageDigest?: string
}

/** What every invoke channel returns. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

/** An AppError as a throwable: services throw it in main, the renderer's api layer throws it for React Query. */
export class AppErrorException extends Error {
  constructor(readonly error: AppError) {
    super(error.message)
    this.name = 'AppErrorException'
  }
}
