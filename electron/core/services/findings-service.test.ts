import { DescribeImageScanFindingsCommand, ECRClient } from '@aws-sdk/client-ecr'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeError } from '../../../shared/errors'
import type { ErrorCode } from '../../../shared/errors'
import { OTHER_SCAN_STATUSES } from '../../demo-registry/samples/scanned'
import { DemoRegistry, SAMPLE_REPOSITORIES, SAMPLE_TAGS } from '../../demo-registry/testing'
import { EcrService } from './ecr-service'
import { findingsCsv, findingsFileName, findingsJson, writeFindings } from './findings-export'
import { FindingsService } from './findings-service'

const repositoryName = SAMPLE_REPOSITORIES.scanned
const TAGS = SAMPLE_TAGS.scanned
let registry: DemoRegistry
let client: ECRClient
let findings: FindingsService

beforeAll(async () => {
  registry = new DemoRegistry({ repositoryCount: 40 })
  const { endpoint } = await registry.start()
  client = new ECRClient({
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    maxAttempts: 1,
  })
  const target = () => Promise.resolve({ client, registryId: undefined })
  const ecr = new EcrService(target)
  findings = new FindingsService(target, (r) => ecr.getManifest(r), 3)
})
afterAll(async () => {
  client.destroy()
  await registry.stop()
})

const digestOf = (tag: string) => {
  const s = registry.samples().scanned
  const all = [s.v10, s.v11, s.multi, s.basic, s.neverScanned, ...Object.values(s.statuses)]
  const image = all.find((i) => i.imageTags.includes(tag))
  if (!image) throw new Error(`no image tagged ${tag}`)
  return image.imageDigest
}
const of = (tag: string) => findings.imageFindings({ repositoryName, imageDigest: digestOf(tag) })

describe('FindingsService', () => {
  it('reads every page of enhanced findings, with packages, files and layers', async () => {
    registry.clearRequestLog()
    const result = await of(TAGS.v10)
    const calls = registry.requestLog().filter((e) => e.operation === 'DescribeImageScanFindings')
    expect(calls).toHaveLength(3) // 8 findings in pages of 3
    const [scan] = result.scans
    expect(scan?.status).toBe('ACTIVE')
    expect(scan?.problem).toBeNull()
    expect(scan?.findings).toHaveLength(8)
    const critical = scan?.findings.find((f) => f.id === 'CVE-2023-38545')
    expect(critical).toMatchObject({
      kind: 'enhanced',
      severity: 'CRITICAL',
      score: 9.8,
      cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', source: 'NVD' },
      fixAvailable: 'YES',
      exploitAvailable: 'YES',
      url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-38545',
    })
    expect(critical?.packages[0]).toMatchObject({
      name: 'libcurl',
      filePath: 'usr/lib/libcurl.so.4',
      sourceLayerHash: registry.samples().scanned.layers10[1]?.digest,
      fixedInVersion: '8.4.0-r0',
    })
    expect(scan?.severityCounts).toEqual({ CRITICAL: 3, HIGH: 2, MEDIUM: 3 })
  })

  it('reads basic findings with their CVSS attributes', async () => {
    const [scan] = (await of(TAGS.basic)).scans
    expect(scan?.status).toBe('COMPLETE')
    expect(scan?.findings.map((f) => [f.kind, f.id, f.severity, f.score])).toEqual([
      ['basic', 'CVE-2023-38545', 'CRITICAL', 9.8],
      ['basic', 'CVE-2023-5363', 'HIGH', 7.5],
      ['basic', 'CVE-2023-42364', 'MEDIUM', null],
    ])
    expect(scan?.findings[0]?.packages[0]).toMatchObject({ name: 'curl', version: '8.3.0-r0' })
  })

  it('scans each platform child of an index', async () => {
    const result = await of(TAGS.multi)
    expect(result.isIndex).toBe(true)
    expect(result.scans.map((s) => [s.platform, s.findings.length])).toEqual([
      ['linux/amd64', 5],
      ['linux/arm64', 2],
    ])
  })

  it('turns ScanNotFoundException into a never-scanned scan with its catalog entry', async () => {
    const [scan] = (await of(TAGS.neverScanned)).scans
    expect(scan?.status).toBeNull()
    expect(scan?.problem?.code).toBe('ScanNotFound')
    const words = describeError(scan!.problem!)
    expect(words.title).toBe('This image has never been scanned')
    expect(words.nextStep).toContain('aws ecr start-image-scan')
    expect(words.nextStep).toContain('enhanced scanning settings')
  })

  it('names the image in the commands of never-scanned, failed and archived scans, ready to copy', async () => {
    for (const [tag, command] of [
      [TAGS.neverScanned, 'aws ecr start-image-scan'],
      [TAGS.failed, 'aws ecr start-image-scan'],
      [TAGS.archived, 'aws ecr update-image-storage-class'],
    ] as const) {
      const [scan] = (await of(tag)).scans
      const flags = `--repository-name ${repositoryName} --image-id imageDigest=${digestOf(tag)}`
      expect(scan?.problem).toMatchObject({ repositoryName, imageDigest: digestOf(tag) })
      const { nextStep } = describeError(scan!.problem!)
      expect(nextStep).toContain(`${command} ${flags}`)
      expect(nextStep).not.toMatch(/<repository>|<digest>/)
    }
    const counted = await findings.counts({ repositoryName, imageDigest: digestOf(TAGS.archived) })
    expect(describeError(counted.problem!).nextStep).toContain(
      `--repository-name ${repositoryName} --image-id imageDigest=${digestOf(TAGS.archived)}`,
    )
  })

  it('explains every status without findings through its catalog entry', async () => {
    const expected: Record<keyof typeof OTHER_SCAN_STATUSES, ErrorCode> = {
      inProgress: 'ScanInProgress',
      failed: 'ScanFailed',
      unsupported: 'ScanUnsupportedImage',
      pending: 'ScanPending',
      eligibilityExpired: 'ScanEligibilityExpired',
      findingsUnavailable: 'ScanFindingsUnavailable',
      limitExceeded: 'ScanLimitExceeded',
      archived: 'ScanImageArchived',
    }
    for (const [key, code] of Object.entries(expected)) {
      const [status, description] = OTHER_SCAN_STATUSES[key as keyof typeof OTHER_SCAN_STATUSES]
      const [scan] = (await of(TAGS[key as keyof typeof OTHER_SCAN_STATUSES])).scans
      expect(scan?.status).toBe(status)
      expect(scan?.statusDescription).toBe(description)
      expect(scan?.findings).toEqual([])
      expect(scan?.problem?.code).toBe(code)
      const words = describeError(scan!.problem!)
      for (const part of [words.title, words.explanation, words.nextStep])
        expect(part.length).toBeGreaterThan(10)
      expect(words.explanation).toContain(status)
    }
  })

  it("counts by severity in one call of one finding, from the first page's summary", async () => {
    registry.clearRequestLog()
    const counts = await findings.counts({ repositoryName, imageDigest: digestOf(TAGS.v10) })
    const calls = registry.requestLog().filter((e) => e.operation === 'DescribeImageScanFindings')
    expect(calls).toHaveLength(1)
    // The same counts the whole scan adds up to.
    const [scan] = (await of(TAGS.v10)).scans
    const tally: Record<string, number> = {}
    for (const f of scan!.findings) tally[f.severity] = (tally[f.severity] ?? 0) + 1
    expect(counts).toEqual({
      imageDigest: digestOf(TAGS.v10),
      status: 'ACTIVE',
      counts: tally,
      problem: null,
    })
  })

  it('counts a never-scanned or in-progress image as its problem, with no counts', async () => {
    const never = await findings.counts({
      repositoryName,
      imageDigest: digestOf(TAGS.neverScanned),
    })
    expect(never).toMatchObject({ status: null, counts: {}, problem: { code: 'ScanNotFound' } })
    const busy = await findings.counts({ repositoryName, imageDigest: digestOf(TAGS.inProgress) })
    expect(busy).toMatchObject({
      status: 'IN_PROGRESS',
      counts: {},
      problem: { code: 'ScanInProgress' },
    })
  })

  it('counts every page when the first page carries no summary', async () => {
    const page = (ids: string[], severity: string, nextToken?: string) => ({
      $metadata: {},
      imageScanStatus: { status: 'ACTIVE' },
      imageScanFindings: {
        enhancedFindings: ids.map((id) => ({
          severity,
          packageVulnerabilityDetails: { vulnerabilityId: id, vulnerablePackages: [] },
        })),
      },
      nextToken,
    })
    const answers = [
      page(['CVE-1'], 'HIGH', 't1'),
      page(['CVE-1'], 'HIGH', 't1'),
      page(['CVE-2', 'CVE-3'], 'LOW'),
    ]
    const sent: unknown[] = []
    const fake = {
      send: (command: DescribeImageScanFindingsCommand) => {
        sent.push(command.input)
        return Promise.resolve(answers.shift())
      },
    } as unknown as ECRClient
    const service = new FindingsService(
      () => Promise.resolve({ client: fake, registryId: undefined }),
      () => Promise.reject(new Error('not needed')),
    )
    const counts = await service.counts({ repositoryName, imageDigest: digestOf(TAGS.v10) })
    expect(counts.counts).toEqual({ HIGH: 1, LOW: 2 })
    expect(sent).toHaveLength(3)
    expect(sent[0]).toMatchObject({ maxResults: 1 })
  })
})

describe('findings export', () => {
  let folder: string
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'findings-export-'))
  })
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it('writes CSV rows that match the API data, one per finding and package', async () => {
    const result = await of(TAGS.v10)
    const out = await client.send(
      new DescribeImageScanFindingsCommand({
        repositoryName,
        imageId: { imageTag: TAGS.v10 },
        maxResults: 1000,
      }),
    )
    const path = join(folder, findingsFileName(repositoryName, digestOf(TAGS.v10), 'csv'))
    const written = await writeFindings(path, result, 'csv')
    expect(written.rows).toBe(8)
    const text = await readFile(path, 'utf8')
    expect(text).toBe(findingsCsv(result))
    const lines = text.trimEnd().split('\r\n')
    const header = lines[0]!.split(',')
    const rows = lines
      .slice(1)
      .map(
        (l) =>
          Object.fromEntries(l.split(',').map((v, i) => [header[i] ?? '', v])) as Record<
            string,
            string
          >,
      )
    const fromApi = (out.imageScanFindings?.enhancedFindings ?? []).flatMap((f) =>
      (f.packageVulnerabilityDetails?.vulnerablePackages ?? []).map((p) => ({
        vulnerabilityId: f.packageVulnerabilityDetails?.vulnerabilityId,
        severity: f.severity,
        package: p.name,
        filePath: p.filePath,
        sourceLayerHash: p.sourceLayerHash,
        fixedInVersion: p.fixedInVersion ?? '',
      })),
    )
    expect(
      rows.map((r) => ({
        vulnerabilityId: r.vulnerabilityId,
        severity: r.severity,
        package: r.package,
        filePath: r.filePath,
        sourceLayerHash: r.sourceLayerHash,
        fixedInVersion: r.fixedInVersion,
      })),
    ).toEqual(fromApi)
    // Only the target is left: the temporary file was renamed into place.
    expect(await readdir(folder)).toEqual([
      findingsFileName(repositoryName, digestOf(TAGS.v10), 'csv'),
    ])
  })

  it('writes JSON in the API shape, all pages merged', async () => {
    const result = await of(TAGS.v10)
    const json = JSON.parse(findingsJson(result)) as {
      repositoryName: string
      imageScanStatus: { status: string }
      imageScanFindings: { enhancedFindings: unknown[]; findingSeverityCounts: unknown }
      nextToken?: string
    }
    expect(json.repositoryName).toBe(repositoryName)
    expect(json.imageScanStatus.status).toBe('ACTIVE')
    expect(json.imageScanFindings.enhancedFindings).toHaveLength(8)
    expect(json.nextToken).toBeUndefined()
    expect(json).not.toHaveProperty('$metadata')
  })

  it('keeps a formula-like cell from running in a spreadsheet and quotes commas', () => {
    const csv = findingsCsv({
      imageDigest: 'sha256:0',
      isIndex: false,
      scans: [
        {
          imageDigest: 'sha256:0',
          platform: null,
          status: 'COMPLETE',
          statusDescription: null,
          problem: null,
          completedAt: null,
          sourceUpdatedAt: null,
          severityCounts: {},
          api: null,
          findings: [
            {
              kind: 'basic',
              id: '=HYPERLINK("http://evil")',
              title: null,
              description: null,
              severity: 'HIGH',
              score: null,
              cvss: null,
              url: null,
              packages: [],
              fixAvailable: null,
              exploitAvailable: null,
              status: null,
              firstObservedAt: null,
              lastObservedAt: null,
              remediation: null,
            },
          ],
        },
      ],
    })
    expect(csv.split('\r\n')[1]).toContain(`"'=HYPERLINK(""http://evil"")"`)
  })
})
