import { Fragment, useMemo } from 'react'
import { alignHistory } from '../../../../shared/manifest'
import type {
  HistoryEntry,
  LayerAvailability,
  LayerDescriptor,
} from '../../../../shared/models/image'
import { formatBytes, formatExactBytes, pluralize } from '../../components/format'
import {
  availabilityLabel,
  availabilitySummary,
  dockerfileStep,
  layerFormatLabel,
  layerTotals,
} from '../image-page/image-detail'
import { LayerActions } from '../downloads/layer-actions'
import { shortDigest } from '../images/labels'
import '../../components/badge.css'
import './layers.css'

const COLUMNS = 7

interface LayersTableProps {
  repositoryName: string
  /** The image the layers are of (the platform's manifest, for an index). */
  imageDigest: string
  layers: readonly LayerDescriptor[]
  /** The config's history; null while it loads or when the image has none to read. */
  history: readonly HistoryEntry[] | null
  historyLoading: boolean
  availability: readonly LayerAvailability[] | undefined
  availabilityLoading: boolean
  /** Why the image's layers cannot be read now (archived, restoring); null when they can. */
  archived?: string | null
}

/**
 * One row per layer, with the history step that made it; metadata-only steps (ENV, CMD, LABEL…)
 * sit between the rows where they happened. Each row can be downloaded, its URL copied, its
 * files looked at, or a file on disk checked against it. Totals in the footer.
 */
export function LayersTable({
  repositoryName,
  imageDigest,
  layers,
  history,
  historyLoading,
  availability,
  availabilityLoading,
  archived = null,
}: LayersTableProps) {
  const aligned = useMemo(() => alignHistory([...layers], [...(history ?? [])]), [layers, history])
  const byDigest = useMemo(
    () => new Map((availability ?? []).map((entry) => [entry.digest, entry])),
    [availability],
  )
  const totals = layerTotals(layers)
  const summary = availabilitySummary(layers, byDigest)

  return (
    <div className="layers-scroll">
      <table className="layers-table" aria-label="Layers">
        <thead>
          <tr>
            <th scope="col" className="cell-number">
              #
            </th>
            <th scope="col">Digest</th>
            <th scope="col">Type</th>
            <th scope="col" className="cell-number">
              Size
            </th>
            <th scope="col">Created by</th>
            <th scope="col">Availability</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {aligned.rows.map((row) => (
            <Fragment key={`${row.index}:${row.layer.digest}`}>
              {row.emptyBefore.map((step, index) => (
                <StepRow key={index} step={step} />
              ))}
              <tr className="layer-row">
                <td className="cell-number">{row.index + 1}</td>
                <td className="cell-digest" title={row.layer.digest}>
                  {shortDigest(row.layer.digest)}
                </td>
                <td title={row.layer.mediaType}>
                  {layerFormatLabel(row.layer)}
                  {row.layer.foreign && (
                    <span
                      className="badge foreign"
                      title={`Foreign layer: it lives outside ECR${row.layer.urls?.length ? `, at ${row.layer.urls.join(', ')}` : ''}`}
                    >
                      foreign
                    </span>
                  )}
                </td>
                <td className="cell-number" title={formatExactBytes(row.layer.size)}>
                  {formatBytes(row.layer.size)}
                </td>
                <td className="cell-command" title={row.history?.createdBy ?? undefined}>
                  {row.history ? (
                    <code>{dockerfileStep(row.history.createdBy)}</code>
                  ) : historyLoading ? (
                    <span className="hint">Loading…</span>
                  ) : (
                    '—'
                  )}
                </td>
                <td
                  className={`availability ${byDigest.get(row.layer.digest)?.availability ?? ''}`}
                >
                  {availabilityLoading && !row.layer.foreign ? (
                    <span className="hint">Checking…</span>
                  ) : (
                    availabilityLabel(row.layer, byDigest.get(row.layer.digest))
                  )}
                </td>
                <td className="cell-actions">
                  <LayerActions
                    repositoryName={repositoryName}
                    layer={row.layer}
                    index={row.index}
                    imageDigest={imageDigest}
                    archived={archived}
                  />
                </td>
              </tr>
            </Fragment>
          ))}
          {aligned.emptyAfter.map((step, index) => (
            <StepRow key={`after-${index}`} step={step} />
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              {`Total: ${pluralize(totals.count, 'layer', 'layers')}`}
              {totals.foreign > 0 && ` (${totals.foreign} foreign)`}
            </th>
            <td className="cell-number" title={formatExactBytes(totals.compressedSize)}>
              {formatBytes(totals.compressedSize)}
            </td>
            <td>compressed</td>
            <td>{availabilityLoading ? '' : summary}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  )
}

/** A history step that made no layer, shown between the layers it happened between. */
function StepRow({ step }: { step: HistoryEntry }) {
  return (
    <tr className="history-step">
      <td />
      <td colSpan={COLUMNS - 1} title={step.createdBy ?? undefined}>
        <span className="badge">no layer</span>
        <code>{dockerfileStep(step.createdBy)}</code>
      </td>
    </tr>
  )
}
