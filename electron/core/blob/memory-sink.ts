import { AppErrorException, type AppError } from '../../../shared/ipc/result'
import type { BlobSink, SinkWriter } from './sink'

/**
 * Holds a small blob in memory, at most `limit` bytes: config blobs and other JSON documents.
 * Past the limit the fetch stops with `tooLarge`, so a hostile server cannot grow memory.
 */
export function memorySink(limit: number, tooLarge: () => AppError): BlobSink<Buffer> {
  let chunks: Buffer[] = []
  let size = 0
  return {
    resume: () => Promise.resolve(0),
    writer(onAccepted): SinkWriter {
      return {
        get position() {
          return size
        },
        write(view) {
          if (size + view.length > limit) throw new AppErrorException(tooLarge())
          // Views are only valid during the call.
          chunks.push(Buffer.from(view))
          size += view.length
          onAccepted(size)
          return true
        },
        drained: () => Promise.resolve(),
        settle: () => Promise.resolve(),
        abandon: () => Promise.resolve(),
      }
    },
    restart() {
      chunks = []
      size = 0
      return Promise.resolve()
    },
    commit: () => Promise.resolve(Buffer.concat(chunks, size)),
    close() {
      chunks = []
      return Promise.resolve()
    },
  }
}
