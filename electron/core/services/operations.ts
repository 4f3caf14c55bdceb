import { AppErrorException } from '../../../shared/ipc/result'

/**
 * The app's long operations (downloads, file checks, layer indexing, extraction) by the ID the
 * renderer gave them: one AbortController each, so `layers:cancel` has one place to look.
 */
export class Operations {
  private readonly controllers = new Map<string, AbortController>()

  /** Registers an operation and returns its abort signal; the ID must not be in use. */
  start(operationId: string): AbortSignal {
    if (this.controllers.has(operationId)) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'operationId',
        message: 'an operation with this ID is already running',
      })
    }
    const controller = new AbortController()
    this.controllers.set(operationId, controller)
    return controller.signal
  }

  /** Forgets an operation, however it ended. */
  end(operationId: string): void {
    this.controllers.delete(operationId)
  }

  /** Aborts an operation at once; false when no such operation is running. */
  cancel(operationId: string): { cancelled: boolean } {
    const controller = this.controllers.get(operationId)
    controller?.abort(new AppErrorException({ code: 'Cancelled', message: 'Cancelled.' }))
    return { cancelled: controller !== undefined }
  }

  /** How many operations are running or queued. */
  get size(): number {
    return this.controllers.size
  }
}
