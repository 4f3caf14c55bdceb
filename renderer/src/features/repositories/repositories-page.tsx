import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useId, useMemo } from 'react'
import type { RepositorySort } from '../../../../shared/models/settings'
import { useUpdateSettings } from '../../api/mutations'
import { pullThroughRulesQuery, repositoriesQuery, settingsQuery } from '../../api/queries'
import { useAllPages } from '../../api/use-all-pages'
import { ErrorPanel, MutationErrorPanel } from '../../components/error-panel'
import { FilterField } from '../../components/filter-field'
import { formatCount } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { useRememberedState } from '../../components/remembered'
import { useConnection } from '../connection/use-connection'
import { countLabel, emptyMessage, filterRepositories, sortRepositories } from './repository-list'
import { RepositoryTable } from './repository-table'

/** Every repository of the registry, filtered and sorted on this side. */
export function RepositoriesPage() {
  const connection = useConnection()
  const settings = useQuery(settingsQuery())
  const repositories = useInfiniteQuery(repositoriesQuery(connection))
  // Only marks pull-through repositories: a registry without rules, or a refusal, marks none.
  const rules = useQuery(pullThroughRulesQuery(connection))
  const updateSettings = useUpdateSettings()
  const [filter, setFilter] = useRememberedState('filter', '')
  const sortId = useId()
  const sort: RepositorySort = settings.data?.repositorySort ?? 'name'

  const { items: all, loadingMore, retry } = useAllPages(repositories)

  const sorted = useMemo(() => sortRepositories(all, sort), [all, sort])
  const shown = useMemo(() => filterRepositories(sorted, filter), [sorted, filter])
  const filtering = filter.trim() !== ''

  usePageReady(repositories.status !== 'pending' && settings.status !== 'pending')

  return (
    <main className="repositories-page">
      <div className="toolbar">
        <FilterField
          label="Filter repositories"
          placeholder="Filter repositories"
          value={filter}
          onChange={setFilter}
        />
        <label htmlFor={sortId}>Sort by</label>
        <select
          id={sortId}
          value={sort}
          onChange={(event) =>
            updateSettings.mutate({ repositorySort: event.target.value as RepositorySort })
          }
        >
          <option value="name">Name</option>
          <option value="created">Created</option>
        </select>
        {/* data-filter: the filter the list on screen reflects (the benchmark waits for it). */}
        <span role="status" className="count" data-filter={filter}>
          {repositories.isPending
            ? 'Loading repositories…'
            : repositories.data
              ? countLabel(shown.length, all.length, filtering)
              : ''}
        </span>
        {loadingMore && repositories.data && (
          <span className="hint">{`Loading… ${formatCount(all.length)} so far`}</span>
        )}
      </div>

      {repositories.isError && (
        <ErrorPanel error={repositories.error} retrying={repositories.isFetching} onRetry={retry} />
      )}
      <MutationErrorPanel mutation={updateSettings} />

      {repositories.data &&
        (shown.length === 0 && !loadingMore ? (
          <p className="empty-state">{emptyMessage(filter)}</p>
        ) : (
          <RepositoryTable repositories={shown} sort={sort} rules={rules.data} />
        ))}
    </main>
  )
}
