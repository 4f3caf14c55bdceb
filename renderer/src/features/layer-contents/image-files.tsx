import { useQuery } from '@tanstack/react-query'
import { useEffect, useId, useMemo, useState } from 'react'
import type { KeyboardEvent } from 'react'
import { Link, useNavigate } from 'react-router'
import type { ImageFilesystem } from '../../../../shared/models/layer-contents'
import {
  imageFilesystemQuery,
  newOperationPrefix,
  useContentsProgress,
} from '../../api/layer-contents'
import { findingsQuery } from '../../api/findings'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes, formatExactBytes } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { imageTabPath } from '../../routes'
import { useConnection } from '../connection/use-connection'
import { pathFindings } from '../findings/findings-model'
import { ContentsBrowser } from './contents-browser'
import { indexTooLarge } from './contents-errors'
import { PartialNotice } from './partial-notice'
import { ProgressBar } from './progress-bar'
import { contentsLayerPath } from './routes'
import { useTags } from './use-tags'
import { WastedList } from './wasted-list'

/** Where a step of the layer stepper lives: a URL, so each step is deep-linkable. */
export interface StepLinks {
  /** `step` null: all layers merged. `only`: only that layer's changes. `path`: a file selected. */
  href: (step: number | null, only: boolean, path?: string | null) => string
}

interface ImageFilesProps extends StepLinks {
  repositoryName: string
  /** The image: a digest or a tag. */
  reference: string
  /** null: the merged filesystem; N: the filesystem as it stands after layer N (0-based). */
  step: number | null
  /** With a step: only that layer's adds, changes and deletions. */
  only: boolean
  /** A path to select (and reveal) when the view opens. */
  selectPath: string | null
  /** Reports the image digest the reference resolved to (for breadcrumbs). */
  onResolved?: (digest: string) => void
  /** Reports the image's layers once known (for the compare form). */
  onLayers?: (layers: ImageFilesystem['layers']) => void
}

/** 0.873 -> "87.3 %", as dive prints its efficiency score. */
export const formatScore = (score: number) => `${(Math.floor(score * 1000) / 10).toFixed(1)} %`

/**
 * An image's files: merged, or stepped through layer by layer as dive does. The layer list comes
 * from the merged view of all layers, so every layer stays listed (and reachable) at every step;
 * `[` and `]` (or the arrow keys in the list) move to the previous and next layer.
 */
export function ImageFiles({
  repositoryName,
  reference,
  step,
  only,
  selectPath,
  href,
  onResolved,
  onLayers,
}: ImageFilesProps) {
  const connection = useConnection()
  const navigate = useNavigate()
  const [prefix] = useState(newOperationPrefix)
  const all = useQuery(imageFilesystemQuery(connection, repositoryName, reference, null, prefix))
  const stepped = useQuery({
    ...imageFilesystemQuery(
      connection,
      repositoryName,
      reference,
      step !== null && only ? step : null,
      prefix,
      step !== null && !only ? step : null,
    ),
    enabled: step !== null,
  })
  const view = step === null ? all : stepped
  const { progress, cancel } = useContentsProgress(prefix)
  const tags = useTags(repositoryName)
  usePageReady(all.status !== 'pending' && (step === null || stepped.status !== 'pending'))
  const onlyId = useId()
  const resolved = all.data?.imageDigest
  useEffect(() => {
    if (resolved) onResolved?.(resolved)
  }, [resolved, onResolved])
  // The scan's findings badge the paths they name, whichever view is on screen; the merged view
  // says whether a later layer deleted or replaced each file. No scan, or an error: no badges.
  const scanned = useQuery({
    ...findingsQuery(connection, repositoryName, resolved ?? ''),
    enabled: resolved !== undefined,
    retry: false,
  })
  const merged = all.data
  const scan = scanned.data?.scans[0]
  const findings = useMemo(() => {
    if (!merged || !scan || scan.problem || scan.findings.length === 0 || !resolved)
      return undefined
    return {
      byPath: pathFindings(scan, merged.layers, merged.entries),
      href: (key: string) => imageTabPath(repositoryName, resolved, 'findings', { finding: key }),
    }
  }, [merged, scan, repositoryName, resolved])
  const allLayers = all.data?.layers
  useEffect(() => {
    if (allLayers) onLayers?.(allLayers)
  }, [allLayers, onLayers])

  const layers = all.data?.layers ?? []
  const go = (next: number | null, nextOnly = only) => void navigate(href(next, nextOnly))
  const previous = step === null ? null : step > 0 ? step - 1 : null
  const next =
    step === null ? (layers.length > 0 ? 0 : null) : step + 1 < layers.length ? step + 1 : null
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement)
      return
    if (event.key === '[' && step !== null && previous !== null) {
      event.preventDefault()
      go(previous)
    } else if (event.key === ']' && next !== null) {
      event.preventDefault()
      go(next)
    }
  }
  const onListKey = (event: KeyboardEvent) => {
    const last = layers.length - 1
    const target =
      event.key === 'ArrowDown' || event.key === 'ArrowRight'
        ? step === null
          ? 0
          : Math.min(last, step + 1)
        : event.key === 'ArrowUp' || event.key === 'ArrowLeft'
          ? step === null || step === 0
            ? null
            : step - 1
          : undefined
    if (target === undefined) return
    event.preventDefault()
    go(target)
  }
  const compareWith = tags.find((tag) => tag !== reference) ?? null
  const data: ImageFilesystem | undefined = view.data
  const efficiency = all.data?.efficiency

  return (
    <div className="image-files" onKeyDown={onKeyDown}>
      {progress && <ProgressBar progress={progress} onCancel={cancel} />}
      {all.isPending && !progress && <p className="hint">Loading the image’s layers…</p>}
      {all.isError && (
        <ErrorPanel
          error={all.error}
          retrying={all.isFetching}
          {...(indexTooLarge(all.error) ? {} : { onRetry: () => void all.refetch() })}
        />
      )}
      {all.data && efficiency && (
        <>
          <dl className="facts contents-summary" aria-label="Summary">
            <dt>Layers</dt>
            <dd>{all.data.layers.length}</dd>
            <dt>Files</dt>
            <dd>
              {formatBytes(all.data.liveBytes)} ({formatExactBytes(all.data.liveBytes)})
            </dd>
            <dt>Wasted space</dt>
            <dd title="Bytes written by a layer and then overwritten or deleted by a later one: they are still downloaded with the image.">
              {formatBytes(all.data.wastedBytes)} ({formatExactBytes(all.data.wastedBytes)})
            </dd>
            <dt>Efficiency</dt>
            <dd title="dive's score: for every path, its smallest version over the sum of all its versions, summed over all paths.">
              {formatScore(efficiency.score)} (dive: {formatBytes(efficiency.wastedBytes)} in paths
              more than one layer touched)
            </dd>
          </dl>
          <div className="layer-stepper">
            <nav className="layer-picker" aria-label="Layers" onKeyDown={onListKey}>
              <Link
                to={href(null, false)}
                aria-current={step === null ? 'page' : undefined}
                className="layer-step"
              >
                All layers (merged)
              </Link>
              {layers.map((l) => (
                <Link
                  key={l.index}
                  to={href(l.index, only)}
                  aria-current={step === l.index ? 'page' : undefined}
                  title={l.digest}
                  className="layer-step"
                >
                  Layer {l.index + 1}
                  <span className="hint">
                    {' '}
                    {formatBytes(l.size)}
                    {l.wastedBytes > 0 ? ` · ${formatBytes(l.wastedBytes)} wasted` : ''}
                    {efficiency.byLayer[l.index]
                      ? ` · ${formatScore(efficiency.byLayer[l.index]!.score)} efficient`
                      : ''}
                  </span>
                </Link>
              ))}
            </nav>
            <div className="stepper-actions">
              {previous !== null ? (
                <Link className="button" to={href(previous, only)} aria-keyshortcuts="[">
                  Previous layer
                </Link>
              ) : (
                <button type="button" disabled>
                  Previous layer
                </button>
              )}
              {next !== null ? (
                <Link className="button" to={href(next, only)} aria-keyshortcuts="]">
                  Next layer
                </Link>
              ) : (
                <button type="button" disabled>
                  Next layer
                </button>
              )}
              {step !== null && (
                <>
                  <input
                    id={onlyId}
                    type="checkbox"
                    checked={only}
                    onChange={(event) => go(step, event.target.checked)}
                  />
                  <label htmlFor={onlyId}>Only this layer’s changes</label>
                  <Link
                    to={contentsLayerPath(repositoryName, {
                      digest: layers[step]?.digest ?? '',
                      mediaType: layers[step]?.mediaType ?? '',
                      size: layers[step]?.size ?? null,
                    })}
                  >
                    {`Open layer ${step + 1} on its own`}
                  </Link>
                </>
              )}
              <span className="hint">Keys: [ and ] step through the layers.</span>
            </div>
          </div>
          {step !== null && (
            <p className="hint step-caption" role="status">
              {only
                ? `Layer ${step + 1}’s own adds, changes and deletions, against the layers below it.`
                : `The filesystem as it stands after layer ${step + 1}; what layer ${step + 1} added, changed or deleted is highlighted.`}
            </p>
          )}
        </>
      )}
      {step !== null && stepped.isPending && all.data && (
        <p className="hint">{`Merging layers 1 to ${step + 1}…`}</p>
      )}
      {step !== null && stepped.isError && (
        <ErrorPanel
          error={stepped.error}
          retrying={stepped.isFetching}
          onRetry={() => void stepped.refetch()}
        />
      )}
      {all.data && data && (
        <>
          <PartialNotice
            problems={data.layers
              .filter((l) => l.problem)
              .map((l) => ({ layer: l.index, message: l.problem!.message }))}
          />
          <ContentsBrowser
            repositoryName={repositoryName}
            entries={data.entries}
            layers={all.data.layers}
            showLayer
            imageRef={reference}
            compareWith={compareWith}
            prefix={prefix}
            highlightLayer={step !== null && !only ? step : null}
            initialPath={selectPath}
            findings={findings}
          />
          {step === null && all.data.wasted.length > 0 && <WastedList wasted={all.data.wasted} />}
        </>
      )}
    </div>
  )
}
