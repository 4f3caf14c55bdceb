import { memo, useMemo, type ReactNode } from 'react'
import { Link } from 'react-router'
import type { ImageSort } from '../../../../shared/models/settings'
import { formatBytes, formatExactBytes } from '../../components/format'
import { RelativeTime } from '../../components/time-label'
import { VirtualTable, type Column } from '../../components/virtual-table'
import { imagePath } from '../../routes'
import { FindingsCell } from './findings-cell'
import { kindsLabel, statusLabel, type ImageRow } from './image-graph'
import { artifactTypeLabel, isIndexType, manifestTypeLabel, shortDigest } from './labels'

/** What a column's cell is drawn with besides its row. */
export interface ImageCellContext {
  /** The row's image page. */
  to: string
  repositoryName: string
  now: number
}

/**
 * One column of the images table. The table is this list: a new column is one entry. Columns
 * hide by priority when the window is narrow (the highest number first; priority 1 never hides),
 * and the toolbar's Columns menu shows and hides each by its id.
 */
export interface ImageColumn {
  /** Stable id, kept in the remembered column choice. */
  id: string
  /** The header and the Columns menu's label. */
  label: string
  /** 1 is never hidden; a larger number hides earlier when the room runs out. */
  priority: number
  /** The grid track (CSS grid-template-columns) of the column. */
  width: string
  /** The narrowest the column can be, in px, to count what fits. */
  minWidth: number
  /** The sort this column's header stands for, and its direction. */
  sort?: { by: ImageSort; direction: 'ascending' | 'descending' }
  className?: string
  title?: (row: ImageRow) => string | undefined
  render: (row: ImageRow, context: ImageCellContext) => ReactNode
}

/** Every column of the images table, in the order they are shown. */
export const IMAGE_COLUMNS: readonly ImageColumn[] = [
  {
    id: 'tags',
    label: 'Tags',
    priority: 1,
    width: 'minmax(160px, 2fr)',
    minWidth: 160,
    sort: { by: 'tag', direction: 'ascending' },
    className: 'cell-name',
    title: (row) => rowTitle(row),
    render: (row, { to, now }) => <TagsCell row={row} to={to} now={now} />,
  },
  {
    id: 'digest',
    label: 'Digest',
    priority: 3,
    width: '170px',
    minWidth: 170,
    className: 'cell-digest',
    title: ({ image }) => image.digest,
    render: ({ image }) => shortDigest(image.digest),
  },
  {
    id: 'pushed',
    label: 'Pushed',
    priority: 2,
    width: '120px',
    minWidth: 120,
    sort: { by: 'pushed', direction: 'descending' },
    render: ({ image }, { now }) => <RelativeTime iso={image.pushedAt} now={now} />,
  },
  {
    id: 'size',
    label: 'Size',
    priority: 2,
    width: '90px',
    minWidth: 90,
    sort: { by: 'size', direction: 'descending' },
    className: 'cell-number',
    title: ({ image }) =>
      isIndexType(image.manifestMediaType) && image.sizeInBytes !== null
        ? `${formatExactBytes(image.sizeInBytes)} (the largest platform, compressed)`
        : formatExactBytes(image.sizeInBytes),
    render: ({ image }) => formatBytes(image.sizeInBytes),
  },
  {
    id: 'type',
    label: 'Type',
    priority: 5,
    width: 'minmax(120px, 1fr)',
    minWidth: 120,
    title: ({ image }) =>
      [image.manifestMediaType, image.artifactMediaType].filter(Boolean).join('\n') || undefined,
    render: ({ image }) => {
      const artifact = artifactTypeLabel(image.artifactMediaType)
      const manifest = manifestTypeLabel(image.manifestMediaType)
      return artifact ? `${manifest} · ${artifact}` : manifest
    },
  },
  {
    id: 'last-pull',
    label: 'Last pull',
    priority: 6,
    width: '110px',
    minWidth: 110,
    render: ({ image }, { now }) => <RelativeTime iso={image.lastRecordedPullTime} now={now} />,
  },
  {
    // Severity counts as badges (from DescribeImages' summary, or fetched for rows on screen
    // when enhanced scanning leaves it empty), else the scan status in words.
    id: 'findings',
    label: 'Findings',
    priority: 7,
    width: 'minmax(150px, 1fr)',
    minWidth: 150,
    title: ({ image }) => (image.scanStatus ? `Scan status: ${image.scanStatus}` : 'Not scanned'),
    render: ({ image }, { repositoryName }) => (
      <FindingsCell repositoryName={repositoryName} image={image} />
    ),
  },
]

interface ImageTableProps {
  repositoryName: string
  rows: readonly ImageRow[]
  sort: ImageSort
  now: number
  /** The columns on screen (by default all of IMAGE_COLUMNS), in their order. */
  columns?: readonly ImageColumn[]
}

/** A repository's images as a virtualized table; Enter or a click opens an image. */
// Memoized: the page also re-renders for things that leave the rows alone (a settings save, the
// loading hint, the Open tag bar), and re-rendering ~40 rows of cells is most of a frame's work.
export const ImageTable = memo(function ImageTable({
  repositoryName,
  rows,
  sort,
  now,
  columns: shownColumns = IMAGE_COLUMNS,
}: ImageTableProps) {
  // Built once per change of what they draw with: rows on screen are memoized on them.
  const columns = useMemo<Column<ImageRow>[]>(
    () =>
      shownColumns.map((column) => ({
        header: column.label,
        width: column.width,
        sort: column.sort?.by === sort ? column.sort.direction : undefined,
        className: column.className,
        title: column.title,
        cell: (row) =>
          column.render(row, {
            to: imagePath(repositoryName, row.image.digest),
            repositoryName,
            now,
          }),
      })),
    [shownColumns, sort, repositoryName, now],
  )
  return (
    <VirtualTable
      label="Images"
      className="images-table"
      rows={rows}
      columns={columns}
      rowKey={rowKey}
      rowPath={(row) => imagePath(repositoryName, row.image.digest)}
    />
  )
})

const rowKey = (row: ImageRow) => row.image.digest

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
