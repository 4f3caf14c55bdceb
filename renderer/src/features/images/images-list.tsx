import { useInfiniteQuery, useQueries } from '@tanstack/react-query'
import { useCallback, useMemo, useState, type CSSProperties } from 'react'
import { useNavigate } from 'react-router'
import type {
  ImageStatus,
  ImageSummary,
  PullThroughRule,
  TagStatus,
} from '../../../../shared/models/image'
import type { ImageSort } from '../../../../shared/models/settings'
import { imageTagSchema } from '../../../../shared/schemas'
import { useOpenTag } from '../../api/mutations'
import { imagesQuery, manifestQuery } from '../../api/queries'
import { useAllPages } from '../../api/use-all-pages'
import { ColumnsMenu } from '../../components/columns-menu'
import { ErrorPanel } from '../../components/error-panel'
import { formatCount } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { ListToolbar, Segmented, type Choice } from '../../components/toolbar'
import { useNow } from '../../components/use-now'
import { imagePath } from '../../routes'
import { useConnection } from '../connection/use-connection'
import { buildGraph, graphRows, indexChildren, type ImageRow } from './image-graph'
import {
  createImageFilter,
  imageCountLabel,
  imagesEmptyMessage,
  createImageSorter,
} from './image-filter'
import { isIndexType } from './labels'
import { IMAGE_COLUMNS, ImageTable } from './image-table'
import { fitColumns, setColumnHidden, useHiddenColumns } from './column-choice'
import { isDefaultView, useImageView } from './view-state'
import './images.css'

const SORTS: readonly Choice<ImageSort>[] = [
  { value: 'pushed', label: 'Pushed' },
  { value: 'size', label: 'Size' },
  { value: 'tag', label: 'Tag' },
]

const TAG_STATUSES: readonly Choice<TagStatus>[] = [
  { value: 'ANY', label: 'All' },
  { value: 'TAGGED', label: 'Tagged' },
  { value: 'UNTAGGED', label: 'Untagged' },
]

type StatusChoice = ImageStatus | 'ANY'

const STATUSES: readonly Choice<StatusChoice>[] = [
  { value: 'ANY', label: 'Any status' },
  { value: 'ACTIVE', label: 'Active' },
  { value: 'ARCHIVED', label: 'Archived' },
  { value: 'ACTIVATING', label: 'Activating' },
]

// Index manifests read to place platform children: bounded, so a repository of thousands of
// indexes costs at most this many BatchGetImage calls (the rest keep their children as rows).
const MAX_INDEX_MANIFESTS = 50

const imageOfRow = (row: ImageRow) => row.image
const NO_IMAGES: readonly ImageSummary[] = []

interface ImagesListProps {
  repositoryName: string
  /** Whether the rest of the page has settled its first data, for data-app-state. */
  pageSettled: boolean
  /** The cache rule the repository comes from, if it is a pull-through cache. */
  pullThroughRule: PullThroughRule | null
}

/**
 * Every image of a repository (DescribeImages, every page of 1000), filtered by tag or digest
 * prefix and sorted on this side. The tag-status switch is a server-side filter: it changes the
 * query. Filter, sort and tag status are remembered per repository (view-state.ts): each
 * repository opens as it was last left, and the toolbar says so and offers to reset it.
 */
export function ImagesList({ repositoryName, pageSettled, pullThroughRule }: ImagesListProps) {
  const connection = useConnection()
  const [view, setView, resetView] = useImageView(repositoryName)
  const { filter, sort, tagStatus } = view
  const setFilter = (value: string) => setView({ filter: value })
  const images = useInfiniteQuery(imagesQuery(connection, repositoryName, tagStatus))
  const now = useNow()

  const { items: listed, loadingMore, retry } = useAllPages(images)
  const [status, setStatus] = useState<StatusChoice>('ANY')
  const [flat, setFlat] = useState(false)
  const all = useMemo(
    () => (status === 'ANY' ? listed : listed.filter((image) => image.imageStatus === status)),
    [listed, status],
  )

  // Only indexes' manifests, only once the listing is complete (flat rows still say what they
  // are part of, so the flat view reads them too; the image page reuses them from the cache).
  // Not while pages still arrive: that would be another pass over every image per page.
  const allIndexes = useMemo(
    () => (loadingMore ? NO_IMAGES : listed.filter((i) => isIndexType(i.manifestMediaType))),
    [listed, loadingMore],
  )
  const indexes = useMemo(() => allIndexes.slice(0, MAX_INDEX_MANIFESTS), [allIndexes])
  const manifests = useQueries({
    queries: indexes.map((image) => ({
      ...manifestQuery(connection, repositoryName, image.digest),
      staleTime: Infinity,
    })),
  })
  const manifestsKey = manifests.map((m) => (m.data ? '1' : '0')).join('')
  const indexed = useMemo(
    () => indexChildren(indexes.map((image, i) => ({ image, manifest: manifests[i]?.data }))),
    // manifestsKey changes exactly when a manifest arrives; the array itself is new every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [indexes, manifestsKey],
  )
  const childrenKnown =
    !loadingMore && manifests.every((m) => !m.isPending) && allIndexes.length <= MAX_INDEX_MANIFESTS
  const graph = useMemo(
    () => buildGraph(listed, indexed, childrenKnown),
    [listed, indexed, childrenKnown],
  )

  // Each page arriving is merged into the sorted list so far, not sorted again with it.
  const [sortImages] = useState(createImageSorter)
  const sorted = useMemo(() => sortImages(all, sort), [sortImages, all, sort])
  // Every image's row, in order, grouped or not: built when the list or the graph changes, never
  // on a keystroke. Filtered in the keystroke's own render, not deferred: with results remembered
  // and narrowed (createImageFilter) it takes a few ms on 50,000 images, so the list repaints in
  // the same frame as the field (docs/benchmarks.md measures it).
  const everyRow = useMemo(() => graphRows(sorted, graph, true), [sorted, graph])
  const filterRows = useMemo(() => createImageFilter(everyRow, imageOfRow), [everyRow])
  // Every image that matches, the ones shown under their subject or index included.
  const shown = useMemo(() => filterRows(filter), [filterRows, filter])
  const rows = useMemo(
    () => (flat || !graph.grouped ? shown : shown.filter((row) => row.partOf === null)),
    [shown, flat, graph],
  )
  const filtering = filter.trim() !== ''
  const [tableBox, tableWidth] = useWidth()
  const hiddenColumns = useHiddenColumns()
  const fitted = useMemo(
    () => fitColumns(IMAGE_COLUMNS, hiddenColumns, tableWidth, TABLE_CHROME),
    [hiddenColumns, tableWidth],
  )
  const noRoom = useMemo(() => new Set(fitted.noRoom.map((c) => c.id)), [fitted])
  const tableMinWidth =
    fitted.shown.reduce((sum, column) => sum + column.minWidth, 0) + TABLE_CHROME

  usePageReady(pageSettled && images.status !== 'pending')

  // A tag that is not listed can still be asked for by name: a pull-through cache lists only what
  // it has fetched so far, and fetches the rest on request.
  const wantedTag = filter.trim()
  const offerTag =
    pullThroughRule !== null &&
    images.isSuccess &&
    !loadingMore &&
    imageTagSchema.safeParse(wantedTag).success &&
    !shown.some((row) => row.image.tags.includes(wantedTag))

  return (
    <>
      <ListToolbar
        filter={{
          label: 'Filter images',
          placeholder: 'Filter by tag or digest (sha256:…)',
          value: filter,
          onChange: setFilter,
        }}
        sort={{ value: sort, choices: SORTS, onChange: (value) => setView({ sort: value }) }}
        count={
          images.isPending
            ? 'Loading images…'
            : images.data
              ? imageCountLabel(shown.length, all.length, filtering, tagStatus)
              : ''
        }
        countFilter={filter}
        trailing={
          <>
            {loadingMore && images.data && (
              <span className="hint">{`Loading… ${formatCount(all.length)} so far`}</span>
            )}
            {!isDefaultView(view) && (
              <span className="remembered">
                View kept for this repository
                <button type="button" className="quiet small" onClick={resetView}>
                  Reset view
                </button>
              </span>
            )}
          </>
        }
      >
        <Segmented
          legend="Tag status"
          name={`tag-status-${repositoryName}`}
          value={tagStatus}
          choices={TAG_STATUSES}
          onChange={(value) => setView({ tagStatus: value })}
        />
        <Segmented
          legend="Image status"
          name={`image-status-${repositoryName}`}
          value={status}
          choices={STATUSES}
          onChange={setStatus}
        />
        <label className="flat-toggle">
          <input type="checkbox" checked={flat} onChange={(e) => setFlat(e.target.checked)} />
          Show every manifest as stored
        </label>
        <ColumnsMenu
          columns={IMAGE_COLUMNS.map((c) => ({
            id: c.id,
            label: c.label,
            locked: c.priority === 1,
          }))}
          hidden={hiddenColumns}
          noRoom={noRoom}
          onToggle={(id, show) => setColumnHidden(id, !show)}
        />
      </ListToolbar>

      {offerTag && pullThroughRule && (
        <OpenTag
          repositoryName={repositoryName}
          tag={wantedTag}
          pullThroughRule={pullThroughRule}
        />
      )}

      {images.isError && (
        <ErrorPanel error={images.error} retrying={images.isFetching} onRetry={retry} />
      )}
      {/* Mounted while the first page loads, so its width is known (and the columns fitted) before
          the first rows render, instead of rendering them once with every column and again. */}
      <div
        className="images-table-box"
        ref={tableBox}
        style={{ '--table-min-width': `${tableMinWidth}px` } as CSSProperties}
      >
        {images.data &&
          (rows.length === 0 && !loadingMore ? (
            <div className="empty-state">
              <p>{imagesEmptyMessage(filter, tagStatus)}</p>
              {(filtering || tagStatus !== 'ANY' || status !== 'ANY') && (
                <div className="actions">
                  <button
                    type="button"
                    className="primary"
                    onClick={() => {
                      setStatus('ANY')
                      setView({ filter: '', tagStatus: 'ANY' })
                    }}
                  >
                    Show all images
                  </button>
                </div>
              )}
            </div>
          ) : (
            <ImageTable
              repositoryName={repositoryName}
              rows={rows}
              sort={sort}
              now={now}
              columns={fitted.shown}
            />
          ))}
      </div>
    </>
  )
}

// The row's side padding and the scroll gutter, beside the columns' own widths.
const TABLE_CHROME = 48

/**
 * A box's width in px as it changes: measured when the box is attached, in the commit, so the
 * re-render with the columns that fit happens before the browser paints; then followed with a
 * ResizeObserver. Infinity before that, or where the box has no layout (jsdom).
 */
function useWidth(): [(element: HTMLDivElement | null) => () => void, number] {
  const [width, setWidth] = useState(Infinity)
  const attach = useCallback((element: HTMLDivElement | null) => {
    if (!element || typeof ResizeObserver === 'undefined') return () => {}
    const measured = element.getBoundingClientRect().width
    if (measured > 0) setWidth(measured)
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(entry.contentRect.width)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  return [attach, width]
}

/** Asks BatchGetImage for a tag the list does not have, and opens it if ECR (or the upstream) has it. */
function OpenTag({
  repositoryName,
  tag,
  pullThroughRule,
}: {
  repositoryName: string
  tag: string
  pullThroughRule: PullThroughRule
}) {
  const connection = useConnection()
  const navigate = useNavigate()
  const openTag = useOpenTag(connection, repositoryName)
  const failed = openTag.isError && openTag.variables === tag
  const open = () =>
    openTag.mutate(tag, {
      onSuccess: (manifest) => void navigate(imagePath(repositoryName, manifest.digest)),
    })
  return (
    <div className="open-tag">
      <p>
        {`No listed image is tagged "${tag}". `}
        {`This pull-through cache lists only what it has fetched; asking for the tag makes ECR fetch it from ${pullThroughRule.upstreamRegistryUrl} if the upstream has it.`}{' '}
        <button type="button" disabled={openTag.isPending} onClick={open}>
          {`Open tag ${tag}`}
        </button>
      </p>
      {failed && <ErrorPanel error={openTag.error} retrying={openTag.isPending} onRetry={open} />}
    </div>
  )
}
