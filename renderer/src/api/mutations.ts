import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { ConnectionChoice, ConnectionState } from '../../../shared/models/connection'
import type { Settings, SettingsPatch } from '../../../shared/models/settings'
import { invoke } from './ecr'
import { applyConnection, cachedConnection, sameConnection } from './query-client'
import { connectionKey, queryKeys } from './query-keys'

/** Switches profile/region or to the demo registry; main remembers the choice. */
export function useSetConnection() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (choice: ConnectionChoice) => invoke('connection:set', choice),
    onMutate: () => ({ before: cachedConnection(queryClient) }),
    onSuccess: (connection, _choice, context) => {
      // main's connection:changed event may have applied this state already; apply it again only
      // when it is what we had before, i.e. the same connection was picked to check it again.
      const alreadyApplied = sameConnection(cachedConnection(queryClient), connection)
      if (alreadyApplied && !sameConnection(context.before, connection)) return
      return applyConnection(queryClient, connection)
    },
  })
}

/** Browses another account's registry (null: the caller's own); main remembers it per profile. */
export function useSetRegistry() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (registryId: string | null) => invoke('connection:set-registry', { registryId }),
    onSuccess: (connection) => {
      // main's connection:changed event may have applied it already.
      if (sameConnection(cachedConnection(queryClient), connection)) return
      return applyConnection(queryClient, connection)
    },
  })
}

/** Saves a settings patch, showing it at once and rolling back if main refuses it. */
export function useUpdateSettings() {
  const queryClient = useQueryClient()
  const key = queryKeys.settings()
  return useMutation({
    mutationFn: (patch: SettingsPatch) => invoke('settings:update', patch),
    onMutate: async (patch) => {
      await queryClient.cancelQueries({ queryKey: key })
      const previous = queryClient.getQueryData<Settings>(key)
      if (previous) queryClient.setQueryData<Settings>(key, { ...previous, ...patch })
      return { previous }
    },
    onError: (_error, _patch, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous)
    },
    onSuccess: (settings) => {
      queryClient.setQueryData(key, settings)
    },
  })
}

/** Marks every query stale and refetches the ones on screen. */
export function useRefresh() {
  const queryClient = useQueryClient()
  return () => queryClient.invalidateQueries()
}

/**
 * BatchGetImage by tag, for a tag the list does not show: a pull-through cache fetches an image
 * from its upstream registry the first time it is asked for. The manifest is kept for the page.
 */
export function useOpenTag(connection: ConnectionState, repositoryName: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (imageTag: string) => invoke('ecr:get-manifest', { repositoryName, imageTag }),
    onSuccess: (manifest) =>
      queryClient.setQueryData(
        queryKeys.manifest(connectionKey(connection), repositoryName, manifest.digest),
        manifest,
      ),
  })
}
