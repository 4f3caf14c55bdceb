import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FindingsExport, ImageFindings, ScanCounts } from '../../../shared/models/findings'
import { SAMPLE_REPOSITORIES } from '../../demo-registry/testing'
import { startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'

// The findings channels through the app's dispatcher: schema, service, safe write, path gate.
let harness: Harness
let restoreEnv: () => void
beforeAll(async () => {
  harness = await startHarness()
  restoreEnv = stubProcessEnv(harness.env)
})
afterAll(async () => {
  restoreEnv()
  await harness.close()
})

const repositoryName = SAMPLE_REPOSITORIES.scanned
const digest = () => harness.registry.samples().scanned.v10.imageDigest

describe('findings channels', () => {
  it('ecr:scan-findings answers the findings of an image', async () => {
    const result = await harness.app.dispatch('ecr:scan-findings', {
      repositoryName,
      imageDigest: digest(),
    })
    expect(result.ok).toBe(true)
    const value = (result as { value: ImageFindings }).value
    expect(value.scans[0]?.findings).toHaveLength(8)
  })

  it('ecr:scan-counts answers the severity counts of an image, and refuses a bad digest', async () => {
    const result = await harness.app.dispatch('ecr:scan-counts', {
      repositoryName,
      imageDigest: digest(),
    })
    expect(result.ok).toBe(true)
    const value = (result as { value: ScanCounts }).value
    const sum = Object.values(value.counts).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)
    expect(sum).toBe(8)
    expect(value.status).toBe('ACTIVE')
    const bad = await harness.app.dispatch('ecr:scan-counts', {
      repositoryName,
      imageDigest: 'latest',
    })
    expect(bad.ok).toBe(false)
  })

  it('findings:export writes CSV and JSON into the download folder, leaving no temporary file', async () => {
    const downloads = join(harness.dataDir, 'downloads')
    for (const format of ['csv', 'json'] as const) {
      const result = await harness.app.dispatch('findings:export', {
        repositoryName,
        imageDigest: digest(),
        format,
      })
      expect(result.ok).toBe(true)
      const written = (result as { value: FindingsExport }).value
      expect(written.path.startsWith(downloads)).toBe(true)
      expect(written.rows).toBe(8)
      expect((await readFile(written.path)).length).toBe(written.bytes)
    }
    const names = await readdir(downloads)
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([])
    expect(names.filter((n) => n.includes('_findings.'))).toHaveLength(2)
  })

  it('findings:export refuses a path the user did not choose', async () => {
    const result = await harness.app.dispatch('findings:export', {
      repositoryName,
      imageDigest: digest(),
      format: 'csv',
      path: '/etc/findings.csv',
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('PathNotChosen')
  })
})
