/**
 * What DescribeImageScanFindings lists for an image, as the emulator stores it. Dates stay Dates;
 * the operation renders them as epoch seconds.
 */

/** ECR's FindingSeverity values, most severe first. */
export const FINDING_SEVERITIES = [
  'CRITICAL',
  'HIGH',
  'MEDIUM',
  'LOW',
  'INFORMATIONAL',
  'UNDEFINED',
] as const

/** One basic-scanning finding (`imageScanFindings.findings[]`). */
export interface BasicFindingRecord {
  readonly name: string
  readonly description?: string
  readonly uri?: string
  readonly severity: string
  readonly attributes: readonly { readonly key: string; readonly value?: string }[]
}

/** One package an enhanced finding names (`vulnerablePackages[]`). */
export interface VulnerablePackageRecord {
  readonly name: string
  readonly version: string
  readonly release?: string
  readonly epoch?: number
  readonly arch?: string
  readonly packageManager: string
  readonly filePath?: string
  /** The digest of the layer that holds `filePath`: a real layer of the image. */
  readonly sourceLayerHash?: string
  readonly fixedInVersion?: string
}

/** One Amazon Inspector finding (`imageScanFindings.enhancedFindings[]`). */
export interface EnhancedFindingRecord {
  readonly vulnerabilityId: string
  readonly title: string
  readonly description: string
  readonly severity: string
  readonly score: number
  readonly cvss: {
    readonly baseScore: number
    readonly scoringVector: string
    readonly source: string
    readonly version: string
  }
  readonly source: string
  readonly sourceUrl: string
  readonly referenceUrls: readonly string[]
  readonly vendorSeverity: string
  readonly vendorCreatedAt: Date
  readonly remediation: string
  readonly fixAvailable: 'YES' | 'NO' | 'PARTIAL'
  readonly exploitAvailable: 'YES' | 'NO'
  readonly status: 'ACTIVE' | 'SUPPRESSED' | 'CLOSED'
  readonly firstObservedAt: Date
  readonly lastObservedAt: Date
  readonly packages: readonly VulnerablePackageRecord[]
}

/** The full findings of a completed scan; the summary counts are derived from the lists. */
export interface ScanReport {
  readonly imageScanCompletedAt: Date
  readonly vulnerabilitySourceUpdatedAt: Date
  readonly basic?: readonly BasicFindingRecord[]
  readonly enhanced?: readonly EnhancedFindingRecord[]
}

/** The severity counts of a report, as `findingSeverityCounts` carries them (absent severities omitted). */
export function severityCounts(report: ScanReport): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const f of [...(report.basic ?? []), ...(report.enhanced ?? [])]) {
    counts[f.severity] = (counts[f.severity] ?? 0) + 1
  }
  return counts
}

/**
 * Basic findings that match a summary's counts, for samples that only state counts: the same
 * counts always give the same findings, so DescribeImages and DescribeImageScanFindings agree.
 */
export function basicFindingsForCounts(
  counts: Readonly<Record<string, number>>,
  seed: string,
): BasicFindingRecord[] {
  const findings: BasicFindingRecord[] = []
  let n = 0
  for (const severity of FINDING_SEVERITIES) {
    const count = counts[severity] ?? 0
    for (let i = 0; i < count; i++, n++) {
      const hash = [...`${seed}:${n}`].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
      const id = `CVE-2025-${String(10000 + (hash % 40000)).padStart(5, '0')}`
      findings.push({
        name: id,
        description: `A ${severity.toLowerCase()} vulnerability in package pkg-${n % 7}.`,
        uri: `https://security-tracker.debian.org/tracker/${id}`,
        severity,
        attributes: [
          { key: 'package_version', value: `1.${n % 5}.${n % 3}` },
          { key: 'package_name', value: `pkg-${n % 7}` },
          { key: 'CVSS2_VECTOR', value: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' },
          { key: 'CVSS2_SCORE', value: '7.5' },
        ],
      })
    }
  }
  return findings
}
