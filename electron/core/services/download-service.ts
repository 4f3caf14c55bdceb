import { lstat, mkdir, readdir } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import type { EventChannel, ParsedRequestOf, PayloadOf } from '../../../shared/ipc/contract'
import { parseAmzDate } from '../../../shared/amz-date'
import { blobFileName, keepBothName, longPathSafe } from '../../../shared/file-names'
import { AppErrorException } from '../../../shared/ipc/result'
import type {
  DownloadProgress,
  DownloadResult,
  DownloadUrl,
  PartialDownload,
  VerifyResult,
} from '../../../shared/models/download'
import { PARTIAL_KEPT_AFTER } from '../../../shared/models/download'
import { z } from 'zod'
import {
  imageDigestSchema,
  layerDigestSchema,
  registryIdSchema,
  repositoryNameSchema,
} from '../../../shared/schemas'
import type { DownloadHistoryEntry } from '../../../shared/models/download-history'
import type { HandlersOf } from '../ipc/handlers'
import { toAppError } from '../ipc/to-app-error'
import { historyEntry, type DownloadHistoryService } from './download-history'
import type { DownloadFolder } from './download-folder'
import type { Logger } from './logger'
import type { UserPaths } from './user-paths'
import {
  lstatOrNull,
  pathTaken,
  readOwnFile,
  removeOwnFile,
  renameIntoPlace,
  unsafeFile,
  writeFileAtomic,
  checkReplaceable,
} from '../fs/safe-file'
import { hashFile } from '../blob/hash-file'
import {
  TRANSFERS,
  type Operation,
  type OperationKind,
  type Operations,
} from '../operations/operations'
import { type BlobDownloader, fileSize, removePartial } from './blob-downloader'
import { startDigest } from './digest'

/** One blob the user asked for: the contract's `downloads:start` request, as dispatch parsed it. */
export type DownloadRequest = ParsedRequestOf<'downloads:start'>

/** What the download service is built from. */
export interface DownloadDeps {
  downloader: BlobDownloader
  /** GetDownloadUrlForLayer for one blob; `imageDigest` is the image it was opened from, if known. */
  getUrl: (request: {
    registryId?: string
    repositoryName: string
    digest: string
    imageDigest?: string
  }) => Promise<string>
  /** The folder downloads go to unless a request names one. */
  defaultDirectory: () => Promise<string>
  concurrency: () => Promise<number>
  emit: <E extends EventChannel>(channel: E, payload: PayloadOf<E>) => void
  /** The app's operations runtime: ids, progress, cancel, locks, the taskbar and notifications. */
  operations: Operations
  platformName?: string
}

type Download = Operation<DownloadProgress>

// A sidecar next to each .partial file remembers what it is, so a later run can resume it.
const sidecarSchema = z.object({
  repositoryName: repositoryNameSchema,
  registryId: registryIdSchema.nullable(),
  digest: layerDigestSchema,
  mediaType: z.string(),
  size: z.number().int().nonnegative().nullable(),
  // The image the blob was opened from (named in an archived image's restore command); sidecars
  // of earlier versions have none.
  imageDigest: imageDigestSchema.nullable().default(null),
})

/**
 * The download queue: a concurrency limit, existing-file handling, and the rename into place once
 * a blob is verified. Downloads and file checks are task bodies on the operations runtime.
 */
export class DownloadService {
  /** Downloads: in the taskbar's progress, and one notification when a batch ends. */
  private readonly downloads: OperationKind<DownloadProgress>
  /** File checks: progress events only. */
  private readonly checks: OperationKind<DownloadProgress>

  constructor(private readonly deps: DownloadDeps) {
    const emit = (progress: DownloadProgress) => deps.emit('downloads:progress', progress)
    this.checks = { emit, prepare: withRate }
    this.downloads = {
      emit,
      prepare: withRate,
      amount: (p) => ({ done: p.receivedBytes, total: p.totalBytes }),
      summary: ({ verified = 0, failed = 0 }) =>
        verified + failed > 0
          ? {
              title: 'Downloads finished',
              body: `${verified} verified${failed ? `, ${failed} failed` : ''}.`,
            }
          : null,
    }
  }

  /** Queues one blob; resolves when it is verified on disk, skipped, in conflict or cancelled. */
  async download(request: DownloadRequest): Promise<DownloadResult> {
    try {
      return await this.deps.operations.run(
        this.downloads,
        { id: request.operationId, progress: queued(request.digest) },
        async (operation) => {
          // The one transfer queue: exports' blobs take slots of it too, under the same limit.
          const release = await this.deps.operations.slot(
            TRANSFERS,
            await this.deps.concurrency(),
            operation.signal,
          )
          try {
            return await this.run(request, operation)
          } finally {
            release()
          }
        },
      )
    } catch (error) {
      if (error instanceof AppErrorException && error.error.code === 'Cancelled') {
        return this.cancelled(request)
      }
      throw error
    }
  }

  /** How many downloads and file checks are running or queued (for tests and the quit prompt). */
  activeCount(): number {
    return this.deps.operations.running(this.downloads) + this.deps.operations.running(this.checks)
  }

  /**
   * The `downloads:` channels. `ipc` holds what only requests from the renderer need: the gate for
   * the paths they name, the download history, the download folder, and the log a history that
   * cannot be saved goes to.
   */
  handlers(ipc: {
    paths: Pick<UserPaths, 'check'>
    history: DownloadHistoryService
    folder: Pick<DownloadFolder, 'current'>
    log: Pick<Logger, 'warn'>
  }): HandlersOf<'downloads'> {
    // Where a download ends (any way but a conflict, which waits for an answer), it is remembered.
    // A history that cannot be saved is logged, never the download's failure.
    const remember = (entry: DownloadHistoryEntry) =>
      void ipc.history.record(entry).catch((error: unknown) => {
        ipc.log.warn('downloads', `download history not saved: ${String(error)}`)
      })
    return {
      'downloads:start': async (request) => {
        if (request.directory !== undefined) {
          await ipc.paths.check(request.directory, 'directory', 'folder')
        }
        try {
          const result = await this.download(request)
          if (result.status !== 'conflict')
            remember(historyEntry(request, result, null, new Date()))
          return result
        } catch (error) {
          remember(historyEntry(request, null, toAppError(error), new Date()))
          throw error
        }
      },
      'downloads:url': (request) => this.downloadUrl(request),
      'downloads:verify-file': async (request) => {
        await ipc.paths.check(request.path, 'path', 'file')
        return this.verifyFile(request)
      },
      'downloads:list-partials': () => this.listPartials(),
      'downloads:discard-partial': ({ path }) => this.discardPartial(path),
      'downloads:folder': () => ipc.folder.current(),
      'downloads:history': () => ipc.history.list(),
      'downloads:clear-history': () => ipc.history.clear(),
    }
  }

  /** Reads the pre-signed URL's date and lifetime out of its query string. */
  async downloadUrl(request: {
    registryId?: string
    repositoryName: string
    digest: string
    imageDigest?: string
  }): Promise<DownloadUrl> {
    const url = await this.deps.getUrl(request)
    return describeUrl(url)
  }

  /** Lists .partial files left in the download folder by an earlier run. */
  async listPartials(): Promise<PartialDownload[]> {
    const directory = await this.deps.defaultDirectory()
    let names: string[]
    try {
      names = await readdir(directory)
    } catch {
      return []
    }
    const partials: PartialDownload[] = []
    for (const name of names.filter((n) => n.endsWith('.partial'))) {
      const path = join(directory, name)
      // A link or folder with a partial's name is not one of ours: not listed, never resumed.
      const stats = await lstatOrNull(path).catch(() => null)
      if (!stats?.isFile()) continue
      const meta = await readSidecar(path)
      const bytesOnDisk = stats.size
      if (!meta) continue
      partials.push({
        path,
        finalPath: path.slice(0, -'.partial'.length),
        bytesOnDisk,
        ...meta,
      })
    }
    return partials
  }

  /** Deletes a leftover partial file the user does not want to resume. */
  async discardPartial(path: string): Promise<null> {
    if (!path.endsWith('.partial') || !(await this.listPartials()).some((p) => p.path === path)) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'path',
        message: 'not a partial download in the download folder',
      })
    }
    await removePartial(path)
    return null
  }

  /** Streams a file through the digest's hash with progress, and says whether it matches. */
  async verifyFile(request: {
    operationId: string
    path: string
    digest: string
  }): Promise<VerifyResult> {
    startDigest(request.digest)
    const total = await fileSize(request.path)
    if (total === null) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'path',
        message: `no file at ${request.path}`,
      })
    }
    return this.deps.operations.run(
      this.checks,
      {
        id: request.operationId,
        progress: { ...queued(request.digest), phase: 'verifying', totalBytes: total },
      },
      async (operation) => {
        const { size, actualDigest } = await hashFile(request.path, request.digest, {
          signal: operation.signal,
          onBytes: (read) => operation.report({ receivedBytes: read, totalBytes: total }),
        })
        const { algorithm, hex } = startDigest(request.digest)
        return {
          path: request.path,
          digest: request.digest,
          size,
          matches: actualDigest === `${algorithm}:${hex}`,
          actualDigest,
        }
      },
    )
  }

  private async run(request: DownloadRequest, operation: Download): Promise<DownloadResult> {
    const directory = await this.directory(request.directory)
    const leftover =
      request.resumePartial === undefined
        ? null
        : await this.leftover(request.resumePartial, directory, request.digest)
    await mkdir(directory, { recursive: true })
    const name = blobFileName(request.repositoryName, request.digest, request.mediaType)
    const platform = this.deps.platformName ?? process.platform
    let finalPath = longPathSafe(leftover ?? join(directory, name), platform)

    // Two requests for the same file run one after the other; the second then finds it verified.
    return this.deps.operations.lock(`download:${finalPath}`, async () => {
      const there = await lstatOrNull(finalPath)
      if (there !== null) {
        // A folder cannot be replaced; a link is a different file whatever it points to, and is
        // never read through (replacing renames over the link itself).
        if (!there.isFile() && !there.isSymbolicLink()) {
          throw new AppErrorException(unsafeFile(finalPath, 'a folder or other non-file'))
        }
        operation.report({ phase: 'checking-existing' }, true)
        const existing = there.isFile()
          ? await this.matches(finalPath, request.digest, operation)
          : null
        if (existing !== null) {
          // The blob is already there, verified: a leftover partial of it has no use any more.
          if (leftover !== null) await removePartial(`${finalPath}.partial`)
          operation.tally('verified')
          return this.result(request, 'already-verified', finalPath, existing, 0, null)
        }
        if (request.onExisting === 'ask') {
          return this.result(request, 'conflict', finalPath, 0, 0, null)
        }
        if (request.onExisting === 'skip') {
          return this.result(request, 'skipped', finalPath, 0, 0, null)
        }
        if (request.onExisting === 'keep-both') {
          const free = await this.freeName(directory, name)
          // A leftover partial moves along, so its bytes still count and none is left behind.
          if (leftover !== null) await movePartial(`${finalPath}.partial`, `${free}.partial`)
          finalPath = free
        }
      }

      const partialPath = `${finalPath}.partial`
      const getUrl = () =>
        this.deps.getUrl({
          ...(request.registryId ? { registryId: request.registryId } : {}),
          repositoryName: request.repositoryName,
          digest: request.digest,
          ...(request.imageDigest ? { imageDigest: request.imageDigest } : {}),
        })
      const sidecarPath = `${partialPath}.json`
      // Something in the way of the sidecar (a folder) is refused before any byte is fetched.
      await checkReplaceable(sidecarPath)
      // The blob will be fetched: GetDownloadUrlForLayer goes out now, and the download starts
      // as soon as the URL is there, while the sidecar is written (and fsynced) beside it. A crash
      // in those few milliseconds leaves a partial with no sidecar: not listed, but the next
      // download of the blob resumes it all the same.
      let firstUrl: Promise<string> | null = getUrl()
      firstUrl.catch(() => undefined)
      // Atomic: a link planted at the sidecar's name is replaced, never written through.
      const sidecar = writeFileAtomic(
        sidecarPath,
        JSON.stringify({
          repositoryName: request.repositoryName,
          registryId: request.registryId ?? null,
          digest: request.digest,
          mediaType: request.mediaType,
          size: request.size,
          imageDigest: request.imageDigest ?? null,
        }),
      )
      // A sidecar that cannot be written stops the download: its partial could not be resumed.
      const sidecarFailed = new AbortController()
      sidecar.catch(() => sidecarFailed.abort())
      try {
        const [downloaded, written] = await Promise.allSettled([
          this.deps.downloader.download({
            digest: request.digest,
            expectedSize: request.size,
            partialPath,
            signal: AbortSignal.any([operation.signal, sidecarFailed.signal]),
            getUrl: () => {
              const url = firstUrl ?? getUrl()
              firstUrl = null
              return url
            },
            onBytes: (received, total) =>
              operation.report({ receivedBytes: received, totalBytes: total }),
            onPhase: (phase) => operation.report({ phase }, true),
          }),
          sidecar,
        ])
        if (written.status === 'rejected') throw written.reason
        if (downloaded.status === 'rejected') throw downloaded.reason
        const outcome = downloaded.value
        // Only the file the downloader wrote moves into place, even if the name was swapped since.
        await renameIntoPlace(partialPath, finalPath, { expect: outcome.file })
        await removePartial(partialPath)
        operation.tally('verified')
        return this.result(
          request,
          'downloaded',
          finalPath,
          outcome.size,
          outcome.bytesTransferred,
          outcome.resumedFrom,
        )
      } catch (error) {
        // Nothing unverified ever reaches the final path. A cancelled, corrupt or unwritable
        // download loses its partial file too; one cut off by the network keeps it to resume.
        const resumable =
          !operation.signal.aborted &&
          error instanceof AppErrorException &&
          PARTIAL_KEPT_AFTER.has(error.error.code)
        if (!resumable) await removePartial(partialPath)
        throw error
      }
    })
  }

  private async matches(path: string, digest: string, operation: Download): Promise<number | null> {
    const total = await fileSize(path)
    const { size, matches } = await hashFile(path, digest, {
      signal: operation.signal,
      onBytes: (read) => operation.report({ receivedBytes: read, totalBytes: total }),
    })
    return matches ? size : null
  }

  /**
   * The final path a leftover partial belongs to, once it is known to be a `.partial` file directly
   * in the download folder whose sidecar names this digest. The path comes from the renderer, so
   * anything else is refused before any network call.
   */
  private async leftover(path: string, directory: string, digest: string): Promise<string> {
    const refuse = (message: string) =>
      new AppErrorException({ code: 'InvalidParameter', field: 'resumePartial', message })
    if (!isAbsolute(path)) throw refuse('must be an absolute path')
    const partial = resolve(path)
    if (
      !partial.endsWith('.partial') ||
      basename(partial) === '.partial' ||
      dirname(partial) !== resolve(directory)
    ) {
      throw refuse(`must be a .partial file in the download folder ${directory}`)
    }
    // lstat: a symbolic link could point the appends at any file outside the folder.
    const stats = await lstat(partial).catch(() => null)
    if (!stats?.isFile()) throw refuse(`no partial download at ${partial}`)
    if ((await readSidecar(partial))?.digest !== digest) {
      throw refuse(`${basename(partial)} is not a partial download of ${digest}`)
    }
    return partial.slice(0, -'.partial'.length)
  }

  private async freeName(directory: string, name: string): Promise<string> {
    for (let n = 2; ; n++) {
      const candidate = join(directory, keepBothName(name, n))
      // lstat: a dangling link takes a name too.
      if (!(await pathTaken(candidate)) && !(await pathTaken(`${candidate}.partial`))) {
        return candidate
      }
    }
  }

  private async directory(requested: string | undefined): Promise<string> {
    if (requested === undefined) return this.deps.defaultDirectory()
    if (!isAbsolute(requested)) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'directory',
        message: 'must be an absolute path',
      })
    }
    return resolve(requested)
  }

  private cancelled(request: DownloadRequest): DownloadResult {
    return this.result(request, 'cancelled', '', 0, 0, null)
  }

  private result(
    request: DownloadRequest,
    status: DownloadResult['status'],
    path: string,
    size: number,
    bytesTransferred: number,
    resumedFrom: number | null,
  ): DownloadResult {
    return { status, path, digest: request.digest, size, bytesTransferred, resumedFrom }
  }
}

/** A download's first event: queued, nothing received. */
function queued(digest: string): Omit<DownloadProgress, 'operationId'> {
  return {
    digest,
    phase: 'queued',
    receivedBytes: 0,
    totalBytes: null,
    bytesPerSecond: 0,
    etaSeconds: null,
  }
}

/** The rate and the time left, as each event goes out. */
function withRate(
  progress: DownloadProgress,
  { bytesPerSecond }: { bytesPerSecond: number },
): DownloadProgress {
  const { receivedBytes, totalBytes } = progress
  return {
    ...progress,
    bytesPerSecond,
    etaSeconds:
      totalBytes !== null && bytesPerSecond > 0
        ? Math.max(0, Math.round((totalBytes - receivedBytes) / bytesPerSecond))
        : null,
  }
}

// The new sidecar first, so a crash at any point leaves the partial beside one, still listed.
async function movePartial(from: string, to: string): Promise<void> {
  await writeFileAtomic(`${to}.json`, await readOwnFile(`${from}.json`))
  await renameIntoPlace(from, to)
  await removeOwnFile(`${from}.json`)
}

async function readSidecar(partialPath: string) {
  try {
    const parsed = sidecarSchema.safeParse(
      // Not through a link: a sidecar planted as one would name what to resume.
      JSON.parse(await readOwnFile(`${partialPath}.json`)),
    )
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** Reads X-Amz-Date and X-Amz-Expires from a pre-signed URL. */
export function describeUrl(url: string): DownloadUrl {
  const params = new URL(url).searchParams
  const date = params.get('X-Amz-Date')
  const expires = Number(params.get('X-Amz-Expires'))
  const issued = (date === null ? undefined : parseAmzDate(date)) ?? null
  const valid = issued !== null && Number.isFinite(expires) && expires > 0
  return {
    url,
    issuedAt: issued?.toISOString() ?? null,
    expiresAt: valid ? new Date(issued.getTime() + expires * 1000).toISOString() : null,
    expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : null,
  }
}
