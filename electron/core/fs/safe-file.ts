import { randomBytes } from 'node:crypto'
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  writeSync,
  type Stats,
} from 'node:fs'
import { lstat, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppErrorException, type AppError } from '../../../shared/ipc/result'

// Every file the app writes goes through this module. Anything already at a path may have been
// planted (a shared or synced download folder, a damaged data folder), so:
// - a file is opened without following a link: O_NOFOLLOW, and lstat before, fstat after, the same
//   inode both times;
// - a fresh file is created exclusively (O_CREAT|O_EXCL) after removing a regular file there, so a
//   link planted in between makes the open fail instead of redirecting it;
// - a file written whole goes to a temporary name created exclusively in the same folder, is
//   fsynced and renamed over the target (rename replaces a link itself, never what it points to).
//
// Windows has no O_NOFOLLOW (fs.constants.O_NOFOLLOW is undefined there). Its equivalent is the
// rest of the recipe: O_EXCL maps to CREATE_NEW, which fails on any existing name, a link or
// junction included, and an existing file is only reopened after lstat says it is a regular file,
// then checked with fstat to be that same file (a reparse point would resolve to another one).
const NOFOLLOW = constants.O_NOFOLLOW ?? 0
const CREATE = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | NOFOLLOW
const REOPEN = constants.O_RDWR | NOFOLLOW

/** What lstat found at a path, in words for a message. */
function kind(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link'
  if (stats.isDirectory()) return 'a folder'
  if (stats.isFile()) return stats.nlink > 1 ? `a file with ${stats.nlink} hard links` : 'a file'
  return 'a device, socket or pipe'
}

/** The catalog error for a path holding something the app will not write through or over. */
export function unsafeFile(path: string, what: string): AppError {
  return {
    code: 'UnsafeFile',
    message: `${path} is ${what}, not a file the app may write.`,
  }
}

/** What lstat finds at a path (a link itself, never its target), or null when nothing is there. */
export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

/**
 * Checks an existing file before the app reads or resumes it: null when nothing is there, its
 * stats when it is a regular file (with one link, when `forWriting`), otherwise UnsafeFile.
 */
export async function checkOwnFile(
  path: string,
  options: { forWriting?: boolean } = {},
): Promise<Stats | null> {
  const stats = await lstatOrNull(path)
  if (stats === null) return null
  if (!stats.isFile()) throw new AppErrorException(unsafeFile(path, kind(stats)))
  if (options.forWriting && stats.nlink > 1) {
    throw new AppErrorException(unsafeFile(path, kind(stats)))
  }
  return stats
}

/**
 * Checks a name before writeFileAtomic replaces what is there: nothing, a regular file or a link
 * (renamed over, never written through) may be replaced; a folder or anything else is UnsafeFile.
 */
export async function checkReplaceable(path: string): Promise<void> {
  const there = await lstatOrNull(path)
  if (there !== null && !there.isFile() && !there.isSymbolicLink()) {
    throw new AppErrorException(unsafeFile(path, kind(there)))
  }
}

/** True when lstat finds anything at the path, a dangling link included. */
export async function pathTaken(path: string): Promise<boolean> {
  return (await lstatOrNull(path)) !== null
}

/**
 * Creates a new file exclusively, never following a link. A regular file already there is
 * removed first (only its name: a hard link's other names keep their bytes); a link, folder or
 * anything else is refused with UnsafeFile and left as it is.
 */
export async function createFile(path: string, mode = 0o600): Promise<FileHandle> {
  if ((await checkOwnFile(path)) !== null) await rm(path)
  try {
    return await open(path, CREATE, mode)
  } catch (error) {
    throw planted(error, path)
  }
}

/**
 * Opens an existing regular file with one link for reading and writing (a resume), or creates it
 * as createFile does when nothing is there. Returns the handle and whether the file was new.
 */
export async function openOwnFile(
  path: string,
  mode = 0o600,
): Promise<{ handle: FileHandle; created: boolean }> {
  const before = await checkOwnFile(path, { forWriting: true })
  if (before === null) return { handle: await createFile(path, mode), created: true }
  let handle: FileHandle
  try {
    handle = await open(path, REOPEN)
  } catch (error) {
    throw planted(error, path)
  }
  try {
    const after = await handle.stat()
    // Swapped between the lstat and the open (or a reparse point on Windows): not ours.
    if (!after.isFile() || after.ino !== before.ino || after.dev !== before.dev) {
      throw new AppErrorException(unsafeFile(path, 'a file that changed while it was opened'))
    }
    if (after.nlink > 1) throw new AppErrorException(unsafeFile(path, kind(after)))
  } catch (error) {
    await handle.close()
    throw error
  }
  return { handle, created: false }
}

/**
 * Renames a finished file of ours over `target`, which may hold nothing, a regular file or a link
 * (rename replaces the link, not what it points to), never a folder; then fsyncs the folder so
 * the rename survives a crash.
 */
export async function renameIntoPlace(
  from: string,
  target: string,
  options: { expect?: { dev: number; ino: number } } = {},
): Promise<void> {
  if (options.expect) {
    // The name may have been swapped for a link or another file while the bytes went in through
    // the handle: only the file that was written (and verified) moves into place.
    const source = await lstatOrNull(from)
    if (
      !source?.isFile() ||
      source.ino !== options.expect.ino ||
      source.dev !== options.expect.dev
    ) {
      throw new AppErrorException(
        unsafeFile(from, source ? `${kind(source)} put in place of the file written` : 'gone'),
      )
    }
  }
  const there = await lstatOrNull(target)
  if (there !== null && !there.isFile() && !there.isSymbolicLink()) {
    throw new AppErrorException(unsafeFile(target, kind(there)))
  }
  try {
    await rename(from, target)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
      const now = await lstatOrNull(target)
      throw new AppErrorException(unsafeFile(target, now ? kind(now) : 'not replaceable'))
    }
    throw error
  }
  await syncFolder(dirname(target))
}

/**
 * Writes a whole file atomically: a temporary name in the same folder created exclusively, the
 * bytes, fsync, rename over the target, fsync of the folder. A crash leaves the previous file or
 * the new one, never a mix; a link at the target is replaced, never written through.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number; createFolder?: boolean } = {},
): Promise<void> {
  // Failures are catalog errors: a full disk is DiskFull, a folder in the way UnsafeFile.
  try {
    await writeWhole(path, data, options)
  } catch (error) {
    throw new AppErrorException(writeError(error, path))
  }
}

async function writeWhole(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number; createFolder?: boolean },
): Promise<void> {
  if (options.createFolder) await mkdir(dirname(path), { recursive: true })
  await checkReplaceable(path)
  const temporary = temporaryName(path)
  const handle = await createFile(temporary, options.mode ?? 0o600)
  try {
    try {
      await writeAll(handle, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, temporary)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await renameIntoPlace(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}

/** A sibling name no one else uses: `<name>.<random>.tmp`. */
export function temporaryName(path: string): string {
  return join(dirname(path), `${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
}

/**
 * Writes all of `data` at `position` (or the file's current position), looping over short
 * writes. A write that makes no progress means the disk is full: reported as ENOSPC, as the
 * kernel does for the next write, instead of a vague short write.
 */
export async function writeAll(
  handle: FileHandle,
  data: Uint8Array,
  path: string,
  position: number | null = null,
): Promise<void> {
  let done = 0
  while (done < data.length) {
    const { bytesWritten } = await handle.write(
      data,
      done,
      data.length - done,
      position === null ? null : position + done,
    )
    if (bytesWritten <= 0) throw diskFullError(path)
    done += bytesWritten
  }
}

/** A Node-style ENOSPC error for a path. */
export function diskFullError(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
    path,
  })
}

/**
 * The catalog error for a failed write: DiskFull for a full disk or quota, UnsafeFile for a link
 * or folder in the way, DiskWriteFailed with the reason otherwise.
 */
export function writeError(error: unknown, path: string): AppError {
  if (error instanceof AppErrorException) return error.error
  const e = error as NodeJS.ErrnoException
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT' || e.code === 'EFBIG') {
    return {
      code: 'DiskFull',
      message: `Writing ${path} failed: the disk is full (${e.code}).`,
    }
  }
  if (e.code === 'ELOOP' || e.code === 'EISDIR' || e.code === 'EEXIST' || e.code === 'ENOTDIR') {
    return unsafeFile(path, 'in the way (a link, a folder, or a file created meanwhile)')
  }
  const why =
    e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
      ? 'permission was denied'
      : (e.message ?? 'the write failed')
  return {
    code: 'DiskWriteFailed',
    message: `Writing ${path} failed: ${why}${e.code ? ` (${e.code})` : ''}.`,
  }
}

/**
 * Appends text to a log-like file synchronously, never through a link: the file must be missing
 * (it is created, mode 0600) or a regular file with one link, and the opened file must be the one
 * lstat saw. Throws UnsafeFile otherwise, or the write's own error.
 */
export function appendOwnFileSync(path: string, text: string): void {
  let before: Stats | null = null
  try {
    before = lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (before !== null && (!before.isFile() || before.nlink > 1)) {
    throw new AppErrorException(unsafeFile(path, kind(before)))
  }
  const flags =
    constants.O_WRONLY |
    constants.O_APPEND |
    NOFOLLOW |
    (before === null ? constants.O_CREAT | constants.O_EXCL : 0)
  let fd: number
  try {
    fd = openSync(path, flags, 0o600)
  } catch (error) {
    throw planted(error, path)
  }
  try {
    const after = fstatSync(fd)
    if (before !== null && (after.ino !== before.ino || after.dev !== before.dev)) {
      throw new AppErrorException(unsafeFile(path, 'a file that changed while it was opened'))
    }
    const bytes = Buffer.from(text, 'utf8')
    let done = 0
    while (done < bytes.length) {
      const written = writeSync(fd, bytes, done, bytes.length - done)
      if (written <= 0) throw diskFullError(path)
      done += written
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * Reads a small file of the app's own (a sidecar, settings) without following a link: O_NOFOLLOW,
 * and it must be a regular file. A link, folder or anything else is UnsafeFile.
 */
export async function readOwnFile(path: string): Promise<string> {
  let handle: FileHandle
  try {
    handle = await open(path, constants.O_RDONLY | NOFOLLOW)
  } catch (error) {
    throw planted(error, path)
  }
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) throw new AppErrorException(unsafeFile(path, kind(stats)))
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}

/** Removes a file the app wrote, if it is still a regular file; a link or folder is left alone. */
export async function removeOwnFile(path: string): Promise<void> {
  const stats = await lstatOrNull(path)
  if (stats?.isFile()) await rm(path, { force: true })
}

// An open that hit a link or a name taken in between: refused as UnsafeFile.
function planted(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ELOOP' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR') {
    return new AppErrorException(
      unsafeFile(path, 'in the way (a link, a folder, or a file created meanwhile)'),
    )
  }
  return error
}

// Makes a rename durable. Windows cannot open a folder for fsync; there NTFS journals the rename.
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(folder, constants.O_RDONLY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
