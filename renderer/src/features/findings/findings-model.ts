import type { Finding, ImageFindings, PlatformScan } from '../../../../shared/models/findings'
import { SEVERITIES } from '../../../../shared/models/findings'

/** One row of the findings table: a finding of one platform's scan. */
export interface FindingRow {
  /** Unique within an image: platform, id and first package. */
  key: string
  platform: string | null
  finding: Finding
}

/** What the findings table filters on; empty sets mean "all". */
export interface FindingsFilter {
  search: string
  severities: ReadonlySet<string>
  fixAvailable: ReadonlySet<'YES' | 'NO' | 'PARTIAL' | 'UNKNOWN'>
  packageManagers: ReadonlySet<string>
  /** Only findings a package of which comes from this layer digest. */
  layer: string | null
}

export const NO_FILTER: FindingsFilter = {
  search: '',
  severities: new Set(),
  fixAvailable: new Set(),
  packageManagers: new Set(),
  layer: null,
}

export type SortKey = 'severity' | 'score' | 'id' | 'package' | 'firstObservedAt' | 'lastObservedAt'

/** The rows of every scan, keyed stably. */
export function findingRows(findings: ImageFindings): FindingRow[] {
  return findings.scans.flatMap((scan) =>
    scan.findings.map((finding) => ({
      key: `${scan.platform ?? ''}|${finding.id}|${finding.packages[0]?.name ?? ''}`,
      platform: scan.platform,
      finding,
    })),
  )
}

/** A severity's rank: 0 is CRITICAL; unknown severities sort last. */
export function severityRank(severity: string): number {
  const at = (SEVERITIES as readonly string[]).indexOf(severity)
  return at === -1 ? SEVERITIES.length : at
}

/** Applies the filter: search matches id, title, package names and file paths, case-insensitively. */
export function filterRows(rows: readonly FindingRow[], filter: FindingsFilter): FindingRow[] {
  const needle = filter.search.trim().toLowerCase()
  return rows.filter(({ finding: f }) => {
    if (filter.severities.size > 0 && !filter.severities.has(f.severity)) return false
    if (filter.fixAvailable.size > 0 && !filter.fixAvailable.has(f.fixAvailable ?? 'UNKNOWN')) {
      return false
    }
    if (
      filter.packageManagers.size > 0 &&
      !f.packages.some((p) => p.packageManager && filter.packageManagers.has(p.packageManager))
    ) {
      return false
    }
    if (filter.layer !== null && !f.packages.some((p) => p.sourceLayerHash === filter.layer)) {
      return false
    }
    if (needle === '') return true
    const haystack = [
      f.id,
      f.title ?? '',
      ...f.packages.flatMap((p) => [p.name, p.filePath ?? '', p.version ?? '']),
    ]
      .join('\n')
      .toLowerCase()
    return haystack.includes(needle)
  })
}

/** Sorts rows; ties fall back to severity, then id, so the order is stable. */
export function sortRows(
  rows: readonly FindingRow[],
  key: SortKey,
  direction: 'asc' | 'desc',
): FindingRow[] {
  const value = (r: FindingRow): string | number => {
    const f = r.finding
    switch (key) {
      case 'severity':
        return severityRank(f.severity)
      case 'score':
        return f.score ?? -1
      case 'id':
        return f.id
      case 'package':
        return f.packages[0]?.name ?? ''
      case 'firstObservedAt':
        return f.firstObservedAt ?? ''
      case 'lastObservedAt':
        return f.lastObservedAt ?? ''
    }
  }
  const sign = direction === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const va = value(a)
    const vb = value(b)
    if (va < vb) return -sign
    if (va > vb) return sign
    return (
      severityRank(a.finding.severity) - severityRank(b.finding.severity) ||
      (a.finding.id < b.finding.id ? -1 : a.finding.id > b.finding.id ? 1 : 0)
    )
  })
}

/** Severity counts of the findings each layer introduced (by `sourceLayerHash`), per layer digest. */
export function findingsPerLayer(scan: PlatformScan): Map<string, Partial<Record<string, number>>> {
  const perLayer = new Map<string, Partial<Record<string, number>>>()
  for (const f of scan.findings) {
    const layers = new Set(
      f.packages.flatMap((p) => (p.sourceLayerHash ? [p.sourceLayerHash] : [])),
    )
    for (const layer of layers) {
      const counts = perLayer.get(layer) ?? {}
      counts[f.severity] = (counts[f.severity] ?? 0) + 1
      perLayer.set(layer, counts)
    }
  }
  return perLayer
}

/** The findings naming a file, per normalised path (no leading slash), for the file tree's badges. */
export function findingsPerPath(scan: PlatformScan): Map<string, Finding[]> {
  const perPath = new Map<string, Finding[]>()
  for (const f of scan.findings) {
    for (const p of f.packages) {
      if (!p.filePath) continue
      const path = normalisePath(p.filePath)
      const list = perPath.get(path) ?? []
      if (!list.includes(f)) list.push(f)
      perPath.set(path, list)
    }
  }
  return perPath
}

/** A layer path without leading `/` or `./`, as layer indexes list it. */
export function normalisePath(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '')
}

/**
 * What became of a finding's file in the final image, given the layers in order and, per layer,
 * whether it deletes (whiteout) or adds the path: 'present', or which later layer removed or
 * replaced it, which means the finding may no longer apply to the final image.
 */
export function fileFate(
  layers: readonly string[],
  sourceLayer: string,
  changes: (layer: string) => 'deleted' | 'replaced' | null,
): { fate: 'present' } | { fate: 'deleted' | 'replaced'; layer: string; index: number } {
  const from = layers.indexOf(sourceLayer)
  let last: { fate: 'deleted' | 'replaced'; layer: string; index: number } | null = null
  for (let i = from + 1; i < layers.length; i++) {
    const layer = layers[i]!
    const change = changes(layer)
    if (change) last = { fate: change, layer, index: i }
  }
  return last ?? { fate: 'present' }
}

/** How two tags' findings differ: by vulnerability id and package name. */
export interface FindingsComparison {
  /** In the older image, gone from the newer one: fixed (or removed) in the newer tag. */
  fixed: FindingRow[]
  /** New in the newer image. */
  added: FindingRow[]
  /** In both. */
  kept: FindingRow[]
}

const identity = (r: FindingRow) =>
  `${r.platform ?? ''}|${r.finding.id}|${r.finding.packages
    .map((p) => p.name)
    .sort()
    .join(',')}`

/** Compares the findings of an older image with a newer one. */
export function compareFindings(older: ImageFindings, newer: ImageFindings): FindingsComparison {
  const a = findingRows(older)
  const b = findingRows(newer)
  const inNewer = new Set(b.map(identity))
  const inOlder = new Set(a.map(identity))
  return {
    fixed: a.filter((r) => !inNewer.has(identity(r))),
    added: b.filter((r) => !inOlder.has(identity(r))),
    kept: b.filter((r) => inOlder.has(identity(r))),
  }
}

// Table cells must not break out of their column or row: pipes and newlines are escaped.
const mdCell = (text: string) =>
  text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*[\r\n]+\s*/g, ' ')

/** The selected findings as a Markdown table, for a ticket. */
export function findingsMarkdown(
  rows: readonly FindingRow[],
  layerName: (digest: string) => string,
): string {
  const header = [
    '| Severity | Score | Vulnerability | Package | Installed | Fixed in | File | Layer |',
    '|---|---|---|---|---|---|---|---|',
  ]
  const lines = rows.flatMap(({ finding: f }) => {
    const packages = f.packages.length > 0 ? f.packages : [null]
    return packages.map((p) =>
      [
        f.severity,
        f.score === null ? '' : String(f.score),
        f.url ? `[${mdCell(f.id)}](${f.url.replace(/[()\s]/g, encodeURIComponent)})` : mdCell(f.id),
        mdCell(p?.name ?? ''),
        mdCell(p?.version ? (p.release ? `${p.version}-${p.release}` : p.version) : ''),
        mdCell(p?.fixedInVersion ?? ''),
        p?.filePath ? `\`${mdCell(p.filePath).replace(/`/g, "'")}\`` : '',
        p?.sourceLayerHash ? mdCell(layerName(p.sourceLayerHash)) : '',
      ].join(' | '),
    )
  })
  return [...header, ...lines.map((l) => `| ${l} |`)].join('\n') + '\n'
}

/** An image of the repository the findings can be compared with: one of its tags. */
export interface CompareCandidate {
  tag: string
  digest: string
  pushedAt: string | null
}

/** The parts of a DescribeImages entry the choice of the other image needs. */
interface ListedImage {
  digest: string
  tags: readonly string[]
  pushedAt: string | null
  artifactMediaType: string | null
  subjectDigest: string | null
}

const IMAGE_CONFIGS = new Set([
  'application/vnd.docker.container.image.v1+json',
  'application/vnd.oci.image.config.v1+json',
])

// "1.2.3", "v2", "3.19-alpine": a version, then anything; the prefix and the count of numbers must
// match for two tags to be versions of the same line (1.0 and 1.1, not 1.0 and 2024.01.05).
const VERSION = /^(v?)(\d+(?:\.\d+)*)(.*)$/

function versionOf(tag: string): { shape: string; numbers: number[] } | null {
  const m = VERSION.exec(tag)
  if (!m) return null
  const numbers = m[2]!.split('.').map(Number)
  return { shape: `${m[1]}|${numbers.length}|${m[3]}`, numbers }
}

function compareNumbers(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/**
 * The tags of the repository's other images, newest push first (signatures, SBOMs and other
 * artifacts left out), and which to compare with by default: the next version of this image's
 * version tag (1.0 → 1.1), else the image pushed next after it; when there is no newer one, the
 * previous version, so the page can still say what this image fixed. `newer` says which it is.
 */
export function compareCandidates(
  images: readonly ListedImage[],
  self: { digest: string; tags: readonly string[]; pushedAt: string | null },
): { candidates: CompareCandidate[]; suggested: CompareCandidate | null; newer: boolean } {
  const candidates = images
    .filter(
      (i) =>
        i.digest !== self.digest &&
        i.subjectDigest === null &&
        (i.artifactMediaType === null || IMAGE_CONFIGS.has(i.artifactMediaType)),
    )
    .flatMap((i) =>
      i.tags
        .filter((tag) => !self.tags.includes(tag))
        .map((tag) => ({ tag, digest: i.digest, pushedAt: i.pushedAt })),
    )
    .sort(
      (a, b) => (b.pushedAt ?? '').localeCompare(a.pushedAt ?? '') || a.tag.localeCompare(b.tag),
    )
  const versions = self.tags.flatMap((tag) => {
    const v = versionOf(tag)
    return v ? [v] : []
  })
  const mine = versions[0]
  if (mine) {
    const line = candidates.flatMap((c) => {
      const v = versionOf(c.tag)
      return v && v.shape === mine.shape ? [{ c, d: compareNumbers(v.numbers, mine.numbers) }] : []
    })
    const next = line
      .filter((x) => x.d > 0)
      .sort((a, b) => compareNumbers(versionOf(a.c.tag)!.numbers, versionOf(b.c.tag)!.numbers))[0]
    if (next) return { candidates, suggested: next.c, newer: true }
    const previous = line
      .filter((x) => x.d < 0)
      .sort((a, b) => compareNumbers(versionOf(b.c.tag)!.numbers, versionOf(a.c.tag)!.numbers))[0]
    if (previous) return { candidates, suggested: previous.c, newer: false }
  }
  const after = candidates
    .filter((c) => self.pushedAt !== null && c.pushedAt !== null && c.pushedAt > self.pushedAt)
    .sort((a, b) => a.pushedAt!.localeCompare(b.pushedAt!))[0]
  return after
    ? { candidates, suggested: after, newer: true }
    : { candidates, suggested: null, newer: false }
}

/** Whether a candidate is newer than this image: by version when both tags are of one line, else by push. */
export function isNewerThan(
  candidate: CompareCandidate,
  self: { tags: readonly string[]; pushedAt: string | null },
): boolean {
  const other = versionOf(candidate.tag)
  const mine = self.tags.map(versionOf).find((v) => v && other && v.shape === other.shape)
  if (other && mine) return compareNumbers(other.numbers, mine.numbers) > 0
  return (candidate.pushedAt ?? '') > (self.pushedAt ?? '')
}

/** What the final image holds at a path, as the merged filesystem lists it. */
interface MergedPath {
  path: string
  change: string
  /** The layer (0-based) of the version listed: for a deleted path, the one that wrote it last. */
  layer: number
  deletedBy?: number
}

/**
 * Whether a later layer deleted or replaced a finding's file, in words, given the layer (0-based)
 * that brought the package in; null when the final image still holds that layer's file.
 */
export function fateSentence(entry: MergedPath, sourceIndex: number): string | null {
  if (
    entry.change === 'deleted' &&
    entry.deletedBy !== undefined &&
    entry.deletedBy > sourceIndex
  ) {
    return `Layer ${entry.deletedBy + 1} deletes this file: the finding may no longer apply to the final image.`
  }
  if (sourceIndex !== -1 && entry.layer > sourceIndex) {
    return `Layer ${entry.layer + 1} replaces this file: the finding may no longer apply to the final image.`
  }
  return null
}

/** The findings that name one path of an image, for the file tree's badge and the file's details. */
export interface PathFindings {
  count: number
  /** The most severe of them (CRITICAL, HIGH…). */
  worst: string
  /** Most severe first. */
  findings: { id: string; severity: string; key: string }[]
  /** Set when a later layer deleted or replaced the file (see fateSentence). */
  caveat: string | null
}

/**
 * Per normalised path, the findings that name it, with the caveat when a later layer of the
 * merged filesystem deleted or replaced the file the finding's layer brought in.
 */
export function pathFindings(
  scan: PlatformScan,
  layers: readonly { digest: string }[],
  merged: readonly MergedPath[],
): Map<string, PathFindings> {
  const rows = findingRows({ imageDigest: scan.imageDigest, isIndex: false, scans: [scan] })
  const keyOf = new Map(rows.map((r) => [r.finding, r.key]))
  const entries = new Map(merged.map((e) => [normalisePath(e.path), e]))
  const result = new Map<string, PathFindings>()
  for (const [path, findings] of findingsPerPath(scan)) {
    const sorted = [...findings].sort(
      (a, b) => severityRank(a.severity) - severityRank(b.severity) || (a.id < b.id ? -1 : 1),
    )
    const entry = entries.get(path)
    let caveat: string | null = null
    if (entry) {
      for (const f of sorted) {
        for (const p of f.packages) {
          if (!p.filePath || normalisePath(p.filePath) !== path || !p.sourceLayerHash) continue
          caveat ??= fateSentence(
            entry,
            layers.findIndex((l) => l.digest === p.sourceLayerHash),
          )
        }
      }
    }
    result.set(path, {
      count: sorted.length,
      worst: sorted[0]!.severity,
      findings: sorted.map((f) => ({ id: f.id, severity: f.severity, key: keyOf.get(f) ?? '' })),
      caveat,
    })
  }
  return result
}
