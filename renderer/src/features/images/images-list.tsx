import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useId, useMemo, useState } from 'react'
import { useNavigate } from 'react-router'
import type { PullThroughRule, TagStatus } from '../../../../shared/models/image'
import type { ImageSort } from '../../../../shared/models/settings'
import { imageTagSchema } from '../../../../shared/schemas'
import { useOpenTag, useUpdateSettings } from '../../api/mutations'
import { imagesQuery, settingsQuery } from '../../api/queries'
import { useAllPages } from '../../api/use-all-pages'
import { ErrorPanel, MutationErrorPanel } from '../../components/error-panel'
import { FilterField } from '../../components/filter-field'
import { formatCount } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { useRememberedState } from '../../components/remembered'
import { useNow } from '../../components/use-now'
import { imagePath } from '../../routes'
import { useConnection } from '../connection/use-connection'
import { createImageFilter, imageCountLabel, imagesEmptyMessage, sortImages } from './image-list'
import { ImageTable } from './image-table'

const TAG_STATUSES: ReadonlyArray<{ value: TagStatus; label: string }> = [
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
 * query. Sort and tag status are remembered in the settings.
 */
export function ImagesList({ repositoryName, pageSettled, pullThroughRule }: ImagesListProps) {
  const connection = useConnection()
  const settings = useQuery(settingsQuery())
  const updateSettings = useUpdateSettings()
  // What the user just picked shows at once: a controlled radio that waited for the settings
  // round trip would snap back for a moment.
  const [picked, setPicked] = useState<{ tagStatus?: TagStatus; imageSort?: ImageSort }>({})
  const tagStatus: TagStatus = picked.tagStatus ?? settings.data?.tagStatus ?? 'ANY'
  const sort: ImageSort = picked.imageSort ?? settings.data?.imageSort ?? 'pushed'
  const choose = (patch: { tagStatus?: TagStatus; imageSort?: ImageSort }) => {
    setPicked((current) => ({ ...current, ...patch }))
    updateSettings.mutate(patch, {
      // main refused it: show what is saved again.
      onError: () => setPicked({}),
    })
  }
  const images = useInfiniteQuery({
    ...imagesQuery(connection, repositoryName, tagStatus),
    // The remembered tag status decides the first call; do not ask twice.
    enabled: !settings.isPending,
  })
  const [filter, setFilter] = useRememberedState('filter', '')
  const sortId = useId()
  const now = useNow()

  const { items: all, loadingMore, retry } = useAllPages(images)
  const sorted = useMemo(() => sortImages(all, sort), [all, sort])
  // Filtered in the keystroke's own render, not deferred: with results remembered and narrowed
  // (createImageFilter) it takes a few ms on 50,000 images, so the list repaints in the same frame
  // as the field (docs/benchmarks.md measures it).
  const filterSorted = useMemo(() => createImageFilter(sorted), [sorted])
  const shown = useMemo(() => filterSorted(filter), [filterSorted, filter])
  const filtering = filter.trim() !== ''

  usePageReady(pageSettled && !settings.isPending && images.status !== 'pending')

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
      <div className="toolbar">
        <FilterField
          label="Filter images"
          placeholder="Filter by tag or digest (sha256:…)"
          value={filter}
          onChange={setFilter}
        />
        <label htmlFor={sortId}>Sort by</label>
        <select
          id={sortId}
          value={sort}
          onChange={(event) => choose({ imageSort: event.target.value as ImageSort })}
        >
          <option value="pushed">Pushed</option>
          <option value="size">Size</option>
          <option value="tag">Tag</option>
        </select>
        <fieldset className="segmented">
          <legend>Tag status</legend>
          {TAG_STATUSES.map((option) => (
            <label key={option.value}>
              <input
                type="radio"
                name={`tag-status-${repositoryName}`}
                value={option.value}
                checked={tagStatus === option.value}
                onChange={() => choose({ tagStatus: option.value })}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
        {/* data-filter: the filter the list on screen reflects (the benchmark waits for it). */}
        <span role="status" className="count" data-filter={filter}>
          {images.isPending
            ? 'Loading images…'
            : images.data
              ? imageCountLabel(shown.length, all.length, filtering, tagStatus)
              : ''}
        </span>
        {loadingMore && images.data && (
          <span className="hint">{`Loading… ${formatCount(all.length)} so far`}</span>
        )}
      </div>

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
      <MutationErrorPanel mutation={updateSettings} />

      {images.data &&
        (shown.length === 0 && !loadingMore ? (
          <p className="empty-state">{imagesEmptyMessage(filter, tagStatus)}</p>
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
