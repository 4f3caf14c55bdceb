import { open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FileHandle } from 'node:fs/promises'

type Write = (
  this: FileHandle,
  buffer: Uint8Array,
  offset?: number,
  length?: number,
  position?: number | null,
) => Promise<{ bytesWritten: number; buffer: Uint8Array }>

/**
 * Makes the disk "fill up" after `room` more bytes, as the kernel does: the write that crosses
 * the line writes what fits and returns short, and every later write fails with ENOSPC. Applies
 * to every FileHandle write in this process (the app writes through FileHandle only) until the
 * returned function restores it. Positional writes of Buffers only, which is what the app makes.
 */
export async function fillDiskAfter(room: number): Promise<() => void> {
  const probePath = join(tmpdir(), `elb-probe-${process.pid}-${Math.random()}`)
  const probe = await open(probePath, 'w')
  const prototype = Object.getPrototypeOf(probe) as { write: Write }
  await probe.close()
  await rm(probePath, { force: true })

  const original = prototype.write
  let left = room
  prototype.write = async function (this: FileHandle, buffer, offset = 0, length, position) {
    const wanted = length ?? buffer.byteLength - offset
    if (left <= 0) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
        code: 'ENOSPC',
        errno: -28,
        syscall: 'write',
      })
    }
    const fits = Math.min(wanted, left)
    const result = await original.call(this, buffer, offset, fits, position)
    left -= result.bytesWritten
    return result
  }
  return () => {
    prototype.write = original
  }
}
