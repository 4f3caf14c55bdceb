import { useQuery } from '@tanstack/react-query'
import { useId, useRef, useState } from 'react'
import { downloadFolderQuery, useShowInFolder } from '../../api/downloads'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes } from '../../components/format'
import { blobLabel, formatEta, formatRate, formatTransfer, phaseLabel } from './download-format'
import { isActive, type DownloadEntry } from './download-store'
import { useDownloadEntries, useDownloads } from './downloads-context'
import { VerifyDialog } from './verify-dialog'

export const DOWNLOADS_PANEL_ID = 'downloads-panel'

/** The header's "Downloads" toggle, with how many are under way. */
export function DownloadsToggle() {
  const { store, panelOpen, setPanelOpen } = useDownloads()
  const entries = useDownloadEntries(store)
  const active = entries.filter(isActive).length
  return (
    <button
      type="button"
      className="downloads-toggle"
      // Read as "Downloads, 2 under way"; seen as a count badge.
      aria-label={active > 0 ? `Downloads, ${active} under way` : undefined}
      aria-expanded={panelOpen}
      aria-controls={DOWNLOADS_PANEL_ID}
      onClick={() => setPanelOpen(!panelOpen)}
    >
      Downloads
      {active > 0 && (
        <span className="badge count-badge" aria-hidden="true">
          {active}
        </span>
      )}
    </button>
  )
}

/** One row per download: progress while it runs, then Verified, Cancelled, Skipped or the error. */
export function DownloadsPanel() {
  const { store, panelOpen, panelRef } = useDownloads()
  const entries = useDownloadEntries(store)
  const folder = useQuery({ ...downloadFolderQuery(), enabled: panelOpen })
  const headingId = useId()
  const [verifying, setVerifying] = useState(false)
  const finished = entries.some((entry) => !isActive(entry) && entry.state.kind !== 'conflict')

  return (
    <section
      id={DOWNLOADS_PANEL_ID}
      ref={panelRef}
      tabIndex={-1}
      className="downloads-panel"
      aria-labelledby={headingId}
      hidden={!panelOpen}
    >
      <div className="downloads-header">
        <h2 id={headingId}>Downloads</h2>
        {folder.data && (
          <span className="hint">
            Saving to <code>{folder.data.path}</code>
          </span>
        )}
        <span className="spacer" />
        <button type="button" onClick={() => setVerifying(true)}>
          Verify a file…
        </button>
        {/* aria-disabled, not disabled: a disabled button would drop the focus it has. */}
        <button
          type="button"
          aria-disabled={!finished}
          onClick={() => {
            if (finished) store.clearFinished()
          }}
        >
          Clear finished
        </button>
      </div>
      {entries.length === 0 ? (
        <p className="hint">
          Nothing downloaded yet. Open an image and use Download on a layer, or Download all layers.
        </p>
      ) : (
        <ul className="download-list" aria-label="Download operations">
          {entries.map((entry) => (
            <DownloadRow key={entry.id} entry={entry} />
          ))}
        </ul>
      )}
      {verifying && <VerifyDialog onClose={() => setVerifying(false)} />}
    </section>
  )
}

function DownloadRow({ entry }: { entry: DownloadEntry }) {
  const { cancel, retry } = useDownloads()
  const titleId = useId()
  // Cancel and Retry go away once pressed; focus stays on the row rather than falling to <body>.
  const row = useRef<HTMLLIElement>(null)
  const label = blobLabel(entry.target)
  const { state, progress } = entry
  return (
    <li ref={row} tabIndex={-1} className={`download-row ${state.kind}`} aria-labelledby={titleId}>
      <div className="download-title">
        <span id={titleId}>
          <code>{label}</code>
        </span>
        {entry.target.role && <span className="hint">{entry.target.role}</span>}
        {entry.target.size !== null && (
          <span className="hint">{formatBytes(entry.target.size)}</span>
        )}
      </div>
      {state.kind === 'active' && (
        <>
          <Progress entry={entry} titleId={titleId} />
          <div className="download-status">
            <span className="phase">{phaseLabel(progress?.phase ?? 'queued')}</span>
            {progress && progress.phase !== 'queued' && (
              <span>{formatTransfer(progress.receivedBytes, progress.totalBytes)}</span>
            )}
            {progress?.phase === 'downloading' && (
              <>
                <span>{formatRate(progress.bytesPerSecond)}</span>
                <span>{formatEta(progress.etaSeconds)}</span>
              </>
            )}
            <button
              type="button"
              aria-describedby={titleId}
              onClick={() => {
                row.current?.focus()
                cancel(entry)
              }}
              className="cancel"
            >
              Cancel
            </button>
          </div>
        </>
      )}
      {state.kind === 'conflict' && (
        <div className="download-status">
          <span className="phase">Waiting for your answer: a different file already exists</span>
        </div>
      )}
      {state.kind === 'finished' && <Outcome entry={entry} titleId={titleId} />}
      {state.kind === 'failed' && (
        <>
          <div className="download-status">
            <span className="phase">Failed</span>
          </div>
          <ErrorPanel
            error={state.error}
            onRetry={() => {
              row.current?.focus()
              retry(entry)
            }}
          />
        </>
      )}
    </li>
  )
}

function Progress({ entry, titleId }: { entry: DownloadEntry; titleId: string }) {
  const progress = entry.progress
  const total = progress?.totalBytes ?? entry.target.size
  const received = progress?.receivedBytes ?? 0
  const fraction = total ? Math.min(1, received / total) : 0
  return (
    <div
      className="progress"
      role="progressbar"
      aria-labelledby={titleId}
      aria-valuemin={0}
      {...(total !== null
        ? {
            'aria-valuemax': total,
            'aria-valuenow': Math.min(received, total),
            'aria-valuetext': formatTransfer(received, total),
          }
        : {})}
    >
      <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
    </div>
  )
}

function Outcome({ entry, titleId }: { entry: DownloadEntry; titleId: string }) {
  const show = useShowInFolder()
  if (entry.state.kind !== 'finished') return null
  const { result } = entry.state
  switch (result.status) {
    case 'downloaded':
    case 'already-verified':
      return (
        <>
          <div className="download-status">
            <span className="phase verified">
              {result.status === 'downloaded' ? 'Verified' : 'Already there, verified'}
            </span>
            <code className="download-path">{result.path}</code>
            {result.resumedFrom !== null && (
              <span className="hint">{`resumed at ${formatBytes(result.resumedFrom)}`}</span>
            )}
            <button
              type="button"
              aria-describedby={titleId}
              onClick={() => show.mutate(result.path)}
            >
              Show in folder
            </button>
          </div>
          {show.isError && <ErrorPanel error={show.error} />}
        </>
      )
    case 'skipped':
      return (
        <div className="download-status">
          <span className="phase">Skipped: the different file was left as it is</span>
        </div>
      )
    case 'cancelled':
      return (
        <div className="download-status">
          <span className="phase">Cancelled</span>
        </div>
      )
    default:
      return null
  }
}
