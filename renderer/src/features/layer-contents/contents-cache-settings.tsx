import { useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { contentsCacheQuery, useClearContentsCache } from '../../api/layer-contents'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes, pluralize } from '../../components/format'

/**
 * The layer caches for the settings page: how much the indexes and blobs take, and a button to
 * clear them. Reopening a layer after clearing reads it again from ECR.
 */
export function ContentsCacheSettings() {
  const info = useQuery(contentsCacheQuery())
  const clear = useClearContentsCache()
  const headingId = useId()
  return (
    <section aria-labelledby={headingId} className="contents-cache">
      <h2 id={headingId}>Layer contents cache</h2>
      {info.data && (
        <p role="status">
          Indexes: {pluralize(info.data.indexCount, 'layer', 'layers')},{' '}
          {formatBytes(info.data.indexBytes)} of {formatBytes(info.data.indexLimitBytes)}. Layer
          blobs: {formatBytes(info.data.blobBytes)} of {formatBytes(info.data.blobLimitBytes)}.
        </p>
      )}
      <button type="button" onClick={() => clear.mutate()} disabled={clear.isPending}>
        Clear layer contents cache
      </button>
      {(info.isError || clear.isError) && <ErrorPanel error={info.error ?? clear.error} />}
    </section>
  )
}
