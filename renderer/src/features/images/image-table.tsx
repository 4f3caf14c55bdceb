import { memo } from 'react'
import { Link } from 'react-router'
import type { ImageSummary } from '../../../../shared/models/image'
import type { ImageSort } from '../../../../shared/models/settings'
import { formatBytes, formatExactBytes } from '../../components/format'
import { RelativeTime } from '../../components/time-label'
import { VirtualTable, type Column } from '../../components/virtual-table'
import { imagePath } from '../../routes'
import {
  artifactTypeLabel,
  formatScan,
  isIndexType,
  manifestTypeLabel,
  shortDigest,
} from './labels'

interface ImageTableProps {
  repositoryName: string
  images: readonly ImageSummary[]
  sort: ImageSort
  now: number
}

/** A repository's images as a virtualized table; Enter or a click opens an image. */
// Memoized: the page also re-renders for things that leave the rows alone (a settings save, the
// loading hint, the Open tag bar), and re-rendering ~40 rows of cells is most of a frame's work.
export const ImageTable = memo(function ImageTable({
  repositoryName,
  images,
  sort,
  now,
}: ImageTableProps) {
  const path = (image: ImageSummary) => imagePath(repositoryName, image.digest)
  const columns: Column<ImageSummary>[] = [
    {
      header: 'Tags',
      sort: sort === 'tag' ? 'ascending' : undefined,
      className: 'cell-name',
      title: (image) => (image.tags.length > 1 ? image.tags.join(', ') : undefined),
      cell: (image) => (
        <Link to={path(image)} tabIndex={-1} className={image.tags.length ? undefined : 'untagged'}>
          {image.tags.length ? image.tags.join(', ') : 'untagged'}
        </Link>
      ),
    },
    {
      header: 'Digest',
      className: 'cell-digest',
      title: (image) => image.digest,
      cell: (image) => shortDigest(image.digest),
    },
    {
      header: 'Pushed',
      sort: sort === 'pushed' ? 'descending' : undefined,
      cell: (image) => <RelativeTime iso={image.pushedAt} now={now} />,
    },
    {
      header: 'Size',
      sort: sort === 'size' ? 'descending' : undefined,
      className: 'cell-number',
      title: (image) =>
        isIndexType(image.manifestMediaType) && image.sizeInBytes !== null
          ? `${formatExactBytes(image.sizeInBytes)} (the largest platform, compressed)`
          : formatExactBytes(image.sizeInBytes),
      cell: (image) => formatBytes(image.sizeInBytes),
    },
    {
      header: 'Type',
      title: (image) =>
        [image.manifestMediaType, image.artifactMediaType].filter(Boolean).join('\n') || undefined,
      cell: (image) => {
        const artifact = artifactTypeLabel(image.artifactMediaType)
        const manifest = manifestTypeLabel(image.manifestMediaType)
        return artifact ? `${manifest} · ${artifact}` : manifest
      },
    },
    {
      header: 'Last pull',
      cell: (image) => <RelativeTime iso={image.lastRecordedPullTime} now={now} />,
    },
    {
      header: 'Scan',
      title: (image) => (image.scanStatus ? `Scan status: ${image.scanStatus}` : undefined),
      cell: (image) => formatScan(image.scanStatus, image.scanFindings),
    },
  ]
  return (
    <VirtualTable
      label="Images"
      className="images-table"
      rows={images}
      columns={columns}
      rowKey={(image) => image.digest}
      rowPath={path}
    />
  )
})
