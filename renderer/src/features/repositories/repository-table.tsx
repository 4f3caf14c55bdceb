import { memo } from 'react'
import { Link } from 'react-router'
import type { PullThroughRule } from '../../../../shared/models/image'
import type { Repository } from '../../../../shared/models/repository'
import type { RepositorySort } from '../../../../shared/models/settings'
import { formatDate } from '../../components/format'
import { VirtualTable, type Column } from '../../components/virtual-table'
import { repositoryPath } from '../../routes'
import { findPullThroughRule, pullThroughDescription, upstreamHost } from './pull-through'
import { formatMutability } from './repository-list'

interface RepositoryTableProps {
  repositories: readonly Repository[]
  sort: RepositorySort
  /** Pull-through cache rules, to mark the repositories they created. */
  rules?: readonly PullThroughRule[]
  /** A repository is being opened (see VirtualTable's onOpen). */
  onOpen?: (repository: Repository) => void
}

/** The repositories as a virtualized table; Enter or a click opens a repository's images. */
// Memoized for the same reason as ImageTable: many of the page's renders leave the rows alone.
export const RepositoryTable = memo(function RepositoryTable({
  repositories,
  sort,
  rules,
  onOpen,
}: RepositoryTableProps) {
  const columns: Column<Repository>[] = [
    {
      header: 'Name',
      sort: sort === 'name' ? 'ascending' : undefined,
      className: 'cell-name',
      title: (repository) => repository.repositoryName,
      cell: (repository) => {
        const rule = findPullThroughRule(rules, repository.repositoryName)
        return (
          <>
            <Link to={repositoryPath(repository.repositoryName)} tabIndex={-1}>
              {repository.repositoryName}
            </Link>
            {rule && (
              <span className="badge" title={pullThroughDescription(rule)}>
                {`pull-through: ${upstreamHost(rule)}`}
              </span>
            )}
          </>
        )
      },
    },
    {
      header: 'URI',
      className: 'cell-uri',
      title: (repository) => repository.repositoryUri,
      cell: (repository) => repository.repositoryUri,
    },
    {
      header: 'Created',
      sort: sort === 'created' ? 'descending' : undefined,
      cell: (repository) =>
        repository.createdAt ? (
          <time dateTime={repository.createdAt} title={repository.createdAt}>
            {formatDate(repository.createdAt)}
          </time>
        ) : (
          '—'
        ),
    },
    {
      header: 'Tag mutability',
      cell: (repository) => formatMutability(repository.imageTagMutability),
    },
    { header: 'Scan on push', cell: (repository) => (repository.scanOnPush ? 'On' : 'Off') },
  ]
  return (
    <VirtualTable
      label="Repositories"
      className="repositories-table"
      rows={repositories}
      columns={columns}
      rowKey={(repository) => repository.repositoryName}
      rowPath={(repository) => repositoryPath(repository.repositoryName)}
      onOpen={onOpen}
    />
  )
})
