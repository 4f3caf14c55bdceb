import {
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  type ECRClient,
  paginateDescribeImageScanFindings,
} from '@aws-sdk/client-ecr'
import type { EnhancedImageScanFinding } from '@aws-sdk/client-ecr'
import { gunzipSync } from 'node:zlib'
import tarStream from 'tar-stream'
import { describe, expect, it } from 'vitest'
import { loadSamples } from './samples/index'
import { OTHER_SCAN_STATUSES } from './samples/scanned'
import { DemoRegistry, SAMPLE_REPOSITORIES as REPOS, SAMPLE_TAGS as TAGS } from './server'
import { rejectionOf } from './testing/requests'
import { withEcrClient } from './testing/ecr-client'

async function tarNames(blob: Buffer): Promise<string[]> {
  const extract = tarStream.extract()
  const names: string[] = []
  const done = (async () => {
    for await (const entry of extract) {
      names.push(entry.header.name)
      entry.resume()
    }
  })()
  extract.end(gunzipSync(blob))
  await done
  return names
}

describe('DescribeImageScanFindings in the demo registry', () => {
  const registry = new DemoRegistry({ repositoryCount: 40 })
  const repositoryName = REPOS.scanned
  let ecr!: ECRClient
  withEcrClient(registry, (client) => (ecr = client))

  const allEnhanced = async (imageTag: string, pageSize: number) => {
    const found: EnhancedImageScanFinding[] = []
    let pages = 0
    for await (const page of paginateDescribeImageScanFindings(
      { client: ecr, pageSize },
      { repositoryName, imageId: { imageTag } },
    )) {
      pages++
      found.push(...(page.imageScanFindings?.enhancedFindings ?? []))
    }
    return { found, pages }
  }

  it('pages enhanced findings by nextToken and reports the same findings at any page size', async () => {
    const small = await allEnhanced(TAGS.scanned.v10, 3)
    const big = await allEnhanced(TAGS.scanned.v10, 1000)
    expect(small.found).toHaveLength(8)
    expect(small.pages).toBe(3)
    expect(big.pages).toBe(1)
    expect(small.found).toEqual(big.found)
  })

  it('names real files in real layers: each sourceLayerHash is a layer of the image holding filePath', async () => {
    const { blobs } = await loadSamples()
    const { v10 } = registry.samples().scanned
    const layerDigests = v10.layers.map((l) => l.digest)
    const { found } = await allEnhanced(TAGS.scanned.v10, 100)
    const packages = found.flatMap((f) => f.packageVulnerabilityDetails?.vulnerablePackages ?? [])
    expect(packages.length).toBeGreaterThan(8)
    for (const p of packages) {
      expect(layerDigests).toContain(p.sourceLayerHash)
      const names = await tarNames(blobs.get(p.sourceLayerHash ?? '') ?? Buffer.alloc(0))
      expect(names).toContain(p.filePath)
    }
  })

  it('has a finding in a file that a later layer deletes with a whiteout', async () => {
    const { blobs } = await loadSamples()
    const { v10, deletedPath } = registry.samples().scanned
    const { found } = await allEnhanced(TAGS.scanned.v10, 100)
    const hit = found.find((f) =>
      f.packageVulnerabilityDetails?.vulnerablePackages?.some((p) => p.filePath === deletedPath),
    )
    const layer = hit?.packageVulnerabilityDetails?.vulnerablePackages?.[0]?.sourceLayerHash
    const at = v10.layers.findIndex((l) => l.digest === layer)
    const later = v10.layers.slice(at + 1)
    const laterNames = (
      await Promise.all(later.map((l) => tarNames(blobs.get(l.digest) ?? Buffer.alloc(0))))
    ).flat()
    expect(laterNames).toContain('usr/bin/.wh.curl')
  })

  it('gives the newer tag fewer old findings and one new one', async () => {
    const ids = async (tag: string) =>
      new Set(
        (await allEnhanced(tag, 100)).found.map(
          (f) => f.packageVulnerabilityDetails?.vulnerabilityId,
        ),
      )
    const older = await ids(TAGS.scanned.v10)
    const newer = await ids(TAGS.scanned.v11)
    expect([...older].filter((id) => !newer.has(id)).sort()).toEqual([
      'CVE-2021-23337',
      'CVE-2021-44906',
      'CVE-2023-5363',
      'CVE-2024-0727',
    ])
    expect([...newer].filter((id) => !older.has(id))).toEqual(['CVE-2024-45590'])
  })

  it('answers basic findings with counts that match the DescribeImages summary', async () => {
    const out = await ecr.send(
      new DescribeImageScanFindingsCommand({
        repositoryName,
        imageId: { imageTag: TAGS.scanned.basic },
      }),
    )
    expect(out.imageScanStatus?.status).toBe('COMPLETE')
    expect(out.imageScanFindings?.findings?.map((f) => f.severity)).toEqual([
      'CRITICAL',
      'HIGH',
      'MEDIUM',
    ])
    expect(out.imageScanFindings?.enhancedFindings).toBeUndefined()
    const images = await ecr.send(
      new DescribeImagesCommand({
        repositoryName,
        imageIds: [{ imageTag: TAGS.scanned.basic }, { imageTag: TAGS.scanned.v10 }],
      }),
    )
    const [basic, enhanced] = [TAGS.scanned.basic, TAGS.scanned.v10].map((tag) =>
      images.imageDetails?.find((d) => d.imageTags?.includes(tag)),
    )
    expect(basic?.imageScanFindingsSummary?.findingSeverityCounts).toEqual(
      out.imageScanFindings?.findingSeverityCounts,
    )
    expect(enhanced?.imageScanStatus?.status).toBe('ACTIVE')
    expect(enhanced?.imageScanFindingsSummary).toBeUndefined()
  })

  it('makes up basic findings matching the counts of samples that only state counts', async () => {
    const { repositoryName: webApp } = { repositoryName: REPOS.webApp }
    const images = await ecr.send(new DescribeImagesCommand({ repositoryName: webApp }))
    const scanned = images.imageDetails?.find((d) => d.imageScanFindingsSummary)
    const out = await ecr.send(
      new DescribeImageScanFindingsCommand({
        repositoryName: webApp,
        imageId: { imageDigest: scanned?.imageDigest },
      }),
    )
    expect(out.imageScanFindings?.findingSeverityCounts).toEqual(
      scanned?.imageScanFindingsSummary?.findingSeverityCounts,
    )
    const total = Object.values(out.imageScanFindings?.findingSeverityCounts ?? {}).reduce(
      (a, b) => a + b,
      0,
    )
    expect(out.imageScanFindings?.findings).toHaveLength(total)
  })

  it('serves every other scan status with its description and no findings', async () => {
    for (const [key, [status, description]] of Object.entries(OTHER_SCAN_STATUSES)) {
      const out = await ecr.send(
        new DescribeImageScanFindingsCommand({
          repositoryName,
          imageId: { imageTag: TAGS.scanned[key as keyof typeof OTHER_SCAN_STATUSES] },
        }),
      )
      expect(out.imageScanStatus).toEqual({ status, description })
      expect(out.imageScanFindings).toBeUndefined()
    }
  })

  it('answers ScanNotFoundException for an image never scanned, and bounds maxResults', async () => {
    const never = await rejectionOf(
      ecr.send(
        new DescribeImageScanFindingsCommand({
          repositoryName,
          imageId: { imageTag: TAGS.scanned.neverScanned },
        }),
      ),
    )
    expect(never.name).toBe('ScanNotFoundException')
    expect(never.message).toContain("imageTag:'never-scanned'")
    for (const maxResults of [0, 1001]) {
      const bad = await rejectionOf(
        ecr.send(
          new DescribeImageScanFindingsCommand({
            repositoryName,
            imageId: { imageTag: TAGS.scanned.v10 },
            maxResults,
          }),
        ),
      )
      expect(bad.name).toBe('InvalidParameterException')
    }
  })

  it('scans the children of an index, not the index itself', async () => {
    const { multi } = registry.samples().scanned
    const index = await rejectionOf(
      ecr.send(
        new DescribeImageScanFindingsCommand({
          repositoryName,
          imageId: { imageDigest: multi.imageDigest },
        }),
      ),
    )
    expect(index.name).toBe('ScanNotFoundException')
    for (const child of multi.children) {
      const out = await ecr.send(
        new DescribeImageScanFindingsCommand({
          repositoryName,
          imageId: { imageDigest: child.digest },
        }),
      )
      expect(out.imageScanFindings?.enhancedFindings?.length).toBeGreaterThan(0)
    }
  })
})
