import { join } from 'node:path'
import {
  DescribeImageScanFindingsCommand,
  type DescribeImageScanFindingsResponse,
  type EnhancedImageScanFinding,
  type ImageScanFinding,
} from '@aws-sdk/client-ecr'
import type { ErrorCode } from '../../../shared/errors'
import { AppErrorException, type AppError } from '../../../shared/ipc/result'
import {
  SCAN_STATUSES,
  type Finding,
  type FindingsExport,
  type FindingPackage,
  type ImageFindings,
  type PlatformScan,
  type ScanCounts,
  type ScanStatus,
} from '../../../shared/models/findings'
import type { ImageManifest } from '../../../shared/models/image'
import { aws } from '../aws/aws-errors'
import type { HandlersFor, HandlersOf } from '../ipc/handlers'
import type { DownloadFolder } from './download-folder'
import type { EcrTarget, ScanChannel } from './ecr-service'
import { findingsFileName, writeFindings } from './findings-export'
import type { UserPaths } from './user-paths'

interface ImageRequest {
  registryId?: string
  repositoryName: string
  imageDigest: string
}

/** The statuses whose scan lists findings; every other one is explained by its catalog entry. */
const STATUS_PROBLEM: Partial<Record<ScanStatus, ErrorCode>> = {
  IN_PROGRESS: 'ScanInProgress',
  FAILED: 'ScanFailed',
  UNSUPPORTED_IMAGE: 'ScanUnsupportedImage',
  PENDING: 'ScanPending',
  SCAN_ELIGIBILITY_EXPIRED: 'ScanEligibilityExpired',
  FINDINGS_UNAVAILABLE: 'ScanFindingsUnavailable',
  LIMIT_EXCEEDED: 'ScanLimitExceeded',
  IMAGE_ARCHIVED: 'ScanImageArchived',
}

const PAGE_SIZE = 1000
// A runaway nextToken loop stops here: 200 pages is 200,000 findings, far past any real image.
const MAX_PAGES = 200

/** DescribeImageScanFindings, every page, per platform child of an index. */
export class FindingsService {
  constructor(
    private readonly target: () => Promise<EcrTarget>,
    /** The manifest of an image, to find the children of an index. */
    private readonly manifest: (request: ImageRequest) => Promise<ImageManifest>,
    /** Findings per call, 1–1000; the largest page is the fewest calls. */
    private readonly pageSize = PAGE_SIZE,
  ) {}

  /**
   * Writes an image's findings as CSV or JSON through the safe write path: into the download
   * folder (the app's own to create) when no path is given, else to a path the user chose, whose
   * folder must exist.
   */
  async exportFindings(
    request: ImageRequest & { format: 'csv' | 'json'; path?: string },
    where: { paths: Pick<UserPaths, 'check'>; folder: Pick<DownloadFolder, 'path'> },
  ): Promise<FindingsExport> {
    const { format, path, ...image } = request
    const inDownloads = path === undefined
    const target = inDownloads
      ? join(
          await where.folder.path(),
          findingsFileName(image.repositoryName, image.imageDigest, format),
        )
      : await where.paths.check(path, 'path', 'file')
    return writeFindings(target, await this.imageFindings(image), format, {
      createFolder: inDownloads,
    })
  }

  /** The `findings:` channels; `where` is the path gate and the download folder. */
  handlers(where: {
    paths: Pick<UserPaths, 'check'>
    folder: Pick<DownloadFolder, 'path'>
  }): HandlersOf<'findings'> {
    return {
      'findings:export': (request) => this.exportFindings(request, where),
    }
  }

  /** The `ecr:` channels of scan findings (DescribeImageScanFindings), answered here. */
  scanHandlers(): HandlersFor<ScanChannel> {
    return {
      'ecr:scan-findings': (request) => this.imageFindings(request),
      'ecr:scan-counts': (request) => this.counts(request),
    }
  }

  /** The findings of an image; for an index, of each runnable platform child. */
  async imageFindings(request: ImageRequest): Promise<ImageFindings> {
    const manifest = await this.manifest(request)
    if (manifest.kind === 'image') {
      return {
        imageDigest: request.imageDigest,
        isIndex: false,
        scans: [await this.scan(request, null)],
      }
    }
    const children = manifest.platforms.filter((p) => !p.attestation)
    const scans = await Promise.all(
      children.map((p) =>
        this.scan(
          { ...request, imageDigest: p.digest },
          [p.os ?? 'unknown', p.architecture ?? 'unknown', ...(p.variant ? [p.variant] : [])].join(
            '/',
          ),
        ),
      ),
    )
    return { imageDigest: request.imageDigest, isIndex: true, scans }
  }

  /**
   * One image manifest's findings by severity. The first page's `findingSeverityCounts` covers
   * every finding, so one call of one finding is enough; only without it are all pages counted.
   */
  async counts(request: ImageRequest): Promise<ScanCounts> {
    const { client, registryId } = await this.target()
    let first: DescribeImageScanFindingsResponse
    try {
      first = await aws(
        client.send(
          new DescribeImageScanFindingsCommand({
            registryId: request.registryId ?? registryId,
            repositoryName: request.repositoryName,
            imageId: { imageDigest: request.imageDigest },
            maxResults: 1,
          }),
        ),
      )
    } catch (error) {
      if (error instanceof AppErrorException && error.error.code === 'ScanNotFound') {
        return {
          imageDigest: request.imageDigest,
          status: null,
          counts: {},
          problem: aboutImage(error.error, request),
        }
      }
      throw error
    }
    const summary = first.imageScanFindings?.findingSeverityCounts
    const scan = toScan(request.imageDigest, null, [first])
    if (summary || scan.problem || !first.nextToken) {
      const counts: Partial<Record<string, number>> = summary
        ? { ...summary }
        : tally(scan.findings)
      return {
        imageDigest: request.imageDigest,
        status: scan.status,
        counts,
        problem: scan.problem && aboutImage(scan.problem, request),
      }
    }
    const all = await this.scan(request, null)
    return {
      imageDigest: request.imageDigest,
      status: all.status,
      counts: tally(all.findings),
      problem: all.problem,
    }
  }

  /** Every page of DescribeImageScanFindings for one image manifest. */
  async scan(request: ImageRequest, platform: string | null): Promise<PlatformScan> {
    const { client, registryId } = await this.target()
    const pages: DescribeImageScanFindingsResponse[] = []
    let nextToken: string | undefined
    try {
      do {
        const out = await aws(
          client.send(
            new DescribeImageScanFindingsCommand({
              registryId: request.registryId ?? registryId,
              repositoryName: request.repositoryName,
              imageId: { imageDigest: request.imageDigest },
              maxResults: this.pageSize,
              nextToken,
            }),
          ),
        )
        pages.push(out)
        nextToken = out.nextToken
      } while (nextToken && pages.length < MAX_PAGES)
    } catch (error) {
      if (error instanceof AppErrorException && error.error.code === 'ScanNotFound') {
        return notScanned(request.imageDigest, platform, aboutImage(error.error, request))
      }
      throw error
    }
    const scan = toScan(request.imageDigest, platform, pages)
    return scan.problem ? { ...scan, problem: aboutImage(scan.problem, request) } : scan
  }
}

function tally(findings: readonly Finding[]): Partial<Record<string, number>> {
  const counts: Partial<Record<string, number>> = {}
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1
  return counts
}

/** A scan problem names the image, so the command its catalog entry gives can be run as is. */
function aboutImage(problem: AppError, image: ImageRequest): AppError {
  return { ...problem, repositoryName: image.repositoryName, imageDigest: image.imageDigest }
}

function notScanned(imageDigest: string, platform: string | null, problem: AppError): PlatformScan {
  return {
    imageDigest,
    platform,
    status: null,
    statusDescription: null,
    problem,
    completedAt: null,
    sourceUpdatedAt: null,
    severityCounts: {},
    findings: [],
    api: null,
  }
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null)

function toScan(
  imageDigest: string,
  platform: string | null,
  pages: readonly DescribeImageScanFindingsResponse[],
): PlatformScan {
  const first = pages[0]
  const rawStatus = first?.imageScanStatus?.status
  const status = (SCAN_STATUSES as readonly string[]).includes(rawStatus ?? '')
    ? (rawStatus as ScanStatus)
    : null
  const description = first?.imageScanStatus?.description ?? null
  const basic = pages.flatMap((p) => p.imageScanFindings?.findings ?? [])
  const enhanced = pages.flatMap((p) => p.imageScanFindings?.enhancedFindings ?? [])
  const summary = first?.imageScanFindings
  const code = status ? STATUS_PROBLEM[status] : undefined
  const problem: AppError | null = code
    ? { code, message: description ?? '', awsName: status ?? undefined }
    : null
  const { nextToken: _omit, ...head } = first ?? {}
  void _omit
  const api = first
    ? (JSON.parse(
        JSON.stringify({
          ...head,
          ...(summary
            ? {
                imageScanFindings: {
                  ...summary,
                  ...(summary.findings || basic.length > 0 ? { findings: basic } : {}),
                  ...(summary.enhancedFindings || enhanced.length > 0
                    ? { enhancedFindings: enhanced }
                    : {}),
                },
              }
            : {}),
        }),
      ) as Record<string, unknown>)
    : null
  if (api) delete (api as { $metadata?: unknown }).$metadata
  return {
    imageDigest,
    platform,
    status,
    statusDescription: description,
    problem,
    completedAt: iso(summary?.imageScanCompletedAt),
    sourceUpdatedAt: iso(summary?.vulnerabilitySourceUpdatedAt),
    severityCounts: { ...(summary?.findingSeverityCounts ?? {}) },
    findings: [...enhanced.map(fromEnhanced), ...basic.map(fromBasic)],
    api,
  }
}

function fromEnhanced(f: EnhancedImageScanFinding): Finding {
  const details = f.packageVulnerabilityDetails
  const cvss = f.scoreDetails?.cvss
  const fix = f.fixAvailable
  const exploit = f.exploitAvailable
  return {
    kind: 'enhanced',
    id: details?.vulnerabilityId ?? f.title ?? 'unknown',
    title: f.title ?? null,
    description: f.description ?? null,
    severity: f.severity ?? 'UNDEFINED',
    score: f.score ?? cvss?.score ?? null,
    cvss:
      cvss?.score !== undefined
        ? {
            score: cvss.score,
            vector: cvss.scoringVector ?? null,
            source: cvss.scoreSource ?? null,
            version: cvss.version ?? null,
          }
        : null,
    url: details?.referenceUrls?.[0] ?? details?.sourceUrl ?? null,
    packages: (details?.vulnerablePackages ?? []).map((p): FindingPackage => ({
      name: p.name ?? '',
      version: p.version ?? null,
      release: p.release ?? null,
      epoch: p.epoch ?? null,
      arch: p.arch ?? null,
      packageManager: p.packageManager ?? null,
      filePath: p.filePath ?? null,
      sourceLayerHash: p.sourceLayerHash ?? null,
      fixedInVersion: p.fixedInVersion ?? null,
    })),
    fixAvailable: fix === 'YES' || fix === 'NO' || fix === 'PARTIAL' ? fix : null,
    exploitAvailable: exploit === 'YES' || exploit === 'NO' ? exploit : null,
    status: f.status ?? null,
    firstObservedAt: iso(f.firstObservedAt),
    lastObservedAt: iso(f.lastObservedAt),
    remediation: f.remediation?.recommendation?.text ?? null,
  }
}

function fromBasic(f: ImageScanFinding): Finding {
  const attr = (key: string) => f.attributes?.find((a) => a.key === key)?.value ?? null
  const score3 = attr('CVSS3_SCORE')
  const score2 = attr('CVSS2_SCORE')
  const score = score3 ?? score2
  return {
    kind: 'basic',
    id: f.name ?? 'unknown',
    title: null,
    description: f.description ?? null,
    severity: f.severity ?? 'UNDEFINED',
    score: score === null ? null : Number(score),
    cvss:
      score === null
        ? null
        : {
            score: Number(score),
            vector: score3 !== null ? attr('CVSS3_VECTOR') : attr('CVSS2_VECTOR'),
            source: null,
            version: score3 !== null ? '3' : '2',
          },
    url: f.uri ?? null,
    packages: [
      {
        name: attr('package_name') ?? '',
        version: attr('package_version'),
        release: null,
        epoch: null,
        arch: null,
        packageManager: null,
        filePath: null,
        sourceLayerHash: null,
        fixedInVersion: null,
      },
    ],
    fixAvailable: null,
    exploitAvailable: null,
    status: null,
    firstObservedAt: null,
    lastObservedAt: null,
    remediation: null,
  }
}
