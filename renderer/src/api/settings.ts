import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { invoke } from './ecr'
import { queryKeys } from './query-keys'

/** What main has to tell the user once about settings.json (null: nothing). */
export const settingsNoticeQuery = () =>
  queryOptions({
    queryKey: queryKeys.settingsNotice(),
    queryFn: () => invoke('settings:notice', {}),
    // Told once: nothing changes it but a dismissal, so it is never refetched on its own.
    staleTime: Infinity,
  })

/** The user has read the settings notice: main forgets it, and it goes at once. */
export function useDismissSettingsNotice() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => invoke('settings:dismiss-notice', {}),
    onMutate: () => queryClient.setQueryData(queryKeys.settingsNotice(), null),
  })
}

/** Trusts a public key for a repository prefix; main checks the PEM and refuses private keys. */
export function useAddTrustedKey() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (key: { name: string; repositoryPrefix: string; publicKeyPem: string }) =>
      invoke('settings:add-trusted-key', key),
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.settings(), settings),
  })
}

/** Stops trusting a key. */
export function useRemoveTrustedKey() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => invoke('settings:remove-trusted-key', { id }),
    onSuccess: (settings) => queryClient.setQueryData(queryKeys.settings(), settings),
  })
}
