import type { ImageSummary } from '../../../../shared/models/image'
import { CopyButton } from '../../components/copy-button'
import { formatDateTime } from '../../components/format'
import { restoreCommand } from './image-graph'

/**
 * What an archived (or restoring) image means, shown where the user opens it or asks for its
 * layers: nothing of it can be pulled until it is restored, restoring takes time, archive has a
 * 90-day minimum, and the restore command. The app only reads: it never restores by itself.
 */
export function ArchivedNotice({
  repositoryName,
  image,
}: {
  repositoryName: string
  image: Pick<ImageSummary, 'digest' | 'imageStatus' | 'lastArchivedAt'>
}) {
  if (image.imageStatus === 'ACTIVE') return null
  const command = restoreCommand(repositoryName, image.digest)
  const since = image.lastArchivedAt ? ` since ${formatDateTime(image.lastArchivedAt)}` : ''
  return (
    <section className="archived-notice" role="note" aria-label="Archived image">
      {image.imageStatus === 'ARCHIVED' ? (
        <p>
          {`This image is archived${since}. Its layers cannot be downloaded or looked inside until it is restored to the standard storage class. Restoring takes time (the image shows as Activating meanwhile), and an archived image is billed for at least 90 days.`}
        </p>
      ) : (
        <p>
          This image is being restored from archive (Activating). Its layers can be downloaded and
          looked inside once it is Active again.
        </p>
      )}
      {image.imageStatus === 'ARCHIVED' && (
        <p>
          <code>{command}</code>{' '}
          <CopyButton text={command} label="Copy the restore command">
            Copy
          </CopyButton>
        </p>
      )}
    </section>
  )
}
