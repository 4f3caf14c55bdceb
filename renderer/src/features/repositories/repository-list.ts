import type { Repository } from '../../../../shared/models/repository'
import type { RepositorySort } from '../../../../shared/models/settings'
import { formatCount, pluralize } from '../../components/format'

const byName = (a: Repository, b: Repository): number =>
  a.repositoryName < b.repositoryName ? -1 : a.repositoryName > b.repositoryName ? 1 : 0

const time = (repository: Repository): number => {
  const value = repository.createdAt ? Date.parse(repository.createdAt) : Number.NaN
  return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value
}

/** A sorted copy: by name, or newest first (undated last, ties by name). */
export function sortRepositories(
  repositories: readonly Repository[],
  sort: RepositorySort,
): Repository[] {
  const sorted = [...repositories]
  if (sort === 'name') return sorted.sort(byName)
  return sorted.sort((a, b) => {
    const difference = time(b) - time(a)
    if (difference > 0) return 1
    if (difference < 0) return -1
    return byName(a, b)
  })
}

/** The repositories whose name contains the filter, ignoring case and surrounding spaces. */
export function filterRepositories(
  repositories: readonly Repository[],
  filter: string,
): readonly Repository[] {
  const needle = filter.trim().toLowerCase()
  if (needle === '') return repositories
  return repositories.filter((repository) =>
    repository.repositoryName.toLowerCase().includes(needle),
  )
}

/** "2,500 repositories", or "12 of 2,500 repositories" while a filter is active. */
export function countLabel(shown: number, total: number, filtering: boolean): string {
  if (!filtering) return pluralize(total, 'repository', 'repositories')
  return `${formatCount(shown)} of ${pluralize(total, 'repository', 'repositories')}`
}

/** What the empty table says. */
export function emptyMessage(filter: string): string {
  const trimmed = filter.trim()
  return trimmed === '' ? 'No repositories in this registry' : `No repositories match "${trimmed}"`
}

/** "MUTABLE" -> "Mutable", "IMMUTABLE_WITH_EXCLUSION" -> "Immutable with exclusion". */
export function formatMutability(value: string): string {
  const words = value.toLowerCase().split('_').filter(Boolean).join(' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** ECR's encryption types, as the console names them. */
export function formatEncryption(value: string | null): string {
  switch (value) {
    case null:
      return '—'
    case 'AES256':
      return 'AES-256'
    case 'KMS':
      return 'AWS KMS'
    case 'KMS_DSSE':
      return 'AWS KMS (dual-layer)'
    default:
      return value
  }
}
