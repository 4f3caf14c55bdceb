import { createReadStream } from 'node:fs'
import { lstat, mkdir, readdir, readFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import type { EventChannel, PayloadOf } from '../../../shared/ipc/contract'
import { blobFileName, keepBothName, longPathSafe } from '../../../shared/file-names'
import { AppErrorException } from '../../../shared/ipc/result'
import type {
  DownloadPhase,
  DownloadProgress,
  DownloadResult,
  DownloadUrl,
  OnExisting,
  PartialDownload,
  VerifyResult,
} from '../../../shared/models/download'
import { PARTIAL_KEPT_AFTER } from '../../../shared/models/download'
import { z } from 'zod'
import { layerDigestSchema, registryIdSchema, repositoryNameSchema } from '../../../shared/schemas'
import {
  lstatOrNull,
  pathTaken,
  removeOwnFile,
  renameIntoPlace,
  unsafeFile,
  writeFileAtomic,
} from '../fs/safe-file'
import type { Platform } from '../platform/platform'
import { type BlobDownloader, fileSize, removePartial } from './blob-downloader'
import { startDigest } from './digest'
import type { Operations } from './operations'

/** One blob the user asked for. */
export interface DownloadRequest {
  operationId: string
  registryId?: string
  repositoryName: string
  digest: string
  mediaType: string
  size: number | null
  directory?: string
  onExisting: OnExisting
  /**
   * A leftover `.partial` file (from listPartials) to continue: the blob lands at the name that
   * partial belongs to, such as "name (2).tar.gz" after keep-both, not at its usual name.
   */
  resumePartial?: string
}

/** What the download service is built from. */
export interface DownloadDeps {
  downloader: BlobDownloader
  /** GetDownloadUrlForLayer for one blob. */
  getUrl: (request: {
    registryId?: string
    repositoryName: string
    digest: string
  }) => Promise<string>
  /** The folder downloads go to unless a request names one. */
  defaultDirectory: () => Promise<string>
  concurrency: () => Promise<number>
  platform: Platform
  emit: <E extends EventChannel>(channel: E, payload: PayloadOf<E>) => void
  /** The app's operation registry, shared with other long tasks so one call cancels any. */
  operations: Operations
  now?: () => number
  platformName?: string
}

interface Operation {
  signal: AbortSignal
  progress: DownloadProgress
  lastEmit: number
  rate: RateMeter
}

// A sidecar next to each .partial file remembers what it is, so a later run can resume it.
const sidecarSchema = z.object({
  repositoryName: repositoryNameSchema,
  registryId: registryIdSchema.nullable(),
  digest: layerDigestSchema,
  mediaType: z.string(),
  size: z.number().int().nonnegative().nullable(),
})

const PROGRESS_INTERVAL_MS = 100

/**
 * The download queue: a concurrency limit, one AbortController per operation, throttled progress
 * events, existing-file handling, and the rename into place once a blob is verified.
 */
export class DownloadService {
  private readonly active = new Map<string, Operation>()
  private readonly waiting: (() => void)[] = []
  private readonly busyPaths = new Map<string, Promise<unknown>>()
  private running = 0
  private finished = { verified: 0, failed: 0 }
  private readonly now: () => number

  constructor(private readonly deps: DownloadDeps) {
    this.now = deps.now ?? (() => performance.now())
  }

  /** Queues one blob; resolves when it is verified on disk, skipped, in conflict or cancelled. */
  async download(request: DownloadRequest): Promise<DownloadResult> {
    const operation = this.track(request)
    try {
      await this.slot(operation.signal)
      try {
        return await this.run(request, operation)
      } finally {
        this.release()
      }
    } catch (error) {
      if (operation.signal.aborted) {
        this.report(operation, 'cancelled', true)
        return this.cancelled(request)
      }
      this.report(operation, 'failed', true)
      this.finished.failed++
      throw error
    } finally {
      this.active.delete(request.operationId)
      this.deps.operations.end(request.operationId)
      this.updateOverall()
    }
  }

  /** How many operations are running or queued (for tests and the quit prompt). */
  activeCount(): number {
    return this.active.size
  }

  /** Reads the pre-signed URL's date and lifetime out of its query string. */
  async downloadUrl(request: {
    registryId?: string
    repositoryName: string
    digest: string
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
    const check = startDigest(request.digest)
    const total = await fileSize(request.path)
    if (total === null) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'path',
        message: `no file at ${request.path}`,
      })
    }
    const operation = this.track({ operationId: request.operationId, digest: request.digest })
    operation.progress.totalBytes = total
    try {
      this.report(operation, 'verifying', true)
      let read = 0
      const stream = createReadStream(request.path, { highWaterMark: 1024 * 1024 })
      operation.signal.addEventListener('abort', () => stream.destroy())
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        check.hash.update(chunk)
        read += chunk.length
        this.bytes(operation, read, total)
      }
      operation.signal.throwIfAborted()
      const actual = `${check.algorithm}:${check.hash.digest('hex')}`
      this.report(operation, 'done', true)
      return {
        path: request.path,
        digest: request.digest,
        size: read,
        matches: actual === `${check.algorithm}:${check.hex}`,
        actualDigest: actual,
      }
    } catch (error) {
      this.report(operation, operation.signal.aborted ? 'cancelled' : 'failed', true)
      throw error
    } finally {
      this.active.delete(request.operationId)
      this.deps.operations.end(request.operationId)
    }
  }

  private async run(request: DownloadRequest, operation: Operation): Promise<DownloadResult> {
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
    const busyKey = finalPath
    await this.busyPaths.get(busyKey)?.catch(() => undefined)
    let done!: () => void
    const busy = new Promise<void>((r) => (done = r))
    this.busyPaths.set(busyKey, busy)
    try {
      const there = await lstatOrNull(finalPath)
      if (there !== null) {
        // A folder cannot be replaced; a link is a different file whatever it points to, and is
        // never read through (replacing renames over the link itself).
        if (!there.isFile() && !there.isSymbolicLink()) {
          throw new AppErrorException(unsafeFile(finalPath, 'a folder or other non-file'))
        }
        this.report(operation, 'checking-existing', true)
        const existing = there.isFile()
          ? await this.matches(finalPath, request.digest, operation)
          : null
        if (existing !== null) {
          // The blob is already there, verified: a leftover partial of it has no use any more.
          if (leftover !== null) await removePartial(`${finalPath}.partial`)
          this.report(operation, 'done', true)
          this.finished.verified++
          return this.result(request, 'already-verified', finalPath, existing, 0, null)
        }
        if (request.onExisting === 'ask') {
          this.report(operation, 'done', true)
          return this.result(request, 'conflict', finalPath, 0, 0, null)
        }
        if (request.onExisting === 'skip') {
          this.report(operation, 'done', true)
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
      // Atomic: a link planted at the sidecar's name is replaced, never written through.
      await writeFileAtomic(
        `${partialPath}.json`,
        JSON.stringify({
          repositoryName: request.repositoryName,
          registryId: request.registryId ?? null,
          digest: request.digest,
          mediaType: request.mediaType,
          size: request.size,
        }),
      )
      try {
        const outcome = await this.deps.downloader.download({
          digest: request.digest,
          expectedSize: request.size,
          partialPath,
          signal: operation.signal,
          getUrl: () =>
            this.deps.getUrl({
              ...(request.registryId ? { registryId: request.registryId } : {}),
              repositoryName: request.repositoryName,
              digest: request.digest,
            }),
          onBytes: (received, total) => this.bytes(operation, received, total),
          onPhase: (phase) => this.report(operation, phase, true),
        })
        // Only the file the downloader wrote moves into place, even if the name was swapped since.
        await renameIntoPlace(partialPath, finalPath, { expect: outcome.file })
        await removePartial(partialPath)
        this.report(operation, 'done', true)
        this.finished.verified++
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
    } finally {
      this.busyPaths.delete(busyKey)
      done()
    }
  }

  private async matches(
    path: string,
    digest: string,
    operation: Operation,
  ): Promise<number | null> {
    const check = startDigest(digest)
    const total = await fileSize(path)
    let read = 0
    for await (const chunk of createReadStream(path, {
      highWaterMark: 1024 * 1024,
    }) as AsyncIterable<Buffer>) {
      operation.signal.throwIfAborted()
      check.hash.update(chunk)
      read += chunk.length
      this.bytes(operation, read, total)
    }
    return check.hash.digest('hex') === check.hex ? read : null
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

  private track(request: { operationId: string; digest: string }): Operation {
    const operation: Operation = {
      signal: this.deps.operations.start(request.operationId),
      progress: {
        operationId: request.operationId,
        digest: request.digest,
        phase: 'queued',
        receivedBytes: 0,
        totalBytes: null,
        bytesPerSecond: 0,
        etaSeconds: null,
      },
      lastEmit: -Infinity,
      rate: new RateMeter(this.now),
    }
    this.active.set(request.operationId, operation)
    this.report(operation, 'queued', true)
    return operation
  }

  private bytes(operation: Operation, received: number, total: number | null): void {
    operation.progress.receivedBytes = received
    operation.progress.totalBytes = total
    operation.rate.sample(received)
    this.report(operation, operation.progress.phase, false)
  }

  // Phase changes always go out; byte counts at most every 100 ms per operation.
  private report(operation: Operation, phase: DownloadPhase, force: boolean): void {
    const changed = operation.progress.phase !== phase
    const now = this.now()
    if (!force && !changed && now - operation.lastEmit < PROGRESS_INTERVAL_MS) return
    operation.lastEmit = now
    const { receivedBytes, totalBytes } = operation.progress
    const bytesPerSecond = operation.rate.perSecond()
    operation.progress = {
      ...operation.progress,
      phase,
      bytesPerSecond,
      etaSeconds:
        totalBytes !== null && bytesPerSecond > 0
          ? Math.max(0, Math.round((totalBytes - receivedBytes) / bytesPerSecond))
          : null,
    }
    this.deps.emit('layers:progress', operation.progress)
    this.updateOverall()
  }

  private updateOverall(): void {
    let received = 0
    let total = 0
    for (const { progress } of this.active.values()) {
      received += progress.receivedBytes
      total += progress.totalBytes ?? 0
    }
    if (this.active.size === 0) {
      this.deps.platform.setProgress(null)
      if (this.finished.verified + this.finished.failed > 0) {
        const { verified, failed } = this.finished
        this.deps.platform.notify(
          'Downloads finished',
          `${verified} verified${failed ? `, ${failed} failed` : ''}.`,
        )
        this.finished = { verified: 0, failed: 0 }
      }
    } else {
      this.deps.platform.setProgress(total > 0 ? received / total : 0)
    }
  }

  private async slot(signal: AbortSignal): Promise<void> {
    const limit = await this.deps.concurrency()
    while (this.running >= limit) {
      await new Promise<void>((resolveSlot, reject) => {
        const onAbort = () => {
          const index = this.waiting.indexOf(wake)
          if (index >= 0) this.waiting.splice(index, 1)
          reject(signal.reason as Error)
        }
        const wake = () => {
          signal.removeEventListener('abort', onAbort)
          resolveSlot()
        }
        this.waiting.push(wake)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    }
    signal.throwIfAborted()
    this.running++
  }

  private release(): void {
    this.running--
    this.waiting.shift()?.()
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

/** Bytes per second over the last few seconds. */
class RateMeter {
  private samples: { at: number; bytes: number }[] = []

  constructor(private readonly now: () => number) {}

  sample(bytes: number): void {
    const at = this.now()
    this.samples.push({ at, bytes })
    while (this.samples.length > 2 && at - this.samples[0]!.at > 3_000) this.samples.shift()
  }

  perSecond(): number {
    const first = this.samples[0]
    const last = this.samples.at(-1)
    if (!first || !last || last.at <= first.at) return 0
    return Math.round(((last.bytes - first.bytes) * 1000) / (last.at - first.at))
  }
}

// The new sidecar first, so a crash at any point leaves the partial beside one, still listed.
async function movePartial(from: string, to: string): Promise<void> {
  await writeFileAtomic(`${to}.json`, await readFile(`${from}.json`))
  await renameIntoPlace(from, to)
  await removeOwnFile(`${from}.json`)
}

async function readSidecar(partialPath: string) {
  try {
    const parsed = sidecarSchema.safeParse(
      JSON.parse(await readFile(`${partialPath}.json`, 'utf8')),
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
  const match = date ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date) : null
  const issued = match
    ? new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!))
    : null
  const valid = issued !== null && Number.isFinite(expires) && expires > 0
  return {
    url,
    issuedAt: issued?.toISOString() ?? null,
    expiresAt: valid ? new Date(issued.getTime() + expires * 1000).toISOString() : null,
    expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : null,
  }
}
