import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type { ConnectionState } from '../../../shared/models/connection'
import { invoke } from './ecr'
import { connectionKey, queryKeys } from './query-keys'

/** DescribeRepositories' largest page: fewer round trips for registries with thousands. */
export const REPOSITORIES_PAGE_SIZE = 1000

export const connectionQuery = () =>
  queryOptions({
    queryKey: queryKeys.connection(),
    queryFn: () => invoke('getConnection', {}),
  })

export const profilesQuery = () =>
  queryOptions({
    queryKey: queryKeys.profiles(),
    queryFn: () => invoke('listProfiles', {}),
  })

export const settingsQuery = () =>
  queryOptions({
    queryKey: queryKeys.settings(),
    queryFn: () => invoke('getSettings', {}),
  })

export const identityQuery = (connection: ConnectionState) =>
  queryOptions({
    queryKey: queryKeys.identity(connectionKey(connection)),
    queryFn: () => invoke('getIdentity', {}),
  })

export const callerIdentityQuery = (connection: ConnectionState) =>
  queryOptions({
    queryKey: queryKeys.callerIdentity(connectionKey(connection)),
    queryFn: () => invoke('getCallerIdentity', {}),
  })

export const repositoriesQuery = (connection: ConnectionState) =>
  infiniteQueryOptions({
    queryKey: queryKeys.repositories(connectionKey(connection)),
    queryFn: ({ pageParam }) =>
      invoke('listRepositories', {
        maxResults: REPOSITORIES_PAGE_SIZE,
        ...(pageParam === undefined ? {} : { nextToken: pageParam }),
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextToken ?? undefined,
  })

export const repositoryQuery = (connection: ConnectionState, repositoryName: string) =>
  queryOptions({
    queryKey: queryKeys.repository(connectionKey(connection), repositoryName),
    queryFn: () => invoke('describeRepository', { repositoryName }),
  })
