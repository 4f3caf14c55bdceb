import { useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { downloadUrlQuery } from '../../api/downloads'
import { CopyButton } from '../../components/copy-button'
import { Dialog } from '../../components/dialog'
import { ErrorPanel } from '../../components/error-panel'
import { formatDateTime, formatRelative } from '../../components/format'
import { useNow } from '../../components/use-now'
import { useConnection } from '../connection/use-connection'
import { blobLabel } from './download-format'

interface DownloadUrlDialogProps {
  /** "layer 3", "the config blob". */
  what: string
  /** `imageDigest`: the image the blob was opened from, named in an archived image's error. */
  blob: { repositoryName: string; digest: string; imageDigest?: string }
  onClose: () => void
}

/**
 * "Copy download URL": asks ECR (GetDownloadUrlForLayer) for a fresh pre-signed URL, shows when it
 * expires (read from X-Amz-Date and X-Amz-Expires by main), warns that it is a bearer link, and
 * copies it.
 */
export function DownloadUrlDialog({ what, blob, onClose }: DownloadUrlDialogProps) {
  const connection = useConnection()
  const url = useQuery(downloadUrlQuery(connection, blob))
  const now = useNow(15_000)
  const urlId = useId()
  const warningId = useId()
  const expiresAt = url.data?.expiresAt ?? null
  const expired = expiresAt !== null && Date.parse(expiresAt) <= now

  return (
    <Dialog title={`Download URL of ${what}`} onClose={onClose} className="url-dialog">
      <p className="hint">
        <code>{blobLabel(blob)}</code>
      </p>
      <p id={warningId} className="warning" role="note">
        <strong>Anyone who has this URL can download this blob</strong>, without AWS credentials,
        until it expires. Share it only with people who may read this repository, and never in a
        public place.
      </p>
      {url.isPending ? (
        <p className="hint">Asking ECR for a download URL…</p>
      ) : url.isError ? (
        <ErrorPanel
          error={url.error}
          retrying={url.isFetching}
          onRetry={() => void url.refetch()}
        />
      ) : (
        <>
          <label htmlFor={urlId}>Pre-signed URL</label>
          <textarea
            id={urlId}
            className="url-text"
            readOnly
            rows={4}
            value={url.data.url}
            aria-describedby={warningId}
            spellCheck={false}
          />
          <p className="expiry">
            {expiresAt === null ? (
              'Expiry unknown: the URL does not say when it expires.'
            ) : (
              <>
                {expired ? 'Expired ' : 'Expires '}
                <time dateTime={expiresAt}>{formatDateTime(expiresAt)}</time>
                {` (${formatRelative(expiresAt, now)})`}
              </>
            )}
          </p>
        </>
      )}
      <div className="dialog-actions">
        {url.data &&
          (expired ? (
            <button type="button" onClick={() => void url.refetch()}>
              Get a new URL
            </button>
          ) : (
            <CopyButton text={url.data.url} label="Copy URL" />
          ))}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  )
}
