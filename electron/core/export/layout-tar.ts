import { createReadStream } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import tarStream from 'tar-stream'
import { AppErrorException } from '../../../shared/ipc/result'
import { createFile, lstatOrNull, renameIntoPlace, writeAll, writeError } from '../fs/safe-file'
import { MARKER } from './layout'

// The tar forms are assembled from a finished, verified layout folder: `oci-layout`, then every
// blob, then the named last entries (index.json last of all), so a cut-off tar never looks
// complete. The tar goes to a temporary name created exclusively, is fsynced, then renamed.

/** Writes the layout folder `from` as one tar at `to`. */
export async function writeLayoutTar(
  from: string,
  to: string,
  options: { signal: AbortSignal; last: string[] },
): Promise<void> {
  const names: string[] = ['oci-layout']
  for (const algorithm of (await readdir(join(from, 'blobs'))).sort()) {
    for (const hex of (await readdir(join(from, 'blobs', algorithm))).sort()) {
      if (hex.includes('.')) continue // a leftover .partial or .reuse
      names.push(`blobs/${algorithm}/${hex}`)
    }
  }
  names.push(...options.last)

  const temporary = `${to}.partial`
  const handle = await createFile(temporary, 0o644).catch((e: unknown) => {
    throw new AppErrorException(writeError(e, temporary))
  })
  let position = 0
  const out = new Writable({
    highWaterMark: 4 * 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      writeAll(handle, chunk, temporary, position).then(
        () => {
          position += chunk.length
          callback()
        },
        (error: unknown) => callback(error as Error),
      )
    },
  })
  const pack = tarStream.pack()
  const feeding = (async () => {
    for (const name of names) {
      options.signal.throwIfAborted()
      if (name === MARKER) continue
      const path = join(from, ...name.split('/'))
      const stats = await lstatOrNull(path)
      if (!stats?.isFile()) {
        throw new AppErrorException({
          code: 'UnsafeFile',
          message: `${path} is not a regular file of the layout.`,
        })
      }
      const entry = pack.entry({
        name,
        size: stats.size,
        mode: 0o644,
        mtime: new Date(0),
        type: 'file',
      })
      await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), entry)
    }
    pack.finalize()
  })()
  try {
    await Promise.all([
      pipeline(pack, out, { signal: options.signal }),
      feeding.catch((error: unknown) => {
        pack.destroy(error as Error)
        throw error
      }),
    ])
    await handle.sync()
    await handle.close()
    await renameIntoPlace(temporary, to)
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(temporary, { force: true })
    if (error instanceof AppErrorException) throw error
    options.signal.throwIfAborted()
    throw new AppErrorException(writeError(error, basename(to)))
  }
}
