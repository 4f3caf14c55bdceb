import { useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { Link } from 'react-router'
import type { LayerEntry, MergedEntry } from '../../../../shared/models/layer-contents'
import { imageDigestSchema } from '../../../../shared/schemas'
import { layerIndexQuery, newOperationPrefix, useContentsProgress } from '../../api/layer-contents'
import { imageQuery, manifestQuery } from '../../api/queries'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes, formatCount, pluralize } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { imageTabPath } from '../../routes'
import { useConnection } from '../connection/use-connection'
import { shortDigest } from '../images/labels'
import { ContentsBreadcrumbs } from './contents-breadcrumbs'
import { ContentsBrowser } from './contents-browser'
import { indexTooLarge } from './contents-errors'
import { ExtractWholeLayer } from './extract-whole-layer'
import { PartialNotice } from './partial-notice'
import { ProgressBar } from './progress-bar'
import type { LayerRef } from './routes'

/**
 * One layer's entries as the tree shows them. A whiteout is a deletion record, not a file: it
 * shows as what it deletes ("deleted by this layer"). An opaque marker marks its folder (the
 * layer's own folder entry when it has one, else a folder of its own): "opaque: hides what lower
 * layers had here". Neither is offered for Preview or Extract.
 */
export function layerEntries(entries: readonly LayerEntry[]): MergedEntry[] {
  const opaque = new Set(entries.filter((e) => e.type === 'opaque').map((e) => e.path))
  const folders = new Set(entries.filter((e) => e.type === 'directory').map((e) => e.path))
  const out: MergedEntry[] = []
  for (const entry of entries) {
    if (entry.type === 'opaque') {
      if (folders.has(entry.path)) continue
      out.push({ ...entry, type: 'directory', layer: 0, change: 'added', marker: 'opaque' })
    } else if (entry.type === 'whiteout') {
      out.push({
        ...entry,
        type: 'file',
        layer: 0,
        change: 'deleted',
        deletedBy: 0,
        marker: 'whiteout',
      })
    } else {
      const merged: MergedEntry = { ...entry, type: entry.type, layer: 0, change: 'added' }
      if (entry.type === 'directory' && opaque.has(entry.path)) merged.marker = 'opaque'
      out.push(merged)
    }
  }
  return out
}

/** What a layer's tar entries are: written paths, whiteouts, opaque markers. */
export function countMarkers(entries: readonly LayerEntry[]) {
  let whiteouts = 0
  let opaque = 0
  for (const entry of entries) {
    if (entry.type === 'whiteout') whiteouts++
    else if (entry.type === 'opaque') opaque++
  }
  return { written: entries.length - whiteouts - opaque, whiteouts, opaque }
}

/** One layer on its own: its entries, with its deletions for what they are. */
export function LayerView({
  repositoryName,
  layer,
  image,
}: {
  repositoryName: string
  layer: LayerRef
  /** The image the layer was opened from, for the way back. */
  image: string | null
}) {
  const connection = useConnection()
  const [prefix] = useState(newOperationPrefix)
  // The image it was opened from travels with each request: an archived image's error names it.
  const target = {
    repositoryName,
    ...layer,
    ...(image !== null && imageDigestSchema.safeParse(image).success ? { imageDigest: image } : {}),
  }
  const index = useQuery(layerIndexQuery(connection, target, prefix))
  const { progress, cancel } = useContentsProgress(prefix)
  usePageReady(index.status !== 'pending')
  const tooLarge = index.isError && indexTooLarge(index.error)
  const entries = useMemo(() => layerEntries(index.data?.entries ?? []), [index.data])
  const counts = useMemo(() => countMarkers(index.data?.entries ?? []), [index.data])
  // The image it was opened from names the layer by its place ("Layer 2") and the image by its
  // tag; both come from queries the image page already ran, so they are usually cached.
  const manifest = useQuery({
    ...manifestQuery(connection, repositoryName, image ?? ''),
    enabled: image !== null,
  })
  const summary = useQuery({
    ...imageQuery(connection, repositoryName, image ?? ''),
    enabled: image !== null,
    retry: false,
  })
  const position =
    manifest.data?.kind === 'image'
      ? manifest.data.layers.findIndex((l) => l.digest === layer.digest)
      : -1
  const layerName = position >= 0 ? `Layer ${position + 1}` : `Layer ${shortDigest(layer.digest)}`
  const tag = summary.data?.tags[0] ?? null
  return (
    <main className="contents-page">
      <ContentsBreadcrumbs
        repositoryName={repositoryName}
        imageDigest={image}
        imageLabel={tag}
        tab="layers"
        current={layerName}
      />
      <h1>
        {position >= 0 ? `Files of layer ${position + 1} ` : 'Files of layer '}
        <code>{shortDigest(layer.digest)}</code>
      </h1>
      {image !== null && (
        <p className="contents-links">
          <Link to={imageTabPath(repositoryName, image, 'overview')}>
            {`Back to ${tag ?? shortDigest(image)}`}
          </Link>
          {position >= 0 && ' · '}
          {position >= 0 && (
            <Link to={imageTabPath(repositoryName, image, 'layers', { layer: position })}>
              {`The image’s files at layer ${position + 1} (merged) →`}
            </Link>
          )}
        </p>
      )}
      {progress && <ProgressBar progress={progress} onCancel={cancel} />}
      {index.isError && tooLarge && (
        <>
          {/* Retrying reads the same layer into the same limit: offer the extraction instead. */}
          <ErrorPanel error={index.error} />
          <ExtractWholeLayer layer={target} prefix={prefix} />
        </>
      )}
      {index.isError && !tooLarge && (
        <ErrorPanel
          error={index.error}
          retrying={index.isFetching}
          onRetry={() => void index.refetch()}
        />
      )}
      {index.data && (
        <>
          <dl className="facts contents-summary" aria-label="Summary">
            <dt>Compression</dt>
            <dd>
              {index.data.compression === 'none' ? 'none (plain tar)' : index.data.compression}
            </dd>
            <dt>Tar entries</dt>
            <dd>
              {formatCount(index.data.entries.length)} (
              {[
                pluralize(counts.written, 'file or folder written', 'files and folders written'),
                pluralize(counts.whiteouts, 'deletion (whiteout)', 'deletions (whiteouts)'),
                counts.opaque > 0
                  ? pluralize(counts.opaque, 'opaque folder', 'opaque folders')
                  : null,
              ]
                .filter(Boolean)
                .join(', ')}
              )
            </dd>
            <dt>Files</dt>
            <dd>{formatBytes(index.data.fileBytes)}</dd>
          </dl>
          <PartialNotice
            problems={
              index.data.problem ? [{ layer: null, message: index.data.problem.message }] : []
            }
          />
          <ExtractWholeLayer
            layer={target}
            prefix={prefix}
            label="Extract the whole layer"
            primary={false}
          />
          <ContentsBrowser
            repositoryName={repositoryName}
            entries={entries}
            layers={[{ digest: layer.digest, mediaType: layer.mediaType, size: layer.size ?? 0 }]}
            showLayer={false}
            imageRef={null}
            compareWith={null}
            prefix={prefix}
          />
        </>
      )}
    </main>
  )
}
