import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { copyFile, link, mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { AppErrorException } from '../../../shared/ipc/result'
import type {
  ExportFormat,
  ExportProgress,
  ExportResult,
  ReuseMethod,
} from '../../../shared/models/export'
import { dockerArchiveLimits } from '../../../shared/docker-limits'
import { PARTIAL_KEPT_AFTER } from '../../../shared/models/download'
import type { ImageManifest } from '../../../shared/models/image'
import { fetchBlob, type PipelineDeps } from '../blob/fetch-blob'
import { filePartialSink } from '../blob/file-sink'
import type { BlobSink, SinkWriter } from '../blob/sink'
import { hashFile } from '../blob/hash-file'
import {
  lstatOrNull,
  removeOwnFile,
  renameIntoPlace,
  writeFileAtomic,
  writeError,
} from '../fs/safe-file'
import {
  TRANSFERS,
  type Operation,
  type OperationKind,
  type Operations,
} from '../operations/operations'
import { blobPath, indexJson, layoutFileJson, MARKER, OCI, type IndexEntry } from './layout'
import { writeLayoutTar } from './layout-tar'
import { verifyLayout, type FileIdentity } from './verify-layout'

// "Save image…": an image (one platform, or an index kept as it is) and optionally its referrers,
// into an OCI image layout folder, the same as one tar, or a tar that is at once an OCI layout and
// a docker-archive (regctl's `image export`: manifest.json points into blobs/). Manifests are the
// bytes BatchGetImage returned, checked against their digests; every other blob travels the blob
// pipeline into `blobs/<alg>/<hex>.partial`, then is renamed into place. index.json comes last,
// so a layout without it is an unfinished export, which the next run resumes.

/** Where an export's manifests and blobs come from: ECR, through the app's services. */
export interface ExportSource {
  /** BatchGetImage by tag or digest, as ECR serves it (raw kept). */
  manifest(ref: { imageTag?: string; imageDigest?: string }): Promise<ImageManifest>
  /** GetDownloadUrlForLayer for one blob. */
  getUrl(digest: string): Promise<string>
  /** ListImageReferrers: the OCI 1.1 referrers of one manifest (signatures, SBOMs, attestations). */
  referrers?(digest: string): Promise<
    {
      digest: string
      mediaType: string
      artifactType: string | null
      annotations: Record<string, string>
    }[]
  >
}

/** What the exporter is built from. */
export interface ExportDeps {
  pipeline: PipelineDeps
  operations: Operations
  emit: (progress: ExportProgress) => void
  /** The download concurrency setting: blobs fetched at once. */
  concurrency: () => Promise<number>
  /** Files on this machine that may hold a blob already (downloads folder, contents cache). */
  candidates: (digest: string, mediaType: string, repositoryName: string) => Promise<string[]>
}

/** One "Save image…". */
export interface ExportRequest {
  operationId: string
  repositoryName: string
  /** For docker-archive's RepoTags: the repository's URI (registry host and name). */
  repositoryUri: string
  imageTag?: string
  imageDigest?: string
  /** 'all', or the digest of one platform's manifest in the index. */
  platform: string
  includeReferrers: boolean
  format: ExportFormat
  /** A folder (oci-dir) or a `.tar` file (the others). */
  target: string
}

const markerSchema = z.object({
  repositoryName: z.string(),
  reference: z.string(),
  platform: z.string(),
  includeReferrers: z.boolean(),
  format: z.enum(['oci-dir', 'oci-tar', 'docker-archive']),
})

interface Blob {
  digest: string
  size: number
  mediaType: string
}

interface Plan {
  /** The manifests, raw, by digest, in the order found. */
  manifests: Map<string, { raw: Buffer; mediaType: string }>
  blobs: Map<string, Blob>
  index: IndexEntry[]
  digest: string
  warnings: string[]
  /** For docker-archive: the one image's config and layers. */
  docker: { config: string; layers: string[] } | null
}

/** Exports images into OCI layouts and docker-archives; each export is an operation. */
export class ImageExporter {
  private readonly kind: OperationKind<ExportProgress>

  constructor(private readonly deps: ExportDeps) {
    this.kind = {
      emit: deps.emit,
      prepare: (progress, { bytesPerSecond }) => ({ ...progress, bytesPerSecond }),
      amount: (p) => ({ done: p.receivedBytes, total: p.totalBytes }),
      summary: ({ done = 0, failed = 0 }) =>
        done + failed > 0
          ? { title: 'Image saved', body: `${done} saved${failed ? `, ${failed} failed` : ''}.` }
          : null,
    }
  }

  /** Saves one image; a cancelled export keeps what it finished, to resume. */
  async save(source: ExportSource, request: ExportRequest): Promise<ExportResult> {
    const tar = request.format !== 'oci-dir'
    const work = tar ? `${request.target}.export` : request.target
    try {
      return await this.deps.operations.run(
        this.kind,
        {
          id: request.operationId,
          progress: {
            phase: 'planning',
            receivedBytes: 0,
            totalBytes: null,
            blobsDone: 0,
            blobsTotal: 0,
            inFlight: [],
            bytesPerSecond: 0,
          },
        },
        (operation) =>
          this.deps.operations.lock(`export:${request.target}`, () =>
            this.run(source, request, work, operation),
          ),
      )
    } catch (error) {
      if (error instanceof AppErrorException && error.error.code === 'Cancelled') {
        return {
          status: 'cancelled',
          path: request.target,
          format: request.format,
          digest: '',
          verified: null,
          fetched: 0,
          reused: {},
          bytesTransferred: 0,
          warnings: [],
        }
      }
      throw error
    }
  }

  private async run(
    source: ExportSource,
    request: ExportRequest,
    work: string,
    operation: Operation<ExportProgress>,
  ): Promise<ExportResult> {
    if (request.format !== 'oci-dir' && (await lstatOrNull(request.target)) !== null) {
      throw notEmpty(request.target, 'a file is already there')
    }
    await prepareFolder(work, markerOf(request))
    const plan = await this.plan(source, request)
    operation.signal.throwIfAborted()

    const blobs = [...plan.blobs.values()]
    const total = blobs.reduce((sum, b) => sum + b.size, 0)
    const inFlight = new Map<
      string,
      { digest: string; receivedBytes: number; totalBytes: number }
    >()
    let doneBytes = 0
    let blobsDone = 0
    const report = (force = false) =>
      operation.report(
        {
          receivedBytes:
            doneBytes + [...inFlight.values()].reduce((s, b) => s + b.receivedBytes, 0),
          blobsDone,
          inFlight: [...inFlight.values()],
        },
        force,
      )
    operation.report(
      { phase: 'fetching', totalBytes: total, blobsTotal: blobs.length, blobsDone: 0 },
      true,
    )

    // Manifests are written as ECR served them: their bytes were checked against their digests.
    for (const [digest, { raw }] of plan.manifests) {
      const path = blobPath(work, digest)
      await mkdir(dirname(path), { recursive: true })
      await writeFileAtomic(path, raw, { mode: 0o644 }).catch((e: unknown) => fail(e, path))
    }

    const reused: Partial<Record<ReuseMethod, number>> = {}
    // Blobs this run fetched, verified as they streamed, fsynced and renamed: the end check
    // re-stats these (same file, same size) instead of re-hashing them; all others it re-hashes.
    const verifiedHere = new Map<string, FileIdentity>()
    let fetched = 0
    let bytesTransferred = 0
    const one = async (blob: Blob) => {
      const path = blobPath(work, blob.digest)
      await mkdir(dirname(path), { recursive: true })
      const entry = { digest: blob.digest, receivedBytes: 0, totalBytes: blob.size }
      inFlight.set(blob.digest, entry)
      try {
        const how = await this.reuse(blob, path, operation.signal, request.repositoryName)
        if (how) {
          reused[how] = (reused[how] ?? 0) + 1
        } else {
          // One queue with downloads: a slot of the transfer queue per blob on the network.
          const release = await this.deps.operations.slot(
            TRANSFERS,
            await this.deps.concurrency(),
            operation.signal,
          )
          try {
            const outcome = await this.fetch(source, blob, path, operation, (n) => {
              entry.receivedBytes = n
              report()
            })
            fetched++
            bytesTransferred += outcome.bytesTransferred
            verifiedHere.set(blob.digest, outcome.identity)
          } finally {
            release()
          }
        }
      } finally {
        inFlight.delete(blob.digest)
      }
      doneBytes += blob.size
      blobsDone++
      report()
    }
    await pool(blobs, await this.deps.concurrency(), one, operation.signal)

    operation.report({ phase: 'assembling', inFlight: [] }, true)
    await writeFileAtomic(join(work, OCI.layoutFile), layoutFileJson(), { mode: 0o644 })
    if (plan.docker) {
      const name = request.imageTag ?? 'latest'
      await writeFileAtomic(
        join(work, 'manifest.json'),
        `${JSON.stringify([
          {
            Config: blobEntryOf(plan.docker.config),
            RepoTags: [`${request.repositoryUri}:${name}`],
            Layers: plan.docker.layers.map(blobEntryOf),
          },
        ])}\n`,
        { mode: 0o644 },
      )
      const top = plan.docker.layers.at(-1)?.split(':')[1] ?? ''
      await writeFileAtomic(
        join(work, 'repositories'),
        `${JSON.stringify({ [request.repositoryUri]: { [name]: top } })}\n`,
        { mode: 0o644 },
      )
    }
    // Last: index.json makes the layout complete; the marker goes once it is there.
    await writeFileAtomic(join(work, 'index.json'), indexJson(plan.index), { mode: 0o644 })
    // A tar's folder keeps it until the tar is in place: a failed assembly is resumed, not refused.
    if (request.format === 'oci-dir') await removeOwnFile(join(work, MARKER))

    let path = work
    if (request.format !== 'oci-dir') {
      await writeLayoutTar(work, request.target, {
        signal: operation.signal,
        last: plan.docker ? ['manifest.json', 'repositories', 'index.json'] : ['index.json'],
      })
      await rm(work, { recursive: true, force: true })
      path = request.target
    }

    operation.report({ phase: 'verifying' }, true)
    // A folder's blobs fetched in this run are re-stat'ed, not re-hashed; a tar is read whole.
    const verified = await verifyLayout(path, {
      signal: operation.signal,
      ...(request.format === 'oci-dir' ? { verifiedHere } : {}),
    })
    if (!verified.ok) {
      throw new AppErrorException({
        code: 'DigestMismatch',
        message: `The saved layout did not verify: ${verified.problems.join(' ')}`,
      })
    }
    operation.tally('done')
    return {
      status: 'done',
      path,
      format: request.format,
      digest: plan.digest,
      verified,
      fetched,
      reused,
      bytesTransferred,
      warnings: plan.warnings,
    }
  }

  /** Resolves the request into manifests (raw), blobs and index.json's entries. */
  private async plan(source: ExportSource, request: ExportRequest): Promise<Plan> {
    const plan: Plan = {
      manifests: new Map(),
      blobs: new Map(),
      index: [],
      digest: '',
      warnings: [],
      docker: null,
    }
    const top = await source.manifest(
      request.imageDigest
        ? { imageDigest: request.imageDigest }
        : { imageTag: request.imageTag ?? 'latest' },
    )
    const refName = request.imageTag ? { [OCI.refName]: request.imageTag } : undefined
    const images: ImageManifest[] = []
    const subjects: string[] = []

    if (top.kind === 'index' && request.platform === 'all') {
      if (request.format === 'docker-archive') {
        throw new AppErrorException({
          code: 'InvalidParameter',
          field: 'platform',
          message:
            'A docker-archive holds one platform: pick one, or save an OCI layout to keep the whole index.',
        })
      }
      // The index is kept as it is, so its digest and every child's stay the same.
      addManifest(plan, top)
      plan.index.push(entry(top, refName))
      plan.digest = top.digest
      subjects.push(top.digest)
      for (const child of top.platforms) {
        const manifest = await source.manifest({ imageDigest: child.digest })
        addManifest(plan, manifest)
        if (manifest.kind === 'image') images.push(manifest)
        subjects.push(child.digest)
      }
    } else {
      let chosen = top
      let platform: Record<string, unknown> | undefined
      if (top.kind === 'index') {
        const child = top.platforms.find((p) => p.digest === request.platform)
        if (!child) {
          throw new AppErrorException({
            code: 'InvalidParameter',
            field: 'platform',
            message: `${request.platform} is not one of the index's platforms.`,
          })
        }
        chosen = await source.manifest({ imageDigest: child.digest })
        platform = {
          ...(child.architecture ? { architecture: child.architecture } : {}),
          ...(child.os ? { os: child.os } : {}),
          ...(child.variant ? { variant: child.variant } : {}),
        }
        if (request.includeReferrers) {
          // BuildKit's attestations point at their image from the index.
          for (const p of top.platforms) {
            if (p.annotations?.['vnd.docker.reference.digest'] !== child.digest) continue
            const attestation = await source.manifest({ imageDigest: p.digest })
            addManifest(plan, attestation)
            if (attestation.kind === 'image') images.push(attestation)
            plan.index.push(entry(attestation, p.annotations))
          }
        }
      }
      if (chosen.kind !== 'image') {
        throw new AppErrorException({
          code: 'UnsupportedManifest',
          message: 'The chosen platform is itself an index; pick an image manifest.',
        })
      }
      addManifest(plan, chosen)
      plan.index.unshift({ ...entry(chosen, refName), ...(platform ? { platform } : {}) })
      plan.digest = chosen.digest
      images.unshift(chosen)
      subjects.push(chosen.digest)
      if (request.format === 'docker-archive') {
        plan.docker = {
          config: chosen.config.digest,
          layers: chosen.layers.map((l) => l.digest),
        }
        plan.warnings.push(...dockerWarnings(chosen))
      }
    }

    if (request.includeReferrers && source.referrers) {
      // OCI 1.1 referrers, and theirs (a signature on an SBOM), listed in index.json beside the
      // image: each names its subject, which is how layout readers (oras, regctl) find them.
      const queue = [...subjects]
      const listed = new Set<string>()
      while (queue.length > 0 && listed.size < 1000) {
        const subject = queue.shift()!
        if (listed.has(subject)) continue
        listed.add(subject)
        let found: Awaited<ReturnType<NonNullable<ExportSource['referrers']>>>
        try {
          found = await source.referrers(subject)
        } catch (error) {
          if (!(error instanceof AppErrorException)) throw error
          plan.warnings.push(
            `The referrers of ${subject} could not be listed (${error.error.code}: ${error.error.message}); they are not in the layout.`,
          )
          continue
        }
        for (const referrer of found) {
          if (plan.manifests.has(referrer.digest)) continue
          const manifest = await source.manifest({ imageDigest: referrer.digest })
          addManifest(plan, manifest)
          plan.index.push({
            ...entry(manifest, referrer.annotations),
            ...(referrer.artifactType ? { artifactType: referrer.artifactType } : {}),
          })
          if (manifest.kind === 'image') images.push(manifest)
          queue.push(manifest.digest)
        }
      }
    }

    if (request.includeReferrers) {
      for (const subject of subjects) {
        for (const found of await referrers(source, subject)) {
          if (plan.manifests.has(found.manifest.digest)) continue
          addManifest(plan, found.manifest)
          plan.index.push(entry(found.manifest, { [OCI.refName]: found.tag }))
          if (found.manifest.kind === 'image') images.push(found.manifest)
          if (found.manifest.kind === 'index') {
            for (const child of found.manifest.platforms) {
              const m = await source.manifest({ imageDigest: child.digest })
              addManifest(plan, m)
              if (m.kind === 'image') images.push(m)
            }
          }
        }
      }
    }

    for (const image of images) {
      if (image.kind !== 'image') continue
      addBlob(plan, image.config)
      for (const layer of image.layers) {
        if (layer.foreign) {
          plan.warnings.push(
            `Layer ${layer.digest} is a foreign layer that ECR does not store; the layout names it but does not hold it, so loaders fetch it from ${layer.urls?.[0] ?? 'its URL'}.`,
          )
          continue
        }
        addBlob(plan, layer)
      }
    }
    return plan
  }

  /** A blob already here: in the layout (verified), or verified elsewhere and copied in. */
  private async reuse(
    blob: Blob,
    path: string,
    signal: AbortSignal,
    repositoryName: string,
  ): Promise<ReuseMethod | null> {
    const there = await lstatOrNull(path)
    if (there?.isFile() && there.size === blob.size) {
      if ((await hashFile(path, blob.digest, { signal })).matches) return 'in-layout'
    }
    // Not the blob (or not a file of ours): replaced by a verified one.
    if (there !== null) await removeOwnFile(path)
    const partial = `${path}.reuse`
    for (const candidate of await this.deps.candidates(
      blob.digest,
      blob.mediaType,
      repositoryName,
    )) {
      const stats = await lstatOrNull(candidate)
      if (!stats?.isFile() || stats.size !== blob.size) continue
      await removeOwnFile(partial)
      const how = await place(candidate, partial)
      if (!how) continue
      // What is checked is the file now in the layout, not the one it came from.
      if ((await hashFile(partial, blob.digest, { signal })).matches) {
        await renameIntoPlace(partial, path)
        return how
      }
      await removeOwnFile(partial)
    }
    return null
  }

  /**
   * The blob pipeline into `<blob>.partial`, then renamed; returns the bytes fetched and the
   * identity of the verified file now at `path`.
   */
  private async fetch(
    source: ExportSource,
    blob: Blob,
    path: string,
    operation: Operation<ExportProgress>,
    onBytes: (n: number) => void,
  ): Promise<{ bytesTransferred: number; identity: FileIdentity }> {
    const partial = `${path}.partial`
    try {
      const outcome = await fetchBlob(this.deps.pipeline, {
        digest: blob.digest,
        expectedSize: blob.size,
        getUrl: () => source.getUrl(blob.digest),
        sink: keepOnCancel(filePartialSink({ partialPath: partial })),
        signal: operation.signal,
        what: `Blob ${blob.digest}`,
        onBytes,
      })
      await renameIntoPlace(partial, path, { expect: outcome.value.file })
      const placed = await lstatOrNull(path)
      if (!placed?.isFile() || placed.ino !== outcome.value.file.ino) {
        throw new AppErrorException({
          code: 'UnsafeFile',
          message: `${path} changed right after the verified blob was renamed there; save the image again into a folder nothing else writes to.`,
        })
      }
      return {
        bytesTransferred: outcome.bytesTransferred,
        identity: {
          size: placed.size,
          dev: placed.dev,
          ino: placed.ino,
          mtimeMs: placed.mtimeMs,
        },
      }
    } catch (error) {
      // Cancelled or cut off: the partial stays, to resume with Range. Corrupt or unwritable: gone.
      const keep =
        operation.signal.aborted ||
        (error instanceof AppErrorException && PARTIAL_KEPT_AFTER.has(error.error.code))
      if (!keep) await removeOwnFile(partial)
      if (error instanceof AppErrorException && error.error.code === 'DigestMismatch') {
        throw new AppErrorException({
          ...error.error,
          message: `The export stopped: blob ${blob.digest} failed verification. ${error.error.message}`,
        })
      }
      throw error
    }
  }
}

/**
 * A cancelled export is one to resume: the bytes that arrived (verified as they came) are stored
 * instead of dropped, so the next run continues the blob with Range.
 */
function keepOnCancel<R>(sink: BlobSink<R>): BlobSink<R> {
  return {
    resume: (verifier, options) => sink.resume(verifier, options),
    restart: () => sink.restart(),
    commit: () => sink.commit(),
    close: () => sink.close(),
    writer(onAccepted, options) {
      // The file sink's writer as it is (it may read the body straight into its batches and hash
      // them in place), except that abandoning keeps what arrived.
      const inner = sink.writer(onAccepted, options)
      const writer: SinkWriter = {
        write: (view) => inner.write(view),
        drained: () => inner.drained(),
        settle: () => inner.settle(),
        abandon: () => inner.settle().catch(() => undefined),
        get position() {
          return inner.position
        },
        get hashes() {
          return inner.hashes
        },
      }
      if (inner.nextBuffer) writer.nextBuffer = () => inner.nextBuffer!()
      return writer
    },
  }
}

/** Words for what a docker-archive of this image will not carry or load. */
export function dockerWarnings(image: Extract<ImageManifest, { kind: 'image' }>): string[] {
  const warnings: string[] = [
    `A docker-archive keeps the config and layers but not the manifest: docker load and podman load rebuild one, so the loaded image is not ECR's ${image.digest}. The same file is also an OCI layout (skopeo copy oci-archive:…), which keeps it.`,
  ]
  warnings.push(...dockerArchiveLimits(image))
  return warnings
}

function entry(manifest: ImageManifest, annotations?: Record<string, string>): IndexEntry {
  return {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: Buffer.byteLength(manifest.raw, 'utf8'),
    ...(manifest.kind === 'image' && manifest.artifactType
      ? { artifactType: manifest.artifactType }
      : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  }
}

// The manifest's bytes are those ECR served: checked here against the digest they are saved under.
function addManifest(plan: Plan, manifest: ImageManifest): void {
  if (plan.manifests.has(manifest.digest)) return
  const raw = Buffer.from(manifest.raw, 'utf8')
  const [algorithm, hex] = manifest.digest.split(':')
  const actual = createHash(algorithm === 'sha512' ? 'sha512' : 'sha256')
    .update(raw)
    .digest('hex')
  if (actual !== hex) {
    throw new AppErrorException({
      code: 'DigestMismatch',
      message: `The export stopped: manifest ${manifest.digest} as ECR returned it hashes to ${algorithm}:${actual}.`,
    })
  }
  blobPath('/', manifest.digest)
  plan.manifests.set(manifest.digest, { raw, mediaType: manifest.mediaType })
}

// Blobs shared by platforms (or by referrers) are fetched once.
function addBlob(plan: Plan, d: { digest: string; size: number; mediaType: string }): void {
  if (plan.blobs.has(d.digest) || plan.manifests.has(d.digest)) return
  blobPath('/', d.digest)
  plan.blobs.set(d.digest, { digest: d.digest, size: d.size, mediaType: d.mediaType })
}

const blobEntryOf = (digest: string) => `blobs/${digest.replace(':', '/')}`

/**
 * Referrers ECR's API can find: the OCI 1.1 referrers tag schema (`sha256-<hex>`, an index of the
 * subject's referrers) and cosign's tags (`.sig`, `.att`, `.sbom`). Each is kept under its tag in
 * index.json, where tools that read the tag schema from a layout find it.
 */
async function referrers(
  source: ExportSource,
  subject: string,
): Promise<{ tag: string; manifest: ImageManifest }[]> {
  const base = subject.replace(':', '-')
  const found: { tag: string; manifest: ImageManifest }[] = []
  for (const tag of [base, `${base}.sig`, `${base}.att`, `${base}.sbom`]) {
    try {
      found.push({ tag, manifest: await source.manifest({ imageTag: tag }) })
    } catch (error) {
      if (
        error instanceof AppErrorException &&
        ['ImageNotFound', 'InvalidImageTag'].includes(error.error.code)
      ) {
        continue
      }
      throw error
    }
  }
  return found
}

// Reflink (a copy-on-write clone), else a hard link, else a plain copy; each exclusive, so a link
// planted at the temporary name makes it fail instead of being written through.
async function place(from: string, to: string): Promise<ReuseMethod | null> {
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE_FORCE)
    return 'reflink'
  } catch {
    // not a file system with reflinks
  }
  try {
    await link(from, to)
    return 'hardlink'
  } catch {
    // another file system, or links refused
  }
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL)
    return 'copy'
  } catch {
    return null
  }
}

async function pool<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  let next = 0
  const failures: Error[] = []
  const worker = async () => {
    while (next < items.length && failures.length === 0) {
      signal.throwIfAborted()
      const item = items[next++]!
      try {
        await work(item)
      } catch (error) {
        failures.push(error instanceof Error ? error : new Error(String(error)))
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  signal.throwIfAborted()
  if (failures[0]) throw failures[0]
}

function markerOf(request: ExportRequest): z.infer<typeof markerSchema> {
  return {
    repositoryName: request.repositoryName,
    reference: request.imageDigest ?? request.imageTag ?? 'latest',
    platform: request.platform,
    includeReferrers: request.includeReferrers,
    format: request.format,
  }
}

/** The export error for a target that holds something else. */
function notEmpty(path: string, what: string): AppErrorException {
  return new AppErrorException({
    code: 'ExportTargetNotEmpty',
    message: `${path}: ${what}. The app saves an image only into an empty folder (or one an unfinished export of the same image left), so nothing there is overwritten.`,
  })
}

// An empty folder, a missing one, or one an unfinished export of the same image left (resumed).
async function prepareFolder(path: string, marker: z.infer<typeof markerSchema>): Promise<void> {
  const stats = await lstatOrNull(path)
  if (stats !== null && !stats.isDirectory()) throw notEmpty(path, 'it is not a folder')
  if (stats === null) {
    await mkdir(path, { recursive: true }).catch((e: unknown) => fail(e, path))
  } else {
    const names = await readdir(path)
    if (names.length > 0) {
      const ours = await readMarker(join(path, MARKER))
      if (!ours) throw notEmpty(path, 'the folder is not empty')
      if (JSON.stringify(ours) !== JSON.stringify(marker)) {
        throw notEmpty(
          path,
          `an unfinished export of ${ours.repositoryName}:${ours.reference} is there`,
        )
      }
      return
    }
  }
  await writeFileAtomic(join(path, MARKER), JSON.stringify(marker)).catch((e: unknown) =>
    fail(e, join(path, MARKER)),
  )
}

/** The unfinished export a folder holds, if any. */
export async function readMarker(path: string): Promise<z.infer<typeof markerSchema> | null> {
  const stats = await lstatOrNull(path)
  if (!stats?.isFile() || stats.size > 4096) return null
  try {
    const parsed = markerSchema.safeParse(JSON.parse(await readFile(path, 'utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function fail(error: unknown, path: string): never {
  throw new AppErrorException(writeError(error, path))
}
