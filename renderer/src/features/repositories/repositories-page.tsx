import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useMemo } from 'react'
import type { Repository } from '../../../../shared/models/repository'
import type { RepositorySort } from '../../../../shared/models/settings'
import { useUpdateSettings } from '../../api/mutations'
import {
  imagesQuery,
  pullThroughRulesQuery,
  repositoriesQuery,
  repositoryQuery,
  settingsQuery,
} from '../../api/queries'
import { useAllPages } from '../../api/use-all-pages'
import { ErrorPanel, MutationErrorPanel } from '../../components/error-panel'
import { ListToolbar, type Choice } from '../../components/toolbar'
import { formatCount } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { useRememberedState } from '../../components/remembered'
import { useConnection } from '../connection/use-connection'
import { imageViewOf } from '../images/view-state'
import { DemoKeyNote } from '../welcome/demo-key-note'
import { countLabel, emptyMessage, filterRepositories, sortRepositories } from './repository-list'
import { RepositoryTable } from './repository-table'
import './repositories.css'

const SORTS: readonly Choice<RepositorySort>[] = [
  { value: 'name', label: 'Name' },
  { value: 'created', label: 'Created' },
]

/** Every repository of the registry, filtered and sorted on this side. */
export function RepositoriesPage() {
  const connection = useConnection()
  const settings = useQuery(settingsQuery())
  const repositories = useInfiniteQuery(repositoriesQuery(connection))
  // Only marks pull-through repositories: a registry without rules, or a refusal, marks none.
  const rules = useQuery(pullThroughRulesQuery(connection))
  const updateSettings = useUpdateSettings()
  const [filter, setFilter] = useRememberedState('filter', '')
  const sort: RepositorySort = settings.data?.repositorySort ?? 'name'

  const { items: all, loadingMore, retry } = useAllPages(repositories)
  // A repository being opened: its first page of images and its details are asked for at once,
  // while the next page renders, not after it has mounted. The same queries (keys, and the tag
  // status that repository was last viewed with), so the page takes them over; nothing is asked
  // twice, and what is cached already is not asked again.
  const queryClient = useQueryClient()
  const prefetch = useCallback(
    (repository: Repository) => {
      const name = repository.repositoryName
      void queryClient.prefetchInfiniteQuery(
        imagesQuery(connection, name, imageViewOf(name).tagStatus),
      )
      void queryClient.prefetchQuery(repositoryQuery(connection, name))
    },
    [queryClient, connection],
  )

  const sorted = useMemo(() => sortRepositories(all, sort), [all, sort])
  const shown = useMemo(() => filterRepositories(sorted, filter), [sorted, filter])
  const filtering = filter.trim() !== ''

  usePageReady(repositories.status !== 'pending' && settings.status !== 'pending')

  return (
    <main className="repositories-page">
      <DemoKeyNote />
      <ListToolbar
        filter={{
          label: 'Filter repositories',
          placeholder: 'Filter repositories',
          value: filter,
          onChange: setFilter,
        }}
        sort={{
          value: sort,
          choices: SORTS,
          onChange: (repositorySort) => updateSettings.mutate({ repositorySort }),
        }}
        count={
          repositories.isPending
            ? 'Loading repositories…'
            : repositories.data
              ? countLabel(shown.length, all.length, filtering)
              : ''
        }
        countFilter={filter}
        trailing={
          loadingMore &&
          repositories.data && (
            <span className="hint">{`Loading… ${formatCount(all.length)} so far`}</span>
          )
        }
      />

      {repositories.isError && (
        <ErrorPanel error={repositories.error} retrying={repositories.isFetching} onRetry={retry} />
      )}
      <MutationErrorPanel mutation={updateSettings} />

      {repositories.data &&
        (shown.length === 0 && !loadingMore ? (
          <div className="empty-state">
            <p>{emptyMessage(filter)}</p>
            {filtering && (
              <div className="actions">
                <button type="button" className="primary" onClick={() => setFilter('')}>
                  Show all repositories
                </button>
              </div>
            )}
          </div>
        ) : (
          <RepositoryTable repositories={shown} sort={sort} rules={rules.data} onOpen={prefetch} />
        ))}
    </main>
  )
}
