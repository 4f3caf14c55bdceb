import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query'
import { useEffect, useMemo } from 'react'
import type { Page } from '../../../shared/models/repository'

/** What a list page needs from an infinite query it reads to the end. */
export interface AllPages<T> {
  /** The items of every page fetched so far, in order. */
  items: T[]
  /** Whether more pages are on their way (not after an error). */
  loadingMore: boolean
  /** Retries what failed: the next page if that was it, else the whole list. */
  retry: () => void
}

/** Fetches every page of a paginated listing, one after another; rows show from the first page on. */
export function useAllPages<T, TPageParam, TError>(
  query: UseInfiniteQueryResult<InfiniteData<Page<T>, TPageParam>, TError>,
): AllPages<T> {
  // Waiting for isFetching (not just isFetchingNextPage) keeps this from cancelling a Refresh's
  // refetch. pageCount is a dependency because a fast page can go fetching -> idle within one render.
  const { hasNextPage, isFetching, isFetchNextPageError, fetchNextPage, data } = query
  const pageCount = data?.pages.length ?? 0
  useEffect(() => {
    if (hasNextPage && !isFetching && !isFetchNextPageError) void fetchNextPage()
  }, [hasNextPage, isFetching, isFetchNextPageError, fetchNextPage, pageCount])

  const items = useMemo(() => data?.pages.flatMap((page) => page.items) ?? [], [data])
  const loadingMore = !query.isError && (hasNextPage || query.isFetchingNextPage)
  const retry = () => void (isFetchNextPageError ? fetchNextPage() : query.refetch())
  return { items, loadingMore, retry }
}
