import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import type { ConnectionState } from '../../../shared/models/connection'
import type { TagStatus } from '../../../shared/models/image'
import { invoke } from './ecr'
import { connectionKey, queryKeys } from './query-keys'
import { createReadAhead } from './read-ahead'

/** DescribeRepositories' largest page: fewer round trips for registries with thousands. */
export const REPOSITORIES_PAGE_SIZE = 1000
/** DescribeImages' largest page: 50,000 images take 50 calls. */
export const IMAGES_PAGE_SIZE = 1000

export const connectionQuery = () =>
  queryOptions({
    queryKey: queryKeys.connection(),
    queryFn: () => invoke('connection:get', {}),
  })

export const profilesQuery = () =>
  queryOptions({
    queryKey: queryKeys.profiles(),
    queryFn: () => invoke('connection:list-profiles', {}),
  })

export const settingsQuery = () =>
  queryOptions({
    queryKey: queryKeys.settings(),
    queryFn: () => invoke('settings:get', {}),
  })

export const identityQuery = (connection: ConnectionState) =>
  queryOptions({
    queryKey: queryKeys.identity(connectionKey(connection)),
    queryFn: () => invoke('connection:identity', {}),
  })

export const callerIdentityQuery = (connection: ConnectionState) =>
  queryOptions({
    queryKey: queryKeys.callerIdentity(connectionKey(connection)),
    queryFn: () => invoke('connection:caller-identity', {}),
  })

export const repositoriesQuery = (connection: ConnectionState) =>
  infiniteQueryOptions({
    queryKey: queryKeys.repositories(connectionKey(connection)),
    queryFn: ({ pageParam }) =>
      invoke('ecr:list-repositories', {
        maxResults: REPOSITORIES_PAGE_SIZE,
        ...(pageParam === undefined ? {} : { nextToken: pageParam }),
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextToken ?? undefined,
  })

export const repositoryQuery = (connection: ConnectionState, repositoryName: string) =>
  queryOptions({
    queryKey: queryKeys.repository(connectionKey(connection), repositoryName),
    queryFn: () => invoke('ecr:describe-repository', { repositoryName }),
  })

/** Pull-through cache rules, to mark the repositories they created. */
export const pullThroughRulesQuery = (connection: ConnectionState) =>
  queryOptions({
    queryKey: queryKeys.pullThroughRules(connectionKey(connection)),
    queryFn: () => invoke('ecr:list-pull-through-rules', {}),
  })

const readAhead = createReadAhead()

/** DescribeImages for a repository, one page of 1000 at a time; the page follows every page. */
export const imagesQuery = (
  connection: ConnectionState,
  repositoryName: string,
  tagStatus: TagStatus,
) =>
  infiniteQueryOptions({
    queryKey: queryKeys.images(connectionKey(connection), repositoryName, tagStatus),
    // 50 pages of 50,000 images: each is asked for while the one before it renders.
    queryFn: ({ pageParam, queryKey }) =>
      readAhead(JSON.stringify(queryKey), pageParam, (token) =>
        invoke('ecr:list-images', {
          repositoryName,
          tagStatus,
          maxResults: IMAGES_PAGE_SIZE,
          ...(token === undefined ? {} : { nextToken: token }),
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextToken ?? undefined,
  })

/** One image's DescribeImages entry: tags, size, push and pull times, scan status. */
export const imageQuery = (
  connection: ConnectionState,
  repositoryName: string,
  imageDigest: string,
) =>
  queryOptions({
    queryKey: queryKeys.image(connectionKey(connection), repositoryName, imageDigest),
    queryFn: () => invoke('ecr:describe-image', { repositoryName, imageDigest }),
  })

/** BatchGetImage by digest: the parsed manifest or index. */
export const manifestQuery = (
  connection: ConnectionState,
  repositoryName: string,
  digest: string,
) =>
  queryOptions({
    queryKey: queryKeys.manifest(connectionKey(connection), repositoryName, digest),
    queryFn: () => invoke('ecr:get-manifest', { repositoryName, imageDigest: digest }),
  })

/**
 * The image config blob, fetched through GetDownloadUrlForLayer and verified by main. The image's
 * digest only names it in an error (an archived image's restore command); the blob is the key.
 */
export const configQuery = (
  connection: ConnectionState,
  repositoryName: string,
  digest: string,
  imageDigest?: string,
) =>
  queryOptions({
    queryKey: queryKeys.config(connectionKey(connection), repositoryName, digest),
    queryFn: () => invoke('ecr:get-config', { repositoryName, digest, imageDigest }),
  })

/** BatchCheckLayerAvailability for one manifest's layers. */
export const layerAvailabilityQuery = (
  connection: ConnectionState,
  repositoryName: string,
  manifestDigest: string,
  layerDigests: string[],
) =>
  queryOptions({
    queryKey: queryKeys.layerAvailability(
      connectionKey(connection),
      repositoryName,
      manifestDigest,
    ),
    queryFn: () => invoke('ecr:check-layers', { repositoryName, layerDigests }),
  })
