import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import type { EventChannel, ParsedRequestOf, PayloadOf } from '../../../shared/ipc/contract'
import { blobFileName } from '../../../shared/file-names'
import { diffEntries } from '../../../shared/layer-contents/diff'
import { diveEfficiency } from '../../../shared/layer-contents/efficiency'
import { PREVIEW_LIMIT } from '../../../shared/layer-contents/limits'
import { mergeLayers } from '../../../shared/layer-contents/merge'
import { AppErrorException } from '../../../shared/ipc/result'
import type { ImageManifest, LayerDescriptor } from '../../../shared/models/image'
import type {
  ImageEfficiency,
  ContentsCacheInfo,
  ContentsDiff,
  ContentsProgress,
  ContentsRef,
  DiffSide,
  ExtractResult,
  FilePreview,
  ImageFilesystem,
  LayerEntry,
  LayerIndex,
  MergedLayer,
  PageCursor,
  Paged,
} from '../../../shared/models/layer-contents'
import type { AppError } from '../../../shared/ipc/result'
import type { HandlersOf } from '../ipc/handlers'
import type { Platform } from '../platform/platform'
import type { UserPaths } from '../services/user-paths'
import type { BlobDownloader } from '../services/blob-downloader'
import type { ZstdPreference } from './decompress'
import { extractFromLayer } from './extractor'
import { cacheKey, IndexCache } from './index-cache'
import { readLayer, type ReadLimits } from './layer-reader'
import { LruDirectory } from './lru-directory'
import { removeOwnFile } from '../fs/safe-file'
import { ReplyPages } from './reply-pages'
import { hashFile, hashInto } from '../blob/hash-file'
import type { Operation as Op, OperationKind, Operations } from '../operations/operations'
import { fileSize } from '../services/blob-downloader'
import { shortDigest } from '../../../shared/digest'

/** A repository a blob is fetched from. */
export interface ImageLocation {
  registryId?: string
  repositoryName: string
}

/** One layer blob to read. */
export interface LayerRequest extends ImageLocation {
  digest: string
  mediaType: string
  size: number | null
  /** The image the layer was opened from, when known: an archived image's error names it. */
  imageDigest?: string
}

/** What the service is built from. */
export interface ContentsDeps {
  /** The app's operations runtime, shared with downloads so one call cancels any. */
  operations: Operations
  /** The app's data folder; the caches live under it. */
  dataDir: string
  downloader: BlobDownloader
  /** GetDownloadUrlForLayer; `imageDigest` is the image the layer was opened from, if known. */
  getUrl: (image: ImageLocation & { imageDigest?: string }, digest: string) => Promise<string>
  /** BatchGetImage, parsed. */
  getManifest: (
    request: ImageLocation & { imageDigest?: string; imageTag?: string },
  ) => Promise<ImageManifest>
  /** Where the user's downloads go: a verified copy of a blob there is read instead of fetched. */
  downloadFolder: () => Promise<string>
  /** Only the folder dialog, to ask where an extraction goes: no other OS UI from here. */
  platform: Pick<Platform, 'chooseFolder'>
  emit: <E extends EventChannel>(channel: E, payload: PayloadOf<E>) => void
  limits?: Partial<ReadLimits>
  zstd?: ZstdPreference
  indexLimitBytes?: number
  blobLimitBytes?: number
}

/** An image's merged filesystem, as the contract's request has it. */
type FilesystemRequest = ParsedRequestOf<'contents:image-filesystem'>
/** Two images or layers to compare, as the contract's request has it. */
type DiffRequest = ParsedRequestOf<'contents:diff'>
/** A reply held whole and answered one page of entries at a time. */
type Paginated = { entries: readonly unknown[] }
/** A paged request without its page: what a whole reply is built from. */
type Unpaged<R> = Omit<R, 'page'>

const MAX_WASTED_PATHS = 200
/** Layers refused as too large to index, remembered so a second look does not read them again. */
const MAX_REFUSED = 64

type Operation = Op<ContentsProgress>

/**
 * Layer contents: indexes layers (fetched through the download engine into a bounded blob cache,
 * digest verified, then read as a stream), caches the indexes by digest, merges an image's layers,
 * diffs images or layers, previews small text files and extracts files or folders safely. Each
 * long operation has an operationId for progress events and cancel.
 */
export class LayerContentsService {
  /** Layer-contents operations: progress events only (not in the taskbar's download progress). */
  private readonly kind: OperationKind<ContentsProgress>
  private readonly indexes: IndexCache
  private readonly pages = new ReplyPages()
  private readonly refused = new Map<string, AppError>()
  private readonly blobs: LruDirectory

  constructor(private readonly deps: ContentsDeps) {
    this.indexes = new IndexCache(
      join(deps.dataDir, 'layer-index'),
      deps.indexLimitBytes ?? 256 * 1024 * 1024,
    )
    this.blobs = new LruDirectory(
      join(deps.dataDir, 'layer-blobs'),
      deps.blobLimitBytes ?? 4 * 1024 ** 3,
      (name) => name.endsWith('.partial'),
    )
    this.kind = {
      emit: (progress) => deps.emit('contents:progress', progress),
      // A new phase counts its own bytes.
      prepare: (progress, { phaseChanged }) =>
        phaseChanged && progress.phase !== 'done' ? { ...progress, bytes: 0 } : progress,
    }
  }

  /** One page of a layer's entries, from the index cache or by reading the blob. */
  async index(
    request: LayerRequest & { operationId: string; page?: PageCursor },
  ): Promise<Paged<LayerIndex>> {
    return this.pages.page(`index:${request.digest}`, request.page, () =>
      this.run(request.operationId, request.digest, 1, (operation) =>
        this.indexLayer(request, operation, 0),
      ),
    )
  }

  /** One page of the entries of a layer blob already on disk; its digest is computed while reading. */
  async indexFile(request: {
    operationId: string
    path: string
    mediaType: string
    page?: PageCursor
  }): Promise<Paged<LayerIndex>> {
    return this.pages.page(`file:${request.path}`, request.page, () => this.indexWholeFile(request))
  }

  private async indexWholeFile(request: {
    operationId: string
    path: string
    mediaType: string
  }): Promise<LayerIndex> {
    return this.run(request.operationId, '', 1, async (operation) => {
      const size = await existingSize(request.path)
      const hash = createHash('sha256')
      operation.update({ totalBytes: size })
      await hashInto(hash, request.path, {
        signal: operation.signal,
        onBytes: (read) => operation.report({ bytes: read }),
      })
      const digest = `sha256:${hash.digest('hex')}`
      operation.update({ digest })
      const cached = await this.indexes.get(digest)
      if (cached) return cached
      const index = await this.readIndex(request.path, digest, request.mediaType, size, operation)
      await this.indexes.put(index)
      return index
    })
  }

  /**
   * One page of an image's layers merged in order (all, or 0..through), or of one layer against
   * those below it.
   */
  async imageFilesystem(request: FilesystemRequest): Promise<Paged<ImageFilesystem>> {
    return this.paged('image', request, (whole) => this.merged(whole))
  }

  private async merged(request: Unpaged<FilesystemRequest>): Promise<ImageFilesystem> {
    const manifest = await this.imageManifest(request)
    const layers = manifest.layers
    return this.run(
      request.operationId,
      layers[0]?.digest ?? '',
      layers.length,
      async (operation) => {
        const upTo = request.layer ?? request.through ?? layers.length - 1
        if (upTo < 0 || upTo >= layers.length) {
          throw new AppErrorException({
            code: 'InvalidParameter',
            field: request.through === undefined ? 'layer' : 'through',
            message: `the image has ${layers.length} layers`,
          })
        }
        const indexes = await this.indexLayers(
          { ...request, imageDigest: manifest.digest },
          layers.slice(0, upTo + 1),
          operation,
        )
        operation.report({ phase: 'merging' }, true)
        const merged = mergeLayers(
          indexes.map((index) => index.entries),
          request.layer === undefined ? {} : { onlyLayer: request.layer },
        )
        const described: MergedLayer[] = indexes.map((index, i) => ({
          index: i,
          digest: layers[i]!.digest,
          mediaType: layers[i]!.mediaType,
          size: layers[i]!.size,
          entryCount: index.entries.length,
          wastedBytes: merged.wastedByLayer[i] ?? 0,
          complete: index.complete,
          problem: index.problem,
        }))
        return {
          imageDigest: manifest.digest,
          layers: described,
          layer: request.layer ?? null,
          through: request.through ?? null,
          entries: merged.entries,
          wastedBytes: merged.wastedBytes,
          wasted: merged.wasted.slice(0, MAX_WASTED_PATHS),
          liveBytes: merged.liveBytes,
          complete: indexes.every((index) => index.complete),
          efficiency: boundedEfficiency(indexes.map((index) => index.entries)),
        }
      },
    )
  }

  /** One page of what was added, modified and deleted between two images or two layers. */
  async diff(request: DiffRequest): Promise<Paged<ContentsDiff>> {
    return this.paged('diff', request, (whole) => this.compare(whole))
  }

  private async compare(request: Unpaged<DiffRequest>): Promise<ContentsDiff> {
    return this.run(request.operationId, '', 2, async (operation) => {
      const side = async (ref: ContentsRef, slot: number) => {
        if (ref.kind === 'layer') {
          const index = await this.indexLayer({ ...request, ...ref }, operation, slot)
          return { id: ref.digest, entries: index.entries as DiffSide[], complete: index.complete }
        }
        const manifest = await this.imageManifest({ ...request, ...ref })
        const indexes = await this.indexLayers(
          { ...request, imageDigest: manifest.digest },
          manifest.layers,
          operation,
        )
        const merged = mergeLayers(indexes.map((index) => index.entries))
        return {
          id: manifest.digest,
          entries: merged.entries.filter((entry) => entry.change !== 'deleted') as DiffSide[],
          complete: indexes.every((index) => index.complete),
        }
      }
      const before = await side(request.from, 0)
      const after = await side(request.to, 1)
      operation.report({ phase: 'merging' }, true)
      const path = request.path ? request.path.replace(/^\/+|\/+$/g, '') : null
      const { entries, counts } = diffEntries(before.entries, after.entries, path || null)
      return {
        from: before.id,
        to: after.id,
        path: path || null,
        entries,
        counts,
        complete: before.complete && after.complete,
      }
    })
  }

  /** Extracts a file or folder of a layer into a folder the user picks. */
  async extract(
    request: LayerRequest & { operationId: string; path: string },
  ): Promise<ExtractResult> {
    return this.run(request.operationId, request.digest, 1, async (operation) => {
      const target = request.path.replace(/^\/+|\/+$/g, '')
      // A layer too large to list can still be extracted whole: the extraction reads it without
      // keeping entries, so it plans with none (and so refuses its hardlinks, which it cannot check).
      const entries = await this.indexLayer(request, operation, 0).then(
        (index) => index.entries,
        (error: unknown) => {
          if (target === '' && tooLarge(error)) return []
          throw error
        },
      )
      const directory = await this.deps.platform.chooseFolder({
        title: 'Extract to',
        defaultPath: await this.deps.downloadFolder(),
      })
      if (directory === null) {
        return { status: 'cancelled', directory: '', path: '', files: 0, bytes: 0, skipped: [] }
      }
      const { path: blob, release } = await this.blob(request, operation, 0)
      try {
        operation.report({ phase: 'extracting' }, true)
        const outcome = await extractFromLayer(
          createReadStream(blob, { highWaterMark: 1024 * 1024 }),
          {
            target,
            entries,
            directory,
            layerDigest: request.digest,
          },
          {
            mediaType: request.mediaType,
            signal: operation.signal,
            ...this.readOptions(),
            onProgress: (progress) =>
              operation.report({ bytes: progress.compressedBytes, entries: progress.entries }),
          },
        )
        return { status: 'extracted', directory, ...outcome }
      } finally {
        release()
      }
    })
  }

  /** The text of a small file (up to 1 MiB), or why it cannot be shown. */
  async preview(request: LayerRequest & { path: string }): Promise<FilePreview> {
    // No id from the renderer: the runtime gives the preview one of its own.
    return this.run(undefined, request.digest, 1, async (operation) => {
      const index = await this.indexLayer(request, operation, 0)
      const path = request.path.replace(/^\/+|\/+$/g, '')
      let entry = index.entries.find(
        (e) => e.path === path && e.type !== 'whiteout' && e.type !== 'opaque',
      )
      if (entry?.type === 'hardlink') {
        entry =
          index.entries.find((e) => e.path === entry!.linkTarget && e.type === 'file') ?? entry
      }
      if (!entry) {
        throw new AppErrorException({
          code: 'PathNotInLayer',
          message: `"${path}" is not in this layer.`,
        })
      }
      if (entry.type !== 'file') {
        throw new AppErrorException({
          code: 'InvalidParameter',
          field: 'path',
          message: `${path} is a ${entry.type}, not a file`,
        })
      }
      if (entry.size > PREVIEW_LIMIT) {
        return { path, size: entry.size, text: null, binary: false, tooLarge: true }
      }
      const wanted = entry.path
      const chunks: Buffer[] = []
      let done = false
      const { path: blob, release } = await this.blob(request, operation, 0)
      try {
        const result = await readLayer(createReadStream(blob, { highWaterMark: 256 * 1024 }), {
          mediaType: request.mediaType,
          signal: operation.signal,
          collect: false,
          ...this.readOptions(),
          onEntry: (candidate) =>
            candidate.path === wanted && candidate.type === 'file'
              ? {
                  data: (chunk) => void chunks.push(Buffer.from(chunk)),
                  end: () => void (done = true),
                }
              : null,
          stopWhen: () => done,
        })
        if (!done && result.problem) {
          throw new AppErrorException({ code: 'LayerUnreadable', message: result.problem.message })
        }
      } finally {
        release()
      }
      const bytes = Buffer.concat(chunks)
      const text = decodeText(bytes)
      return { path, size: bytes.length, text, binary: text === null, tooLarge: false }
    })
  }

  /** The caches' sizes and bounds. */
  async cacheInfo(): Promise<ContentsCacheInfo> {
    const [index, blobs] = await Promise.all([this.indexes.info(), this.blobs.info()])
    return {
      indexBytes: index.bytes,
      indexCount: index.count,
      indexLimitBytes: index.limit,
      blobBytes: blobs.bytes,
      blobCount: blobs.count,
      blobLimitBytes: this.blobs.limit,
    }
  }

  /** Empties both caches (files in use by a running operation stay until it ends). */
  async clearCache(): Promise<ContentsCacheInfo> {
    this.pages.clear()
    this.refused.clear()
    await Promise.all([this.indexes.clear(), this.blobs.clear()])
    return this.cacheInfo()
  }

  /**
   * The `contents:` channels. A layer file on disk is read only if the user chose it (`paths`, the
   * gate for paths from the renderer).
   */
  handlers(paths: Pick<UserPaths, 'check'>): HandlersOf<'contents'> {
    return {
      'contents:index': (request) => this.index(request),
      'contents:index-file': async (request) => {
        await paths.check(request.path, 'path', 'file')
        return this.indexFile(request)
      },
      'contents:image-filesystem': (request) => this.imageFilesystem(request),
      'contents:diff': (request) => this.diff(request),
      'contents:extract': (request) => this.extract(request),
      'contents:preview': (request) => this.preview(request),
      'contents:cache': () => this.cacheInfo(),
      'contents:clear-cache': () => this.clearCache(),
    }
  }

  /** How many operations are running (for tests). */
  activeCount(): number {
    return this.deps.operations.running(this.kind)
  }

  private async imageManifest(request: {
    registryId?: string
    repositoryName: string
    imageDigest?: string
    imageTag?: string
  }): Promise<Extract<ImageManifest, { kind: 'image' }>> {
    const manifest = await this.deps.getManifest({
      ...(request.registryId ? { registryId: request.registryId } : {}),
      repositoryName: request.repositoryName,
      ...(request.imageDigest ? { imageDigest: request.imageDigest } : {}),
      ...(request.imageTag && !request.imageDigest ? { imageTag: request.imageTag } : {}),
    })
    if (manifest.kind === 'index') {
      const platforms = manifest.platforms
        .filter((p) => !p.attestation)
        .map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))
      throw new AppErrorException({
        code: 'IndexNeedsPlatform',
        message: `${manifest.digest} is an index of ${platforms.length} platform images (${platforms.join(', ')}); it has no files of its own.`,
      })
    }
    return manifest
  }

  // Indexes an image's layers two at a time (one downloads while the other is read).
  private async indexLayers(
    location: ImageLocation & { imageDigest: string },
    layers: readonly LayerDescriptor[],
    operation: Operation,
  ): Promise<LayerIndex[]> {
    operation.update({ layerCount: Math.max(operation.progress.layerCount, layers.length) })
    const results: LayerIndex[] = new Array<LayerIndex>(layers.length)
    let next = 0
    const worker = async () => {
      while (next < layers.length) {
        const i = next++
        const layer = layers[i]!
        results[i] = layer.foreign
          ? foreignIndex(layer)
          : await this.indexLayer(
              { ...location, digest: layer.digest, mediaType: layer.mediaType, size: layer.size },
              operation,
              i,
            ).catch((error: unknown) => {
              // In an image's view, name the layer, so the user knows which one to extract.
              if (!tooLarge(error)) throw error
              throw new AppErrorException({
                ...error.error,
                message: `Layer ${i + 1} of ${layers.length} (${shortDigest(layer.digest)}…): ${error.error.message} Open that layer on its own to extract it.`,
              })
            })
      }
    }
    await Promise.all([worker(), worker()])
    return results
  }

  private async indexLayer(
    request: LayerRequest,
    operation: Operation,
    slot: number,
  ): Promise<LayerIndex> {
    const cached = await this.indexes.get(request.digest)
    if (cached) return cached
    return this.deps.operations.lock(`contents:${request.digest}`, async () => {
      const again = await this.indexes.get(request.digest)
      if (again) return again
      const refusal = this.refused.get(request.digest)
      if (refusal) throw new AppErrorException(refusal)
      const { path, release } = await this.blob(request, operation, slot)
      try {
        const index = await this.readIndex(
          path,
          request.digest,
          request.mediaType,
          await existingSize(path),
          operation,
        ).catch((error: unknown) => {
          if (tooLarge(error)) this.refuse(request.digest, error.error)
          throw error
        })
        await this.indexes.put(index)
        return index
      } finally {
        release()
      }
    })
  }

  private refuse(digest: string, error: AppError): void {
    this.refused.delete(digest)
    this.refused.set(digest, error)
    for (const old of this.refused.keys()) {
      if (this.refused.size <= MAX_REFUSED) break
      this.refused.delete(old)
    }
  }

  private async readIndex(
    path: string,
    digest: string,
    mediaType: string,
    size: number,
    operation: Operation,
  ): Promise<LayerIndex> {
    operation.report({ digest, totalBytes: size, phase: 'indexing' }, true)
    const result = await readLayer(createReadStream(path, { highWaterMark: 1024 * 1024 }), {
      mediaType,
      signal: operation.signal,
      ...this.readOptions(),
      onProgress: (progress) =>
        operation.report({ bytes: progress.compressedBytes, entries: progress.entries }),
    })
    return {
      digest,
      compression: result.compression,
      complete: result.complete,
      problem: result.problem,
      entries: result.entries,
      compressedBytes: size,
      tarBytes: result.tarBytes,
      fileBytes: result.fileBytes,
      fromCache: false,
      ...(result.decoder === 'zstd-native'
        ? { zstdDecoder: 'native' as const }
        : result.decoder === 'zstd-fallback'
          ? { zstdDecoder: 'fallback' as const }
          : {}),
    }
  }

  // The blob on disk, digest verified: from the blob cache, from the user's download folder, or
  // fetched through the download engine (GetDownloadUrlForLayer, streamed, hashed as written).
  private async blob(
    request: LayerRequest,
    operation: Operation,
    slot: number,
  ): Promise<{ path: string; release: () => void }> {
    const key = cacheKey(request.digest)
    const release = this.blobs.pin(key)
    try {
      return await this.deps.operations.lock(`contents:blob:${request.digest}`, async () => {
        operation.update({ layer: slot, digest: request.digest })
        if ((await this.blobs.get(key)) !== null) return { path: this.blobs.path(key), release }
        const downloaded = join(
          await this.deps.downloadFolder(),
          blobFileName(request.repositoryName, request.digest, request.mediaType),
        )
        const size = await fileSize(downloaded)
        if (size !== null && (request.size === null || size === request.size)) {
          operation.report({ phase: 'verifying', totalBytes: size }, true)
          const { matches } = await hashFile(downloaded, request.digest, {
            signal: operation.signal,
            onBytes: (read) => operation.report({ bytes: read }),
          })
          if (matches) return { path: downloaded, release }
        }
        await this.blobs.ensure()
        const partial = this.blobs.path(`${key}.partial`)
        operation.report({ phase: 'downloading', totalBytes: request.size }, true)
        try {
          const { file: written } = await this.deps.downloader.download({
            digest: request.digest,
            expectedSize: request.size,
            partialPath: partial,
            signal: operation.signal,
            getUrl: () =>
              this.deps.getUrl(
                {
                  ...(request.registryId ? { registryId: request.registryId } : {}),
                  repositoryName: request.repositoryName,
                  ...(request.imageDigest ? { imageDigest: request.imageDigest } : {}),
                },
                request.digest,
              ),
            onBytes: (received, total) => operation.report({ bytes: received, totalBytes: total }),
            onPhase: (phase) => {
              if (phase === 'verifying') operation.report({ phase: 'verifying' }, true)
            },
          })
          // The file the downloader wrote and verified, even if the name was swapped meanwhile.
          await this.blobs.commit(key, partial, written)
        } catch (error) {
          // Only a file of ours goes: a link or folder planted at the name stays as it was.
          await removeOwnFile(partial)
          throw error
        }
        return { path: this.blobs.path(key), release }
      })
    } catch (error) {
      release()
      throw error
    }
  }

  private readOptions() {
    return {
      ...(this.deps.limits ? { limits: this.deps.limits } : {}),
      ...(this.deps.zstd ? { zstd: this.deps.zstd } : {}),
    }
  }

  // One page of a reply held whole: the first request builds it (without its page), later ones
  // page through it by the cursor the previous page named.
  private paged<R extends { operationId: string; page?: PageCursor }, T extends Paginated>(
    kind: string,
    request: R,
    build: (whole: Unpaged<R>) => Promise<T>,
  ): Promise<Paged<T>> {
    const { page, ...whole } = request
    return this.pages.page(replyKind(kind, whole), page, () => build(whole))
  }

  // Each long request is an operation on the runtime: an id for cancel, progress, the end phases.
  private run<T>(
    operationId: string | undefined,
    digest: string,
    layerCount: number,
    task: (operation: Operation) => Promise<T>,
  ): Promise<T> {
    return this.deps.operations.run(
      this.kind,
      {
        ...(operationId === undefined ? {} : { id: operationId }),
        progress: {
          phase: 'indexing',
          layer: 0,
          layerCount,
          digest,
          bytes: 0,
          totalBytes: null,
          entries: 0,
        },
      },
      task,
    )
  }
}

// A foreign layer lives outside the registry: listed as an empty, incomplete layer.
function foreignIndex(layer: LayerDescriptor): LayerIndex {
  return {
    digest: layer.digest,
    compression: 'gzip',
    complete: false,
    problem: {
      kind: 'cap',
      message: `This layer lives outside ECR (${layer.urls?.[0] ?? 'a foreign URL'}), so its files are not listed.`,
      tarOffset: null,
      compressedOffset: null,
    },
    entries: [],
    compressedBytes: layer.size,
    tarBytes: 0,
    fileBytes: 0,
    fromCache: false,
  }
}

// What a held reply answers, so a cursor is honoured only by the request that made it: the
// request's fields but its operationId, in a fixed order.
function replyKind(kind: string, request: { operationId: string }): string {
  const stable = (value: unknown): unknown =>
    value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .filter(([key]) => key !== 'operationId')
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([key, inner]) => [key, stable(inner)]),
        )
      : value
  return `${kind}:${JSON.stringify(stable(request))}`
}

function tooLarge(error: unknown): error is AppErrorException {
  return error instanceof AppErrorException && error.error.code === 'LayerIndexTooLarge'
}

/** The size of a file that must be there. */
async function existingSize(path: string): Promise<number> {
  const size = await fileSize(path)
  if (size === null) {
    throw new AppErrorException({
      code: 'InvalidParameter',
      field: 'path',
      message: `no file at ${path}`,
    })
  }
  return size
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The text of a file, or null when it is binary (a NUL byte, or not UTF-8). */
export function decodeText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null
  try {
    return utf8.decode(bytes)
  } catch {
    return null
  }
}

/** dive's efficiency of the layers read, with its list of paths cut to what a page shows. */
function boundedEfficiency(layers: readonly (readonly LayerEntry[])[]): ImageEfficiency {
  const efficiency = diveEfficiency(layers)
  return { ...efficiency, inefficiencies: efficiency.inefficiencies.slice(0, MAX_WASTED_PATHS) }
}
