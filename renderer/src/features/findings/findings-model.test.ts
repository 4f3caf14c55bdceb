import { describe, expect, it } from 'vitest'
import type {
  Finding,
  FindingPackage,
  ImageFindings,
  PlatformScan,
} from '../../../../shared/models/findings'
import {
  NO_FILTER,
  compareCandidates,
  compareFindings,
  fileFate,
  filterRows,
  findingRows,
  findingsMarkdown,
  findingsPerLayer,
  findingsPerPath,
  isNewerThan,
  pathFindings,
  sortRows,
} from './findings-model'

const L1 = `sha256:${'1'.repeat(64)}`
const L2 = `sha256:${'2'.repeat(64)}`
const L3 = `sha256:${'3'.repeat(64)}`

const pkg = (name: string, extra: Partial<FindingPackage> = {}): FindingPackage => ({
  name,
  version: '1.0',
  release: null,
  epoch: null,
  arch: null,
  packageManager: 'OS',
  filePath: null,
  sourceLayerHash: null,
  fixedInVersion: null,
  ...extra,
})

const finding = (id: string, severity: string, extra: Partial<Finding> = {}): Finding => ({
  kind: 'enhanced',
  id,
  title: `${id} title`,
  description: null,
  severity,
  score: null,
  cvss: null,
  url: `https://nvd.nist.gov/vuln/detail/${id}`,
  packages: [],
  fixAvailable: 'YES',
  exploitAvailable: 'NO',
  status: 'ACTIVE',
  firstObservedAt: null,
  lastObservedAt: null,
  remediation: null,
  ...extra,
})

const scan = (findings: Finding[]): PlatformScan => ({
  imageDigest: 'sha256:0',
  platform: null,
  status: 'ACTIVE',
  statusDescription: null,
  problem: null,
  completedAt: null,
  sourceUpdatedAt: null,
  severityCounts: {},
  findings,
  api: null,
})
const image = (findings: Finding[]): ImageFindings => ({
  imageDigest: 'sha256:0',
  isIndex: false,
  scans: [scan(findings)],
})

const curl = finding('CVE-2023-38545', 'CRITICAL', {
  score: 9.8,
  packages: [pkg('libcurl', { filePath: 'usr/lib/libcurl.so.4', sourceLayerHash: L2 })],
})
const deleted = finding('CVE-2023-46218', 'MEDIUM', {
  score: 6.5,
  packages: [pkg('curl', { filePath: '/usr/bin/curl', sourceLayerHash: L2 })],
})
const lodash = finding('CVE-2021-23337', 'HIGH', {
  score: 7.2,
  fixAvailable: 'PARTIAL',
  packages: [
    pkg('lodash', {
      packageManager: 'NODE',
      filePath: 'app/node_modules/lodash/package.json',
      sourceLayerHash: L3,
    }),
  ],
})
const zlib = finding('CVE-2023-45853', 'CRITICAL', {
  score: 9.8,
  fixAvailable: 'NO',
  packages: [pkg('zlib', { filePath: 'lib/libz.so.1.2.13', sourceLayerHash: L1 })],
})
const all = image([deleted, lodash, curl, zlib])

describe('findings model', () => {
  it('filters by severity, fix available, package manager, layer and search', () => {
    const rows = findingRows(all)
    const ids = (f: Partial<typeof NO_FILTER>) =>
      filterRows(rows, { ...NO_FILTER, ...f }).map((r) => r.finding.id)
    expect(ids({ severities: new Set(['CRITICAL']) })).toEqual(['CVE-2023-38545', 'CVE-2023-45853'])
    expect(ids({ fixAvailable: new Set(['PARTIAL', 'NO']) })).toEqual([
      'CVE-2021-23337',
      'CVE-2023-45853',
    ])
    expect(ids({ packageManagers: new Set(['NODE']) })).toEqual(['CVE-2021-23337'])
    expect(ids({ layer: L2 })).toEqual(['CVE-2023-46218', 'CVE-2023-38545'])
    expect(ids({ search: 'LIBCURL' })).toEqual(['CVE-2023-38545'])
    expect(ids({ search: 'node_modules/lodash' })).toEqual(['CVE-2021-23337'])
  })

  it('sorts by severity, then id; by score descending', () => {
    const rows = findingRows(all)
    expect(sortRows(rows, 'severity', 'asc').map((r) => r.finding.id)).toEqual([
      'CVE-2023-38545',
      'CVE-2023-45853',
      'CVE-2021-23337',
      'CVE-2023-46218',
    ])
    expect(sortRows(rows, 'score', 'desc').map((r) => r.finding.score)).toEqual([
      9.8, 9.8, 7.2, 6.5,
    ])
  })

  it('counts the findings each layer introduced, and indexes them by file path', () => {
    const perLayer = findingsPerLayer(all.scans[0]!)
    expect(perLayer.get(L2)).toEqual({ CRITICAL: 1, MEDIUM: 1 })
    expect(perLayer.get(L1)).toEqual({ CRITICAL: 1 })
    const perPath = findingsPerPath(all.scans[0]!)
    expect(perPath.get('usr/bin/curl')?.map((f) => f.id)).toEqual(['CVE-2023-46218'])
  })

  it('says a later layer deleted or replaced the file, and by which layer', () => {
    const layers = [L1, L2, L3]
    expect(fileFate(layers, L2, (l) => (l === L3 ? 'deleted' : null))).toEqual({
      fate: 'deleted',
      layer: L3,
      index: 2,
    })
    expect(fileFate(layers, L2, () => null)).toEqual({ fate: 'present' })
    // A change before the source layer does not count.
    expect(fileFate(layers, L2, (l) => (l === L1 ? 'deleted' : null))).toEqual({ fate: 'present' })
  })

  it('compares two tags: fixed, added and kept', () => {
    const body = finding('CVE-2024-45590', 'HIGH', { packages: [pkg('body-parser')] })
    const result = compareFindings(all, image([curl, zlib, deleted, body]))
    expect(result.fixed.map((r) => r.finding.id)).toEqual(['CVE-2021-23337'])
    expect(result.added.map((r) => r.finding.id)).toEqual(['CVE-2024-45590'])
    expect(result.kept).toHaveLength(3)
  })

  it('gives selected findings as a Markdown table, escaping pipes and newlines', () => {
    const hostile = finding('CVE-1|2', 'LOW', {
      url: null,
      packages: [pkg('a|b\nc', { filePath: 'x`y', sourceLayerHash: L1 })],
    })
    const md = findingsMarkdown(findingRows(image([curl, hostile])), (d) =>
      d === L1 ? 'layer 1' : 'layer 2',
    )
    const lines = md.trimEnd().split('\n')
    expect(lines[0]).toBe(
      '| Severity | Score | Vulnerability | Package | Installed | Fixed in | File | Layer |',
    )
    expect(lines[2]).toBe(
      '| CRITICAL | 9.8 | [CVE-2023-38545](https://nvd.nist.gov/vuln/detail/CVE-2023-38545) | libcurl | 1.0 |  | `usr/lib/libcurl.so.4` | layer 2 |',
    )
    expect(lines[3]).toBe("| LOW |  | CVE-1\\|2 | a\\|b c | 1.0 |  | `x'y` | layer 1 |")
    expect(lines).toHaveLength(4)
  })

  it('suggests the next version of this tag to compare with, else the one pushed next, else the previous version', () => {
    const listed = (
      tag: string,
      day: number,
      extra: Partial<{ artifactMediaType: string; subjectDigest: string }> = {},
    ) => ({
      digest: `sha256:${tag.replace(/\W/g, '').padEnd(64, 'a').slice(0, 64)}`,
      tags: [tag],
      pushedAt: new Date(Date.UTC(2025, 0, day)).toISOString(),
      artifactMediaType: extra.artifactMediaType ?? null,
      subjectDigest: extra.subjectDigest ?? null,
    })
    const v10 = listed('1.0', 1)
    const images = [
      v10,
      listed('never-scanned', 2),
      listed('1.10', 9),
      listed('1.2', 8),
      listed('1.1', 5),
      listed('2024.01.05', 3),
      listed('sha256-abc.sig', 4, {
        artifactMediaType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      }),
      listed('sbom', 6, { subjectDigest: v10.digest }),
    ]
    const of = (tag: string) => images.find((i) => i.tags[0] === tag)!
    // 1.0 → 1.1 by version, not 'never-scanned' pushed the day after, nor 1.10.
    const a = compareCandidates(images, of('1.0'))
    expect(a.suggested?.tag).toBe('1.1')
    expect(a.newer).toBe(true)
    // Newest push first; this image, signatures and SBOMs are not offered.
    expect(a.candidates.map((c) => c.tag)).toEqual([
      '1.10',
      '1.2',
      '1.1',
      '2024.01.05',
      'never-scanned',
    ])
    expect(compareCandidates(images, of('1.2')).suggested?.tag).toBe('1.10')
    // The newest version has no next one: the previous version, so it can say what it fixed.
    const last = compareCandidates(images, of('1.10'))
    expect(last).toMatchObject({ suggested: { tag: '1.2' }, newer: false })
    // No version tag: the image pushed next.
    expect(compareCandidates(images, of('never-scanned')).suggested?.tag).toBe('2024.01.05')
    expect(compareCandidates([v10], v10)).toEqual({ candidates: [], suggested: null, newer: false })

    expect(isNewerThan({ tag: '1.10', digest: '', pushedAt: null }, of('1.2'))).toBe(true)
    expect(isNewerThan({ tag: '1.1', digest: '', pushedAt: '2030-01-01' }, of('1.2'))).toBe(false)
    expect(isNewerThan({ tag: 'x', digest: '', pushedAt: '2030-01-01' }, of('1.2'))).toBe(true)
  })

  it('badges each path a finding names, worst first, and says when a later layer deleted or replaced the file', () => {
    const second = finding('CVE-2024-0001', 'LOW', {
      packages: [pkg('libcurl', { filePath: 'usr/lib/libcurl.so.4', sourceLayerHash: L2 })],
    })
    const replaced = finding('CVE-2021-99999', 'HIGH', {
      packages: [
        pkg('lodash', { filePath: 'app/node_modules/lodash/package.json', sourceLayerHash: L1 }),
      ],
    })
    const layers = [
      { digest: L1 },
      { digest: L2 },
      { digest: L3 },
      { digest: `sha256:${'4'.repeat(64)}` },
    ]
    const merged = [
      { path: 'usr/lib/libcurl.so.4', change: 'unchanged', layer: 1 },
      { path: 'usr/bin/curl', change: 'deleted', layer: 1, deletedBy: 3 },
      { path: 'app/node_modules/lodash/package.json', change: 'modified', layer: 2 },
    ]
    const byPath = pathFindings(scan([second, curl, deleted, replaced]), layers, merged)
    expect(byPath.get('usr/lib/libcurl.so.4')).toEqual({
      count: 2,
      worst: 'CRITICAL',
      findings: [
        { id: 'CVE-2023-38545', severity: 'CRITICAL', key: '|CVE-2023-38545|libcurl' },
        { id: 'CVE-2024-0001', severity: 'LOW', key: '|CVE-2024-0001|libcurl' },
      ],
      caveat: null,
    })
    // The leading slash of '/usr/bin/curl' does not matter; layer 4 deleted what layer 2 brought.
    expect(byPath.get('usr/bin/curl')?.caveat).toBe(
      'Layer 4 deletes this file: the finding may no longer apply to the final image.',
    )
    expect(byPath.get('app/node_modules/lodash/package.json')?.caveat).toBe(
      'Layer 3 replaces this file: the finding may no longer apply to the final image.',
    )
  })
})
