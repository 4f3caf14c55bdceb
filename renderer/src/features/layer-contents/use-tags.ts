import { useInfiniteQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { imagesQuery } from '../../api/queries'
import { useConnection } from '../connection/use-connection'

/** The repository's tags, for comparing one image with another. */
export function useTags(repositoryName: string): string[] {
  const connection = useConnection()
  const images = useInfiniteQuery(imagesQuery(connection, repositoryName, 'TAGGED'))
  return useMemo(
    () =>
      (images.data?.pages.flatMap((page) => page.items) ?? [])
        .flatMap((image) => image.tags)
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    [images.data],
  )
}
