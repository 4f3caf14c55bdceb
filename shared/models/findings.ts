import type { AppError } from '../ipc/result'

/** ECR's ImageScanStatus values, every one the API defines. */
export const SCAN_STATUSES = [
  'IN_PROGRESS',
  'COMPLETE',
  'FAILED',
  'UNSUPPORTED_IMAGE',
  'ACTIVE',
  'PENDING',
  'SCAN_ELIGIBILITY_EXPIRED',
  'FINDINGS_UNAVAILABLE',
  'LIMIT_EXCEEDED',
  'IMAGE_ARCHIVED',
] as const

export type ScanStatus = (typeof SCAN_STATUSES)[number]

/** ECR's FindingSeverity values, most severe first. */
export const SEVERITIES = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'INFORMATIONAL',
  'UNDEFINED',
] as const

/** One package a finding names; enhanced scanning adds the file and the layer that brought it. */
export interface FindingPackage {
  name: string
  version: string | null
  release: string | null
  epoch: number | null
  arch: string | null
  packageManager: string | null
  /** A path inside the layer, as Inspector reports it (no leading slash in the demo registry). */
  filePath: string | null
  /** The digest of the layer that holds `filePath`. */
  sourceLayerHash: string | null
  fixedInVersion: string | null
}

/** One finding, basic or enhanced, in one shape the UI can sort and filter. */
export interface Finding {
  kind: 'basic' | 'enhanced'
  /** The vulnerability id (CVE, GHSA…): `name` for basic findings, `vulnerabilityId` for enhanced. */
  id: string
  title: string | null
  description: string | null
  severity: string
  score: number | null
  cvss: {
    score: number
    vector: string | null
    source: string | null
    version: string | null
  } | null
  /** The reference URL (the advisory), opened only through the allow-listed external-link path. */
  url: string | null
  packages: FindingPackage[]
  fixAvailable: 'YES' | 'NO' | 'PARTIAL' | null
  exploitAvailable: 'YES' | 'NO' | null
  status: string | null
  firstObservedAt: string | null
  lastObservedAt: string | null
  remediation: string | null
}

/** The scan of one image manifest: an image, or one platform child of an index. */
export interface PlatformScan {
  imageDigest: string
  /** `os/architecture[/variant]` for a child of an index; null for a plain image. */
  platform: string | null
  /** Null when the image was never scanned (ScanNotFoundException). */
  status: ScanStatus | null
  statusDescription: string | null
  /** Why there are no findings to show: never scanned, or a status without findings. */
  problem: AppError | null
  completedAt: string | null
  sourceUpdatedAt: string | null
  severityCounts: Partial<Record<string, number>>
  findings: Finding[]
  /**
   * DescribeImageScanFindings' own answer, every page merged into one (timestamps as ISO 8601,
   * as the AWS CLI prints them): what the JSON export writes.
   */
  api: Record<string, unknown> | null
}

/** An image's severity counts only, for the images list (`ecr:scan-counts`). */
export interface ScanCounts {
  imageDigest: string
  status: ScanStatus | null
  /** Findings by severity; empty when the scan has no findings to count (see `problem`). */
  counts: Partial<Record<string, number>>
  /** Never scanned, or a status without findings: the same catalog entry the Findings tab shows. */
  problem: AppError | null
}

/** The findings of an image, per platform child for an index. */
export interface ImageFindings {
  imageDigest: string
  isIndex: boolean
  scans: PlatformScan[]
}

/** The column order of the CSV export. */
export const FINDINGS_CSV_COLUMNS = [
  'platform',
  'vulnerabilityId',
  'severity',
  'score',
  'cvssVector',
  'cvssSource',
  'package',
  'installedVersion',
  'fixedInVersion',
  'packageManager',
  'filePath',
  'sourceLayerHash',
  'fixAvailable',
  'exploitAvailable',
  'status',
  'firstObservedAt',
  'lastObservedAt',
  'url',
] as const

/** Where `findings:export` wrote, how many bytes, and how many findings. */
export interface FindingsExport {
  path: string
  bytes: number
  rows: number
}
