import { createHash } from 'node:crypto'
import { AwsError } from '../aws-error'
import type { ImageRecord } from '../images'
import { basicFindingsForCounts, severityCounts } from '../scan-report'
import type { BasicFindingRecord, EnhancedFindingRecord, ScanReport } from '../scan-report'
import { imageIdText, imageMembers, repositoryArn } from './common'
import { DEFAULT_PAGE_SIZE, nextTokenMember, pageRange } from './paging'
import { epochSeconds } from './types'
import type { EcrOperation, OperationContext } from './types'
import { Constraints, optionalInteger, optionalString } from './validate'

/** Statuses whose scan has findings to list; the others answer the status alone. */
const WITH_FINDINGS = new Set(['COMPLETE', 'ACTIVE'])

/** The report to list: the sample's own, or basic findings that match its summary's counts. */
function reportOf(image: ImageRecord): ScanReport | undefined {
  const scan = image.scan
  if (!scan || !WITH_FINDINGS.has(scan.status.status)) return undefined
  if (scan.report) return scan.report
  if (!scan.findings) return undefined
  return {
    imageScanCompletedAt: scan.findings.imageScanCompletedAt,
    vulnerabilitySourceUpdatedAt: scan.findings.vulnerabilitySourceUpdatedAt,
    basic: basicFindingsForCounts(scan.findings.findingSeverityCounts, image.imageDigest),
  }
}

function enhancedWire(
  f: EnhancedFindingRecord,
  image: ImageRecord,
  ctx: OperationContext,
  registryId: string,
): Record<string, unknown> {
  const id = createHash('sha256').update(`${image.imageDigest}:${f.vulnerabilityId}`).digest('hex')
  return {
    awsAccountId: registryId,
    description: f.description,
    findingArn: `arn:aws:inspector2:${ctx.region}:${registryId}:finding/${id.slice(0, 32)}`,
    firstObservedAt: epochSeconds(f.firstObservedAt),
    lastObservedAt: epochSeconds(f.lastObservedAt),
    updatedAt: epochSeconds(f.lastObservedAt),
    packageVulnerabilityDetails: {
      cvss: [{ ...f.cvss }],
      referenceUrls: [...f.referenceUrls],
      relatedVulnerabilities: [],
      source: f.source,
      sourceUrl: f.sourceUrl,
      vendorCreatedAt: epochSeconds(f.vendorCreatedAt),
      vendorSeverity: f.vendorSeverity,
      vulnerabilityId: f.vulnerabilityId,
      vulnerablePackages: f.packages.map((p) => ({ ...p })),
    },
    remediation: { recommendation: { text: f.remediation } },
    resources: [
      {
        details: {
          awsEcrContainerImage: {
            imageHash: image.imageDigest,
            ...(image.imageTags.length > 0 ? { imageTags: [...image.imageTags] } : {}),
            pushedAt: epochSeconds(image.imagePushedAt),
            registry: registryId,
            repositoryName: image.repositoryName,
          },
        },
        id: `arn:aws:ecr:${ctx.region}:${registryId}:repository/${image.repositoryName}/${image.imageDigest}`,
        type: 'AWS_ECR_CONTAINER_IMAGE',
      },
    ],
    score: f.score,
    scoreDetails: {
      cvss: {
        adjustments: [],
        score: f.cvss.baseScore,
        scoreSource: f.cvss.source,
        scoringVector: f.cvss.scoringVector,
        version: f.cvss.version,
      },
    },
    severity: f.severity,
    status: f.status,
    title: f.title,
    type: 'PACKAGE_VULNERABILITY',
    fixAvailable: f.fixAvailable,
    exploitAvailable: f.exploitAvailable,
  }
}

/**
 * DescribeImageScanFindings: an image's scan status and, once a scan has completed (basic) or is
 * active (enhanced), its findings in pages of 1–1000. An image never scanned is ScanNotFound.
 */
export const describeImageScanFindings: EcrOperation = {
  action: 'ecr:DescribeImageScanFindings',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { repositoryName, find } = imageMembers(input, constraints)
    const nextToken = optionalString(input, 'nextToken')
    const maxResults = optionalInteger(input, 'maxResults')
    constraints.range('maxResults', maxResults, 1, 1000).check()
    const { repository, image, imageId } = find(ctx)
    const scan = image.scan
    if (!scan) {
      throw new AwsError(
        'ScanNotFoundException',
        `Image scan does not exist for the image with '${imageIdText(imageId)}' in the repository with name '${repositoryName}' in the registry with id '${repository.registryId}'`,
      )
    }
    const head = {
      registryId: repository.registryId,
      repositoryName,
      imageId: {
        imageDigest: image.imageDigest,
        ...(imageId.imageTag === undefined ? {} : { imageTag: imageId.imageTag }),
      },
      imageScanStatus: { ...scan.status },
    }
    const report = reportOf(image)
    if (!report) return head
    const total = report.enhanced?.length ?? report.basic?.length ?? 0
    const page = pageRange(total, {
      scope: `DescribeImageScanFindings:${repository.registryId}:${repositoryName}:${image.imageDigest}`,
      maxResults: maxResults ?? DEFAULT_PAGE_SIZE,
      nextToken,
    })
    const basic = (f: BasicFindingRecord) => ({
      ...f,
      attributes: f.attributes.map((a) => ({ ...a })),
    })
    return {
      ...head,
      imageScanFindings: {
        imageScanCompletedAt: epochSeconds(report.imageScanCompletedAt),
        vulnerabilitySourceUpdatedAt: epochSeconds(report.vulnerabilitySourceUpdatedAt),
        findingSeverityCounts: severityCounts(report),
        ...(report.enhanced
          ? {
              enhancedFindings: report.enhanced
                .slice(page.start, page.end)
                .map((f) => enhancedWire(f, image, ctx, repository.registryId)),
            }
          : { findings: (report.basic ?? []).slice(page.start, page.end).map(basic) }),
      },
      ...nextTokenMember(page.nextToken),
    }
  },
}
