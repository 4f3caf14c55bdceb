import { useId, useState } from 'react'
import { Link } from 'react-router'
import { describeError } from '../../../../shared/errors'
import type { ImageStatus, LayerDescriptor } from '../../../../shared/models/image'
import { formatBytes, pluralize } from '../../components/format'
import { OverflowMenu } from '../../components/overflow-menu'
import type { ImageManifestOnly } from '../image-page/image-detail'
import { shortDigest } from '../images/labels'
import { contentsLayerPath } from '../layer-contents/routes'
import { DownloadUrlDialog } from './download-url-dialog'
import type { BlobTarget } from './download-store'
import { useDownloads } from './downloads-context'
import { VerifyDialog } from './verify-dialog'

const foreignLayer = describeError({ code: 'ForeignLayer', message: '' })

/** A layer of an image as a blob to save; `index` is 0-based, as in the manifest. */
export function layerTarget(
  repositoryName: string,
  layer: LayerDescriptor,
  index: number,
  imageDigest?: string,
): BlobTarget {
  return {
    repositoryName,
    digest: layer.digest,
    mediaType: layer.mediaType,
    size: layer.size,
    role: `layer ${index + 1}`,
    ...(imageDigest ? { imageDigest } : {}),
  }
}

/** An image's config blob as a blob to save. */
export function configTarget(repositoryName: string, image: ImageManifestOnly): BlobTarget {
  return {
    repositoryName,
    digest: image.config.digest,
    mediaType: image.config.mediaType,
    size: image.config.size,
    role: 'config',
  }
}

/**
 * Why nothing of an image can be downloaded or looked inside while it is archived or being
 * restored; null for an Active image (or while its status is unknown).
 */
export function archivedReason(status: ImageStatus | undefined): string | null {
  if (status === 'ARCHIVED')
    return 'This image is archived; restore it first (see the restore command on the Overview tab), then its layers can be downloaded and looked inside.'
  if (status === 'ACTIVATING')
    return 'This image is being restored from archive (Activating); its layers can be downloaded and looked inside once it is Active.'
  return null
}

/** Why "Look inside" cannot work on a foreign layer: the app reads layers from ECR only. */
export const FOREIGN_LOOK_INSIDE =
  'This layer is stored outside ECR (a Windows base layer); it can’t be read here.'

/**
 * A layer row's actions: Download, then Copy download URL, Look inside and Verify a file. In a
 * narrow window the three after Download collapse into a "More" menu, so a row stays one line. A
 * foreign layer is not in ECR, so it can be neither downloaded nor read from it: those actions
 * are disabled and the row says why.
 */
export function LayerActions({
  repositoryName,
  layer,
  index,
  imageDigest,
  archived = null,
}: {
  repositoryName: string
  layer: LayerDescriptor
  /** 0-based. */
  index: number
  /** The image the row belongs to: "Look inside" carries it, for the way back. */
  imageDigest?: string
  /** Why the image's layers cannot be read now (archived, restoring); see archivedReason. */
  archived?: string | null
}) {
  const { start } = useDownloads()
  const [dialog, setDialog] = useState<'url' | 'verify' | null>(null)
  const foreignId = useId()
  const whyId = useId()
  const lookId = useId()
  const archivedId = useId()
  const n = index + 1
  // A foreign layer is outside ECR; an archived image's layers are in ECR but cannot be read.
  const blocked = layer.foreign || archived !== null
  const describedBy = layer.foreign
    ? `${foreignId} ${whyId}`
    : archived !== null
      ? archivedId
      : undefined
  const lookReason = layer.foreign ? FOREIGN_LOOK_INSIDE : archived
  const lookInside = contentsLayerPath(repositoryName, layer, imageDigest)
  const copyUrl = () => setDialog('url')
  const verify = () => setDialog('verify')
  return (
    <div className="row-actions">
      <button
        type="button"
        className="small"
        aria-label={`Download layer ${n}`}
        disabled={blocked}
        aria-describedby={describedBy}
        title={archived ?? undefined}
        onClick={() => start([layerTarget(repositoryName, layer, index, imageDigest)])}
      >
        Download
      </button>
      <button
        type="button"
        className="small row-secondary"
        aria-label={`Copy download URL of layer ${n}`}
        aria-haspopup="dialog"
        disabled={blocked}
        aria-describedby={describedBy}
        title={archived ?? undefined}
        onClick={copyUrl}
      >
        Copy download URL
      </button>
      {blocked ? (
        <button
          type="button"
          className="small row-secondary"
          aria-label={`Look inside layer ${n}`}
          disabled
          aria-describedby={layer.foreign ? lookId : archivedId}
          title={lookReason ?? undefined}
        >
          Look inside
        </button>
      ) : (
        <Link
          className="button small row-secondary"
          to={lookInside}
          aria-label={`Look inside layer ${n}`}
        >
          Look inside
        </Link>
      )}
      <button
        type="button"
        className="small row-secondary"
        aria-label={`Verify a file against layer ${n}`}
        aria-haspopup="dialog"
        onClick={verify}
      >
        Verify…
      </button>
      <span className="row-more">
        <OverflowMenu
          label={`More actions for layer ${n}`}
          items={[
            blocked
              ? { label: 'Copy download URL', disabledReason: archived ?? foreignLayer.title }
              : { label: 'Copy download URL', onSelect: copyUrl },
            blocked
              ? { label: 'Look inside', disabledReason: lookReason ?? FOREIGN_LOOK_INSIDE }
              : { label: 'Look inside', to: lookInside },
            { label: 'Verify a file…', onSelect: verify },
          ]}
        />
      </span>
      {layer.foreign && (
        <span
          id={foreignId}
          className="hint foreign-note"
          title={`${foreignLayer.explanation} ${foreignLayer.nextStep}`}
        >
          {foreignLayer.title}
          <span id={whyId} hidden>
            {`${foreignLayer.explanation} ${foreignLayer.nextStep}`}
          </span>
        </span>
      )}
      {layer.foreign && (
        <span id={lookId} hidden>
          {FOREIGN_LOOK_INSIDE}
        </span>
      )}
      {!layer.foreign && archived !== null && (
        <span id={archivedId} hidden>
          {archived}
        </span>
      )}
      {dialog === 'url' && (
        <DownloadUrlDialog
          what={`layer ${n}`}
          blob={{ repositoryName, digest: layer.digest, ...(imageDigest ? { imageDigest } : {}) }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'verify' && (
        <VerifyDialog
          layer={{ index: n, repositoryName, digest: layer.digest, mediaType: layer.mediaType }}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  )
}

/**
 * Download all layers of the image (or platform) on screen, plus its config blob, through the
 * same queue; and the config blob on its own.
 */
export function ImageDownloads({
  repositoryName,
  image,
  archived = null,
}: {
  repositoryName: string
  image: ImageManifestOnly
  /** Why the image's blobs cannot be read now (archived, restoring); see archivedReason. */
  archived?: string | null
}) {
  const { start } = useDownloads()
  const [urlOpen, setUrlOpen] = useState(false)
  const inRegistry = image.layers
    .map((layer, index) => ({ layer, index }))
    .filter(({ layer }) => !layer.foreign)
  const foreign = image.layers.length - inRegistry.length
  const config = configTarget(repositoryName, image)
  const total = inRegistry.reduce((sum, { layer }) => sum + layer.size, config.size ?? 0)

  return (
    <div className="image-downloads">
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={archived !== null}
          title={archived ?? undefined}
          onClick={() =>
            start([
              ...inRegistry.map(({ layer, index }) =>
                layerTarget(repositoryName, layer, index, image.digest),
              ),
              config,
            ])
          }
        >
          Download all layers
        </button>
        {archived !== null && <span className="hint archived-reason">{archived}</span>}
        <span className="hint">
          {`${pluralize(inRegistry.length, 'layer', 'layers')} and the config blob, ${formatBytes(total)}`}
          {foreign > 0 &&
            `; ${pluralize(foreign, 'foreign layer is', 'foreign layers are')} skipped (outside ECR)`}
        </span>
      </div>
      <p className="config-blob">
        <span>Config blob</span> <code title={config.digest}>{shortDigest(config.digest)}</code>{' '}
        <span className="hint">{formatBytes(config.size)}</span>{' '}
        <button
          type="button"
          disabled={archived !== null}
          title={archived ?? undefined}
          onClick={() => start([config])}
        >
          Download config blob
        </button>{' '}
        <button
          type="button"
          aria-label="Copy download URL of the config blob"
          aria-haspopup="dialog"
          disabled={archived !== null}
          title={archived ?? undefined}
          onClick={() => setUrlOpen(true)}
        >
          Copy download URL
        </button>
      </p>
      {urlOpen && (
        <DownloadUrlDialog
          what="the config blob"
          blob={{ repositoryName, digest: config.digest }}
          onClose={() => setUrlOpen(false)}
        />
      )}
    </div>
  )
}
