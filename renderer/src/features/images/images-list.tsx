import { useInfiniteQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { useNavigate } from 'react-router'
import type { PullThroughRule, TagStatus } from '../../../../shared/models/image'
import type { ImageSort } from '../../../../shared/models/settings'
import { imageTagSchema } from '../../../../shared/schemas'
import { useOpenTag } from '../../api/mutations'
import { imagesQuery } from '../../api/queries'
import { useAllPages } from '../../api/use-all-pages'
import { ErrorPanel } from '../../components/error-panel'
import { formatCount } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { ListToolbar, Segmented, type Choice } from '../../components/toolbar'
import { useNow } from '../../components/use-now'
import { imagePath } from '../../routes'
import { useConnection } from '../connection/use-connection'
import { createImageFilter, imageCountLabel, imagesEmptyMessage, sortImages } from './image-list'
import { ImageTable } from './image-table'
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

  const { items: all, loadingMore, retry } = useAllPages(images)
  const sorted = useMemo(() => sortImages(all, sort), [all, sort])
  // Filtered in the keystroke's own render, not deferred: with results remembered and narrowed
  // (createImageFilter) it takes a few ms on 50,000 images, so the list repaints in the same frame
  // as the field (docs/benchmarks.md measures it).
  const filterSorted = useMemo(() => createImageFilter(sorted), [sorted])
  const shown = useMemo(() => filterSorted(filter), [filterSorted, filter])
  const filtering = filter.trim() !== ''

  usePageReady(pageSettled && images.status !== 'pending')

  // A tag that is not listed can still be asked for by name: a pull-through cache lists only what
  // it has fetched so far, and fetches the rest on request.
  const wantedTag = filter.trim()
  const offerTag =
    pullThroughRule !== null &&
    images.isSuccess &&
    !loadingMore &&
    imageTagSchema.safeParse(wantedTag).success &&
    !shown.some((image) => image.tags.includes(wantedTag))

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
      {images.data &&
        (shown.length === 0 && !loadingMore ? (
          <div className="empty-state">
            <p>{imagesEmptyMessage(filter, tagStatus)}</p>
            {(filtering || tagStatus !== 'ANY') && (
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  onClick={() => setView({ filter: '', tagStatus: 'ANY' })}
                >
                  Show all images
                </button>
              </div>
            )}
          </div>
        ) : (
          <ImageTable repositoryName={repositoryName} images={shown} sort={sort} now={now} />
        ))}
    </>
  )
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
