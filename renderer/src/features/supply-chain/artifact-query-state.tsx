import type { UseQueryResult } from '@tanstack/react-query'
import { ErrorPanel } from '../../components/error-panel'

interface ArtifactQueryStateProps {
  /** The artifact's query, not yet read: pending or failed. */
  query: Pick<UseQueryResult, 'isPending' | 'error' | 'isFetching' | 'refetch'>
  /** What is being done meanwhile, such as "Reading the SBOM…". */
  reading: string
}

/**
 * What an artifact view shows before its artifact is read: what it is doing, as a status, or the
 * error with Retry. Each view returns this while `!query.isSuccess`, then shows its data.
 */
export function ArtifactQueryState({ query, reading }: ArtifactQueryStateProps) {
  if (query.isPending)
    return (
      <p className="hint" role="status">
        {reading}
      </p>
    )
  return (
    <ErrorPanel
      error={query.error}
      retrying={query.isFetching}
      onRetry={() => void query.refetch()}
    />
  )
}
