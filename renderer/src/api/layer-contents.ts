import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { ConnectionState } from '../../../shared/models/connection'
import type {
  ContentsDiff,
  ContentsProgress,
  ContentsRef,
  ImageFilesystem,
  LayerIndex,
  PageCursor,
  Paged,
} from '../../../shared/models/layer-contents'
import { invoke, subscribe } from './ecr'
import { connectionKey, queryKeys } from './query-keys'
import { isDigest } from '../routes'
import { operationId } from './operation-ids'

/** A layer blob of a repository, as the contents channels take it. */
export interface LayerTarget {
  repositoryName: string
  digest: string
  mediaType: string
  size: number | null
  /** The image the layer was opened from, when known: an archived image's error names it. */
  imageDigest?: string
}

const imageRef = (ref: string) => (isDigest(ref) ? { imageDigest: ref } : { imageTag: ref })

/** A prefix for one page's operation IDs (the one scheme: api/operation-ids.ts). */
export { newOperationPrefix } from './operation-ids'

/**
 * A whole reply from a channel that pages its entries: fetches the pages in order, each from the
 * cursor the previous one named, and joins them, so a view sees the reply as one object.
 */
export async function allPages<T extends { entries: readonly unknown[] }>(
  fetchPage: (page: PageCursor | undefined) => Promise<Paged<T>>,
): Promise<T> {
  const first = await fetchPage(undefined)
  const { next, entryCount, ...reply } = first
  // A reply without a next cursor is whole.
  if (!next) return { ...reply, entries: first.entries } as unknown as T
  const entries: unknown[] = []
  for (const entry of first.entries) entries.push(entry)
  for (let cursor: PageCursor | null = next; cursor;) {
    const page = await fetchPage(cursor)
    for (const entry of page.entries) entries.push(entry)
    cursor = page.next
  }
  if (entries.length !== entryCount) {
    throw new Error(`Expected ${entryCount} entries across the pages, got ${entries.length}.`)
  }
  return { ...reply, entries } as unknown as T
}

/**
 * An image's merged filesystem, or one layer of it against the layers below, or (`through`) the
 * filesystem as it stands after one layer.
 */
export const imageFilesystemQuery = (
  connection: ConnectionState,
  repositoryName: string,
  ref: string,
  layer: number | null,
  prefix: string,
  through: number | null = null,
) =>
  queryOptions({
    queryKey: queryKeys.contents(
      connectionKey(connection),
      repositoryName,
      through === null ? 'image' : 'image-through',
      ref,
      through ?? layer,
    ),
    queryFn: () =>
      allPages<ImageFilesystem>((page) =>
        invoke('contents:image-filesystem', {
          operationId: operationId(prefix),
          repositoryName,
          ...imageRef(ref),
          ...(layer === null ? {} : { layer }),
          ...(through === null ? {} : { through }),
          ...(page ? { page } : {}),
        }),
      ),
  })

/** One layer's index on its own. */
export const layerIndexQuery = (connection: ConnectionState, layer: LayerTarget, prefix: string) =>
  queryOptions({
    queryKey: queryKeys.contents(
      connectionKey(connection),
      layer.repositoryName,
      'layer',
      layer.digest,
    ),
    queryFn: () =>
      allPages<LayerIndex>((page) =>
        invoke('contents:index', {
          operationId: operationId(prefix),
          ...layer,
          ...(page ? { page } : {}),
        }),
      ),
  })

/** One side of a diff, from the URL's form. */
export function contentsRef(
  side: string | { digest: string; mediaType: string; size: number | null },
): ContentsRef {
  return typeof side === 'string'
    ? { kind: 'image', ...imageRef(side) }
    : { kind: 'layer', digest: side.digest, mediaType: side.mediaType, size: side.size }
}

/** The differences between two images or layers, optionally under one path. */
export const contentsDiffQuery = (
  connection: ConnectionState,
  repositoryName: string,
  from: ContentsRef,
  to: ContentsRef,
  path: string | null,
  prefix: string,
) =>
  queryOptions({
    queryKey: queryKeys.contents(
      connectionKey(connection),
      repositoryName,
      'diff',
      JSON.stringify(from),
      JSON.stringify(to),
      path,
    ),
    queryFn: () =>
      allPages<ContentsDiff>((page) =>
        invoke('contents:diff', {
          operationId: operationId(prefix),
          repositoryName,
          from,
          to,
          ...(path ? { path } : {}),
          ...(page ? { page } : {}),
        }),
      ),
  })

/** A small text file's contents, shown in place. */
export const previewQuery = (connection: ConnectionState, layer: LayerTarget, path: string) =>
  queryOptions({
    queryKey: queryKeys.contents(
      connectionKey(connection),
      layer.repositoryName,
      'preview',
      layer.digest,
      path,
    ),
    queryFn: () => invoke('contents:preview', { ...layer, path }),
  })

/** The sizes of the layer index and blob caches. */
export const contentsCacheQuery = () =>
  queryOptions({
    queryKey: ['contents-cache'] as const,
    queryFn: () => invoke('contents:cache', {}),
  })

/** Empties the layer caches, and forgets the indexes the renderer holds. */
export function useClearContentsCache() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => invoke('contents:clear-cache', {}),
    onSuccess: (info) => {
      queryClient.setQueryData(contentsCacheQuery().queryKey, info)
    },
  })
}

/** Extracts a file or folder of a layer to a folder the user picks. */
export function useExtract(prefix: string) {
  return useMutation({
    mutationFn: (request: LayerTarget & { path: string }) =>
      invoke('contents:extract', { operationId: operationId(prefix), ...request }),
  })
}

/**
 * The latest progress of this page's operations (null once they end), and a cancel for the one
 * under way. Listens to main's `contents:progress`; never polls.
 */
export function useContentsProgress(prefix: string): {
  progress: ContentsProgress | null
  cancel: () => void
} {
  const [progress, setProgress] = useState<ContentsProgress | null>(null)
  useEffect(
    () =>
      subscribe('contents:progress', (payload) => {
        if (!payload.operationId.startsWith(`${prefix}-`)) return
        const over = ['done', 'failed', 'cancelled'].includes(payload.phase)
        setProgress(over ? null : payload)
      }),
    [prefix],
  )
  const cancel = () => {
    if (progress) void invoke('operations:cancel', { operationId: progress.operationId })
  }
  return { progress, cancel }
}
