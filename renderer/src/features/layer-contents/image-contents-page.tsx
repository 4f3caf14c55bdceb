import { useCallback, useState } from 'react'
import { isDigest } from '../../routes'
import { shortDigest } from '../images/labels'
import { ContentsBreadcrumbs } from './contents-breadcrumbs'
import { CompareForm } from './compare-form'
import { ImageFiles } from './image-files'
import { contentsImagePath } from './routes'

/**
 * The /contents/<repo>/images/<ref> page: an image's files, merged or stepped through by layer,
 * with the way back to the image page and the compare form.
 */
export function ImageContentsPage({
  repositoryName,
  reference,
  layer,
  only,
  select,
}: {
  repositoryName: string
  reference: string
  layer: number | null
  only: boolean
  select: string | null
}) {
  const [digest, setDigest] = useState<string | null>(null)
  const [layers, setLayers] = useState<
    { index: number; digest: string; mediaType: string; size: number }[]
  >([])
  const title = isDigest(reference)
    ? `${repositoryName}@${shortDigest(reference)}`
    : `${repositoryName}:${reference}`
  const href = useCallback(
    (step: number | null, nextOnly: boolean, path?: string | null) =>
      contentsImagePath(repositoryName, reference, step, { only: nextOnly, select: path ?? null }),
    [repositoryName, reference],
  )
  return (
    <main className="contents-page">
      <ContentsBreadcrumbs
        repositoryName={repositoryName}
        imageDigest={digest}
        tab={layer === null ? 'files' : 'layers'}
        current={layer === null ? 'Files' : `Layer ${layer + 1}`}
      />
      <h1>Files of {title}</h1>
      <ImageFiles
        repositoryName={repositoryName}
        reference={reference}
        step={layer}
        only={only}
        selectPath={select}
        href={href}
        onResolved={setDigest}
        onLayers={setLayers}
      />
      {layers.length > 0 && (
        <CompareForm
          repositoryName={repositoryName}
          reference={reference}
          layers={layers}
          main={false}
        />
      )}
    </main>
  )
}
