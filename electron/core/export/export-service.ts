import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type {
  ExportProgress,
  ExportResult,
  LayoutCheck,
  UnfinishedExport,
} from '../../../shared/models/export'
import type { ImageManifest } from '../../../shared/models/image'
import type { Repository } from '../../../shared/models/repository'
import { lstatOrNull } from '../fs/safe-file'
import type { HandlersOf } from '../ipc/handlers'
import type { OperationKind } from '../operations/operations'
import { ImageExporter, readMarker, type ExportDeps, type ExportRequest } from './image-export'
import { MARKER } from './layout'
import type { UserPaths } from '../services/user-paths'
import { verifyLayout } from './verify-layout'

/** ECR calls the export needs, for one repository. */
export interface ExportEcr {
  getManifest(request: {
    registryId?: string
    repositoryName: string
    imageTag?: string
    imageDigest?: string
  }): Promise<ImageManifest>
  downloadUrl(
    request: { registryId?: string; repositoryName: string },
    digest: string,
  ): Promise<string>
  describeRepository(request: { registryId?: string; repositoryName: string }): Promise<Repository>
  listReferrers(request: {
    registryId?: string
    repositoryName: string
    imageDigest: string
  }): Promise<
    {
      digest: string
      mediaType: string
      artifactType: string | null
      annotations: Record<string, string>
    }[]
  >
}

/** What the export service is built from. */
export interface ExportServiceDeps extends ExportDeps {
  ecr: ExportEcr
  /** Where unfinished exports are looked for. */
  downloadFolder: () => Promise<string>
}

/** One "Save image…" request, as the contract parses it. */
export type SaveImageRequest = Omit<ExportRequest, 'repositoryUri'> & { registryId?: string }

/** "Save image…" and "Verify a layout…": the exporter, fed by ECR. */
export class ExportService {
  private readonly exporter: ImageExporter
  /** "Verify a layout…": progress events with a rate; not in the taskbar's progress. */
  private readonly checks: OperationKind<ExportProgress>

  constructor(private readonly deps: ExportServiceDeps) {
    this.exporter = new ImageExporter(deps)
    this.checks = {
      emit: deps.emit,
      prepare: (progress, { bytesPerSecond }) => ({ ...progress, bytesPerSecond }),
    }
  }

  /** Saves one image into an OCI layout or docker-archive at `target`. */
  async save(request: SaveImageRequest): Promise<ExportResult> {
    const image = {
      ...(request.registryId ? { registryId: request.registryId } : {}),
      repositoryName: request.repositoryName,
    }
    const repositoryUri =
      request.format === 'docker-archive'
        ? (await this.deps.ecr.describeRepository(image)).repositoryUri || request.repositoryName
        : request.repositoryName
    return this.exporter.save(
      {
        manifest: (ref) => this.deps.ecr.getManifest({ ...image, ...ref }),
        getUrl: (digest) => this.deps.ecr.downloadUrl(image, digest),
        referrers: (digest) => this.deps.ecr.listReferrers({ ...image, imageDigest: digest }),
      },
      { ...request, repositoryUri },
    )
  }

  /**
   * "Verify a layout…": checks any OCI layout folder or tar, every blob re-hashed, as an operation
   * of its own (progress as `export:progress` in the phase 'verifying', cancel by its id).
   */
  verify(path: string, operationId?: string): Promise<LayoutCheck> {
    return this.deps.operations.run(
      this.checks,
      {
        ...(operationId ? { id: operationId } : {}),
        progress: {
          phase: 'verifying',
          receivedBytes: 0,
          totalBytes: null,
          blobsDone: 0,
          blobsTotal: 0,
          inFlight: [],
          bytesPerSecond: 0,
        },
      },
      (operation) =>
        verifyLayout(path, {
          signal: operation.signal,
          onBytes: (done, total) => operation.report({ receivedBytes: done, totalBytes: total }),
          onBlob: (checked) => operation.report({ blobsDone: checked }),
        }),
    )
  }

  /**
   * The `export:` channels. The target of a save and the layout to verify are honoured only if the
   * user chose them (`paths`, the gate for paths from the renderer).
   */
  handlers(paths: Pick<UserPaths, 'check'>): HandlersOf<'export'> {
    return {
      'export:save-image': async (request) => {
        await paths.check(request.target, 'target', 'folder')
        return this.save(request)
      },
      'export:verify-layout': async ({ path, operationId }) => {
        await paths.check(path, 'path', 'file')
        return this.verify(path, operationId)
      },
      'export:list-unfinished': () => this.listUnfinished(),
    }
  }

  /** Exports left unfinished in the download folder: folders still holding the export marker. */
  async listUnfinished(): Promise<UnfinishedExport[]> {
    const folder = await this.deps.downloadFolder()
    let names: string[]
    try {
      names = await readdir(folder)
    } catch {
      return []
    }
    const found: UnfinishedExport[] = []
    for (const name of names) {
      const path = join(folder, name)
      if (!(await lstatOrNull(path))?.isDirectory()) continue
      const marker = await readMarker(join(path, MARKER))
      if (!marker) continue
      const tar = marker.format !== 'oci-dir' && name.endsWith('.export')
      found.push({
        path: tar ? path.slice(0, -'.export'.length) : path,
        format: marker.format,
        repositoryName: marker.repositoryName,
        reference: marker.reference,
        platform: marker.platform,
        includeReferrers: marker.includeReferrers,
        blobsPresent: await countBlobs(path),
      })
    }
    return found
  }
}

async function countBlobs(root: string): Promise<number> {
  let count = 0
  for (const algorithm of await readdir(join(root, 'blobs')).catch(() => [] as string[])) {
    const names = await readdir(join(root, 'blobs', algorithm)).catch(() => [] as string[])
    count += names.filter((n) => !n.includes('.')).length
  }
  return count
}
