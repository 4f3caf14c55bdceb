import { describe, expect, it } from 'vitest'
import { RegistryData, SEED_EPOCH } from './data'

const seed = (repositoryCount: number) =>
  new RegistryData({ repositoryCount, accountId: '123456789012', region: 'us-east-1' })

describe('RegistryData', () => {
  it('seeds exactly repositoryCount repositories with unique, valid names', () => {
    const names = seed(2500).repositories.map((r) => r.repositoryName)
    expect(names).toHaveLength(2500)
    expect(new Set(names).size).toBe(2500)
    const pattern = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/
    expect(names.filter((n) => !pattern.test(n))).toEqual([])
  })

  it('includes the sample repositories first, then generated team/service names', () => {
    // Enough for every sample and two generated names, however many samples there are.
    const names = seed(40).repositories.map((r) => r.repositoryName)
    expect(names).toEqual(
      expect.arrayContaining([
        'demo/web-app',
        'demo/api',
        'demo/multi-arch',
        'demo/oci-zstd',
        'demo/untagged',
        'ecr-public/docker/library/alpine',
        'demo/scale-50k',
        'demo/windows',
        'demo/hostile',
        'demo/supply-chain',
        'demo/archive',
        'demo/scanned',
        'team-00/service-0000',
        'team-01/service-0001',
      ]),
    )
    expect(seed(2).repositories.map((r) => r.repositoryName)).toEqual(['demo/api', 'demo/web-app'])
    expect(seed(0).repositories).toEqual([])
  })

  it('sorts repositories by name in code-unit order', () => {
    const names = seed(300).repositories.map((r) => r.repositoryName)
    expect(names).toEqual([...names].sort())
  })

  it('produces identical data on every run, with dates in the 3 years before the seed epoch', () => {
    const first = seed(500).repositories
    expect(seed(500).repositories).toEqual(first)
    const threeYearsMs = 3 * 365 * 24 * 60 * 60 * 1000
    for (const repo of first) {
      const age = SEED_EPOCH.getTime() - repo.createdAt.getTime()
      expect(age).toBeGreaterThanOrEqual(0)
      expect(age).toBeLessThan(threeYearsMs)
    }
  })

  it('marks the alpine repository as created by the ecr-public pull-through cache rule', () => {
    const data = seed(40)
    expect(data.repository('ecr-public/docker/library/alpine')?.pullThroughCachePrefix).toBe(
      'ecr-public',
    )
    expect(data.repository('demo/web-app')?.pullThroughCachePrefix).toBeUndefined()
  })
})
