import type { FindingsExport, ImageFindings } from '../../../shared/models/findings'
import { FINDINGS_CSV_COLUMNS } from '../../../shared/models/findings'
import { writeFileAtomic } from '../fs/safe-file'
import { shortHex } from '../../../shared/digest'

type Column = (typeof FINDINGS_CSV_COLUMNS)[number]

// A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with a quote:
// finding text comes from outside and is not trusted to stay text.
const FORMULA = /^[=+\-@\t\r]/

function cell(value: string | number | null): string {
  if (value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && FORMULA.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** The findings as CSV (RFC 4180, CRLF): one row per finding and affected package. */
export function findingsCsv(findings: ImageFindings): string {
  const rows: string[] = [FINDINGS_CSV_COLUMNS.join(',')]
  for (const scan of findings.scans) {
    for (const f of scan.findings) {
      const packages = f.packages.length > 0 ? f.packages : [null]
      for (const p of packages) {
        const values: Record<Column, string | number | null> = {
          platform: scan.platform,
          vulnerabilityId: f.id,
          severity: f.severity,
          score: f.score,
          cvssVector: f.cvss?.vector ?? null,
          cvssSource: f.cvss?.source ?? null,
          package: p?.name ?? null,
          installedVersion: p?.version
            ? p.release
              ? `${p.version}-${p.release}`
              : p.version
            : null,
          fixedInVersion: p?.fixedInVersion ?? null,
          packageManager: p?.packageManager ?? null,
          filePath: p?.filePath ?? null,
          sourceLayerHash: p?.sourceLayerHash ?? null,
          fixAvailable: f.fixAvailable,
          exploitAvailable: f.exploitAvailable,
          status: f.status,
          firstObservedAt: f.firstObservedAt,
          lastObservedAt: f.lastObservedAt,
          url: f.url,
        }
        rows.push(FINDINGS_CSV_COLUMNS.map((c) => cell(values[c])).join(','))
      }
    }
  }
  return `${rows.join('\r\n')}\r\n`
}

/**
 * The findings as JSON in the API's own shape: DescribeImageScanFindings' answer with every page
 * merged, one per platform child for an index (`{ "manifests": [...] }`).
 */
export function findingsJson(findings: ImageFindings): string {
  const answers = findings.scans.map((s) =>
    findings.isIndex ? { platform: s.platform, ...(s.api ?? {}) } : (s.api ?? {}),
  )
  const body = findings.isIndex
    ? { imageDigest: findings.imageDigest, manifests: answers }
    : answers[0]
  return `${JSON.stringify(body ?? {}, null, 2)}\n`
}

/** A file name for an image's findings: the repository and a short digest, nothing from outside unchecked. */
export function findingsFileName(
  repositoryName: string,
  imageDigest: string,
  format: 'csv' | 'json',
): string {
  const repo = repositoryName.replace(/[^a-z0-9._-]+/g, '_')
  const short = shortHex(imageDigest)
  return `${repo}_${short}_findings.${format}`
}

/** Writes an export through the safe path: a temporary file, fsync, rename over the target. */
export async function writeFindings(
  path: string,
  findings: ImageFindings,
  format: 'csv' | 'json',
  options: { createFolder?: boolean } = {},
): Promise<FindingsExport> {
  const text = format === 'csv' ? findingsCsv(findings) : findingsJson(findings)
  await writeFileAtomic(path, text, { mode: 0o644, createFolder: options.createFolder ?? false })
  const rows = findings.scans.reduce((n, s) => n + s.findings.length, 0)
  return { path, bytes: Buffer.byteLength(text, 'utf8'), rows }
}
