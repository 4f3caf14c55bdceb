import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { subscribe } from './ecr'
import { applyConnection, cachedConnection, sameConnection } from './query-client'

/** Keeps the cache in step with main's connection:changed event, for as long as it is mounted. */
export function useConnectionEvents(): void {
  const queryClient = useQueryClient()
  useEffect(
    () =>
      subscribe('connection:changed', (connection) => {
        // The setConnection mutation may have applied this state already.
        if (!sameConnection(cachedConnection(queryClient), connection)) {
          void applyConnection(queryClient, connection)
        }
      }),
    [queryClient],
  )
}
