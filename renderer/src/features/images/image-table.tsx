import { memo } from 'react'
import { Link } from 'react-router'
import type { ImageSummary } from '../../../../shared/models/image'
import type { ImageSort } from '../../../../shared/models/settings'
import { formatBytes, formatExactBytes } from '../../components/format'
import { RelativeTime } from '../../components/time-label'
import { VirtualTable, type Column } from '../../components/virtual-table'
import { imagePath } from '../../routes'
import { kindsLabel, statusLabel, type ImageRow } from './image-graph'
import {
  artifactTypeLabel,
  formatScan,
  isIndexType,
  manifestTypeLabel,
  shortDigest,
} from './labels'

interface ImageTableProps {
  repositoryName: string
  rows: readonly ImageRow[]
  sort: ImageSort
  now: number
}

/** A repository's images as a virtualized table; Enter or a click opens an image. */
// Memoized: the page also re-renders for things that leave the rows alone (a settings save, the
// loading hint, the Open tag bar), and re-rendering ~40 rows of cells is most of a frame's work.
export const ImageTable = memo(function ImageTable({
  repositoryName,
  rows,
  sort,
  now,
}: ImageTableProps) {
  const path = (image: ImageSummary) => imagePath(repositoryName, image.digest)
  const columns: Column<ImageRow>[] = [
    {
      header: 'Tags',
      sort: sort === 'tag' ? 'ascending' : undefined,
      className: 'cell-name',
      title: (row) => rowTitle(row),
      cell: (row) => <TagsCell row={row} to={path(row.image)} now={now} />,
    },
    {
      header: 'Digest',
      className: 'cell-digest',
      title: ({ image }) => image.digest,
      cell: ({ image }) => shortDigest(image.digest),
    },
    {
      header: 'Pushed',
      sort: sort === 'pushed' ? 'descending' : undefined,
      cell: ({ image }) => <RelativeTime iso={image.pushedAt} now={now} />,
    },
    {
      header: 'Size',
      sort: sort === 'size' ? 'descending' : undefined,
      className: 'cell-number',
      title: ({ image }) =>
        isIndexType(image.manifestMediaType) && image.sizeInBytes !== null
          ? `${formatExactBytes(image.sizeInBytes)} (the largest platform, compressed)`
          : formatExactBytes(image.sizeInBytes),
      cell: ({ image }) => formatBytes(image.sizeInBytes),
    },
    {
      header: 'Type',
      title: ({ image }) =>
        [image.manifestMediaType, image.artifactMediaType].filter(Boolean).join('\n') || undefined,
      cell: ({ image }) => {
        const artifact = artifactTypeLabel(image.artifactMediaType)
        const manifest = manifestTypeLabel(image.manifestMediaType)
        return artifact ? `${manifest} · ${artifact}` : manifest
      },
    },
    {
      header: 'Last pull',
      cell: ({ image }) => <RelativeTime iso={image.lastRecordedPullTime} now={now} />,
    },
    {
      header: 'Scan',
      title: ({ image }) => (image.scanStatus ? `Scan status: ${image.scanStatus}` : undefined),
      cell: ({ image }) => formatScan(image.scanStatus, image.scanFindings),
    },
  ]
  return (
    <VirtualTable
      label="Images"
      className="images-table"
      rows={rows}
      columns={columns}
      rowKey={(row) => row.image.digest}
      rowPath={(row) => path(row.image)}
    />
  )
})

/** The tags, then what the row is: its status, what hangs on it, its platforms, or dangling. */
function TagsCell({ row, to, now }: { row: ImageRow; to: string; now: number }) {
  const { image } = row
  return (
    <>
      <Link to={to} tabIndex={-1} className={image.tags.length ? undefined : 'untagged'}>
        {image.tags.length ? image.tags.join(', ') : (row.partOf ?? 'untagged')}
      </Link>
      {image.imageStatus !== 'ACTIVE' && (
        <span className={`badge status-${image.imageStatus.toLowerCase()}`}>
          {statusLabel(image.imageStatus)}
          {image.lastArchivedAt && image.imageStatus === 'ARCHIVED' && (
            <>
              {' '}
              <RelativeTime iso={image.lastArchivedAt} now={now} />
            </>
          )}
        </span>
      )}
      {row.referrers.length > 0 && (
        <span className="badge referrers" title={`${row.referrers.length} attached`}>
          {`${kindsLabel(row.kinds)} (${row.referrers.length})`}
        </span>
      )}
      {row.children.length > 0 && (
        <span className="badge">{`${row.children.length} platform manifests`}</span>
      )}
      {row.partOf !== null && image.tags.length > 0 && <span className="badge">{row.partOf}</span>}
      {row.dangling && (
        <span
          className="badge dangling"
          title="No tag, no index lists it, and it refers to nothing: lifecycle rules usually expire such images"
        >
          dangling
        </span>
      )}
    </>
  )
}

function rowTitle(row: ImageRow): string | undefined {
  const lines: string[] = []
  if (row.image.tags.length > 1) lines.push(row.image.tags.join(', '))
  if (row.image.lastArchivedAt) lines.push(`Archived ${row.image.lastArchivedAt}`)
  if (row.image.lastActivatedAt) lines.push(`Restored ${row.image.lastActivatedAt}`)
  for (const r of row.referrers) lines.push(`Attached: ${r.artifactMediaType ?? r.tags.join(', ')}`)
  return lines.length ? lines.join('\n') : undefined
}
