import { describe, expect, it } from 'vitest'
import type { Repository } from '../../../../shared/models/repository'
import {
  countLabel,
  emptyMessage,
  filterRepositories,
  formatEncryption,
  formatMutability,
  sortRepositories,
} from './repository-list'

const repo = (repositoryName: string, createdAt: string | null): Repository => ({
  repositoryName,
  repositoryArn: `arn:aws:ecr:us-east-1:123456789012:repository/${repositoryName}`,
  repositoryUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${repositoryName}`,
  registryId: '123456789012',
  createdAt,
  imageTagMutability: 'MUTABLE',
  scanOnPush: false,
  encryptionType: 'AES256',
})

const repos = [
  repo('web/frontend', '2024-02-01T00:00:00Z'),
  repo('api', '2024-03-01T00:00:00Z'),
  repo('Legacy-Tool', null),
  repo('batch', '2024-03-01T00:00:00Z'),
]

const names = (list: readonly Repository[]) => list.map((r) => r.repositoryName)

describe('sortRepositories', () => {
  it('sorts by name without changing the input', () => {
    expect(names(sortRepositories(repos, 'name'))).toEqual([
      'Legacy-Tool',
      'api',
      'batch',
      'web/frontend',
    ])
    expect(names(repos)[0]).toBe('web/frontend')
  })

  it('sorts by creation date, newest first, undated last, ties by name', () => {
    expect(names(sortRepositories(repos, 'created'))).toEqual([
      'api',
      'batch',
      'web/frontend',
      'Legacy-Tool',
    ])
  })
})

describe('filterRepositories', () => {
  it('matches a substring of the name, ignoring case', () => {
    expect(names(filterRepositories(repos, 'LEGACY'))).toEqual(['Legacy-Tool'])
    expect(names(filterRepositories(repos, 'a'))).toEqual(['api', 'Legacy-Tool', 'batch'])
    expect(names(filterRepositories(repos, 'end'))).toEqual(['web/frontend'])
  })

  it('returns everything for a blank filter', () => {
    expect(filterRepositories(repos, '  ')).toBe(repos)
  })

  it('matches nothing when no name contains the text', () => {
    expect(filterRepositories(repos, 'zzz')).toEqual([])
  })
})

describe('labels', () => {
  it('counts all or filtered repositories', () => {
    expect(countLabel(2500, 2500, false)).toBe('2,500 repositories')
    expect(countLabel(12, 2500, true)).toBe('12 of 2,500 repositories')
    expect(countLabel(1, 1, false)).toBe('1 repository')
    expect(countLabel(0, 1, true)).toBe('0 of 1 repository')
  })

  it('explains an empty list', () => {
    expect(emptyMessage('')).toBe('No repositories in this registry')
    expect(emptyMessage(' web ')).toBe('No repositories match "web"')
  })
})

describe('formatters', () => {
  it('formats tag mutability', () => {
    expect(formatMutability('MUTABLE')).toBe('Mutable')
    expect(formatMutability('IMMUTABLE_WITH_EXCLUSION')).toBe('Immutable with exclusion')
  })

  it('formats encryption types', () => {
    expect(formatEncryption('AES256')).toBe('AES-256')
    expect(formatEncryption('KMS')).toBe('AWS KMS')
    expect(formatEncryption(null)).toBe('—')
    expect(formatEncryption('OTHER')).toBe('OTHER')
  })
})
