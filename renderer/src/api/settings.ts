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
