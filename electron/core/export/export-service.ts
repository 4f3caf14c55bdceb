import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ExportResult, LayoutCheck, UnfinishedExport } from '../../../shared/models/export'
import type { ImageManifest } from '../../../shared/models/image'
import type { Repository } from '../../../shared/models/repository'
import { lstatOrNull } from '../fs/safe-file'
import { ImageExporter, readMarker, type ExportDeps, type ExportRequest } from './image-export'
import { MARKER } from './layout'
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

  constructor(private readonly deps: ExportServiceDeps) {
    this.exporter = new ImageExporter(deps)
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

  /** Checks any OCI layout folder or tar. */
  verify(path: string): Promise<LayoutCheck> {
    return verifyLayout(path)
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
