import { QueryClient } from '@tanstack/react-query'
import type { ConnectionState } from '../../../shared/models/connection'
import { AppErrorException } from '../../../shared/ipc/result'
import { connectionKey, queryKeys } from './query-keys'

/** Builds the app's QueryClient: data changes only on Refresh or a connection change. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Main already retries AWS calls with backoff; retrying an AppError here only delays it.
        retry: (failureCount, error) => !(error instanceof AppErrorException) && failureCount < 1,
        // No polling of any kind: Refresh and main's events are the only triggers.
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // Every query is a call to main, never the renderer's own network access, and the demo
        // registry needs no network at all: the browser saying "offline" must not pause them.
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  })
}

/** Whether two connection states are the same in every field. */
export function sameConnection(a: ConnectionState | undefined, b: ConnectionState): boolean {
  return (
    a !== undefined &&
    a.kind === b.kind &&
    a.profile === b.profile &&
    a.region === b.region &&
    a.credentialsFound === b.credentialsFound &&
    a.showWelcome === b.showWelcome &&
    a.endpoint === b.endpoint &&
    a.registryId === b.registryId
  )
}

/** The connection in the cache, if it has loaded. */
export function cachedConnection(queryClient: QueryClient): ConnectionState | undefined {
  return queryClient.getQueryData<ConnectionState>(queryKeys.connection())
}

/**
 * Records a connection and refetches what depends on it. When the registry changed, the old
 * registry's requests are cancelled and its cache only marked stale (refetching it would ask the
 * new connection for the old key); the new key's queries fetch as they mount. When the same
 * registry was picked again (Check again), its queries on screen refetch.
 */
export async function applyConnection(
  queryClient: QueryClient,
  connection: ConnectionState,
): Promise<void> {
  const previous = cachedConnection(queryClient)
  const registry = queryKeys.registry(connectionKey(connection))
  const switched =
    previous === undefined ||
    JSON.stringify(queryKeys.registry(connectionKey(previous))) !== JSON.stringify(registry)
  if (previous && switched) {
    await queryClient.cancelQueries({ queryKey: queryKeys.registry(connectionKey(previous)) })
  }
  queryClient.setQueryData(queryKeys.connection(), connection)
  const registryRoot = registry[0]
  await Promise.all([
    queryClient.invalidateQueries(
      { queryKey: [registryRoot], refetchType: switched ? 'none' : 'active' },
      { cancelRefetch: false },
    ),
    queryClient.invalidateQueries(
      {
        predicate: ({ queryKey }) =>
          queryKey[0] !== queryKeys.connection()[0] && queryKey[0] !== registryRoot,
      },
      { cancelRefetch: false },
    ),
  ])
}
