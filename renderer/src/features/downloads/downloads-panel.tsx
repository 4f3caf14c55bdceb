import { useQuery } from '@tanstack/react-query'
import { useId, useRef, useState } from 'react'
import { describeError } from '../../../../shared/errors'
import type { AppError } from '../../../../shared/ipc/result'
import type { DownloadHistoryEntry } from '../../../../shared/models/download-history'
import {
  downloadFolderQuery,
  downloadHistoryQuery,
  useClearDownloadHistory,
} from '../../api/downloads'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes, formatDateTime } from '../../components/format'
import { ProgressFill } from '../../components/progress-row'
import { blobLabel, formatEta, formatRate, formatTransfer, phaseLabel } from './download-format'
import { isActive, type DownloadEntry } from './download-store'
import { useDownloadEntries, useDownloads } from './downloads-context'
import { PartialsBanner, useLeftoverPartials } from './partials-banner'
import { ShowInFolder } from './show-in-folder'
import { VerifyDialog } from './verify-dialog'
import './downloads.css'
import { ExportList } from '../export/export-list'
import { VerifyLayoutDialog } from '../export/verify-layout-dialog'

export const DOWNLOADS_PANEL_ID = 'downloads-panel'

/**
 * The header's "Downloads" toggle, with how many are under way and how many an earlier run left
 * unfinished (resumable from the tray).
 */
export function DownloadsToggle() {
  const { store, panelOpen, setPanelOpen } = useDownloads()
  const entries = useDownloadEntries(store)
  const active = entries.filter(isActive).length
  const unfinished = useLeftoverPartials().length
  const states = [
    active > 0 ? `${active} under way` : null,
    unfinished > 0 ? `${unfinished} unfinished to resume` : null,
  ].filter(Boolean)
  return (
    <button
      type="button"
      className="downloads-toggle"
      // Read as "Downloads, 2 under way, 1 unfinished to resume"; seen as count badges.
      aria-label={states.length > 0 ? `Downloads, ${states.join(', ')}` : undefined}
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
      {unfinished > 0 && (
        <span className="badge count-badge partials-badge" aria-hidden="true">
          {`${unfinished} unfinished`}
        </span>
      )}
    </button>
  )
}

/**
 * The downloads tray, docked under the page: one row per download of this window (progress while
 * it runs, then Verified, Cancelled, Skipped or the error), then the downloads of earlier runs
 * from the history main keeps in the data folder.
 */
export function DownloadsPanel() {
  const { store, panelOpen, setPanelOpen, panelRef, startedHere } = useDownloads()
  const entries = useDownloadEntries(store)
  const folder = useQuery({ ...downloadFolderQuery(), enabled: panelOpen })
  const history = useQuery(downloadHistoryQuery())
  const clearHistory = useClearDownloadHistory()
  const headingId = useId()
  const [verifying, setVerifying] = useState(false)
  const [checkingLayout, setCheckingLayout] = useState(false)
  const finished = entries.some((entry) => !isActive(entry) && entry.state.kind !== 'conflict')
  const earlier = (history.data ?? []).filter((entry) => !startedHere(entry.id))
  const close = () => {
    setPanelOpen(false)
    document.querySelector<HTMLElement>(`[aria-controls="${DOWNLOADS_PANEL_ID}"]`)?.focus()
  }

  return (
    <section
      id={DOWNLOADS_PANEL_ID}
      ref={panelRef}
      tabIndex={-1}
      className="downloads-tray"
      aria-labelledby={headingId}
      hidden={!panelOpen}
      onKeyDown={(event) => {
        // Only from inside the tray itself: a dialog it opened is portalled, and its Escape is its own.
        const inside = event.currentTarget.contains(event.target as Node)
        if (event.key === 'Escape' && inside && !event.defaultPrevented) {
          event.preventDefault()
          close()
        }
      }}
    >
      <div className="downloads-header">
        <h2 id={headingId}>Downloads</h2>
        {folder.data && (
          <span className="hint">
            Saving to <code>{folder.data.path}</code>
          </span>
        )}
        {/* One group, so a narrow window wraps the buttons together, Hide last among them. */}
        <div className="actions">
          <button type="button" onClick={() => setVerifying(true)}>
            Verify a file…
          </button>
          <button type="button" onClick={() => setCheckingLayout(true)}>
            Verify a layout…
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
          <button type="button" className="quiet" aria-label="Hide downloads" onClick={close}>
            Hide
          </button>
        </div>
      </div>
      <div className="downloads-body">
        <PartialsBanner />
        <ExportList />
        {entries.length === 0 && earlier.length === 0 ? (
          <p className="hint">
            Nothing downloaded yet. Open an image and use Download on a layer, or Download all
            layers.
          </p>
        ) : (
          entries.length > 0 && (
            <ul className="download-list" aria-label="Download operations">
              {entries.map((entry) => (
                <DownloadRow key={entry.id} entry={entry} />
              ))}
            </ul>
          )
        )}
        {earlier.length > 0 && (
          <HistoryList entries={earlier} onClear={() => clearHistory.mutate()} />
        )}
        {clearHistory.isError && <ErrorPanel error={clearHistory.error} />}
      </div>
      {verifying && <VerifyDialog onClose={() => setVerifying(false)} />}
      {checkingLayout && <VerifyLayoutDialog onClose={() => setCheckingLayout(false)} />}
    </section>
  )
}

const OUTCOME_LABEL: Record<DownloadHistoryEntry['outcome'], string> = {
  downloaded: 'Verified',
  'already-verified': 'Already there, verified',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
  failed: 'Failed',
}

/** Downloads of earlier runs (and of this one before a reload), from the data folder. */
function HistoryList({
  entries,
  onClear,
}: {
  entries: readonly DownloadHistoryEntry[]
  onClear: () => void
}) {
  const headingId = useId()
  return (
    <section aria-labelledby={headingId}>
      <div className="download-title">
        <h3 id={headingId}>Earlier downloads</h3>
        <button type="button" className="small" onClick={onClear}>
          Clear history
        </button>
      </div>
      <ul className="download-list" aria-labelledby={headingId}>
        {entries.map((entry) => (
          <HistoryRow key={entry.id} entry={entry} />
        ))}
      </ul>
    </section>
  )
}

function HistoryRow({ entry }: { entry: DownloadHistoryEntry }) {
  const titleId = useId()
  const label = blobLabel(entry)
  const saved = entry.outcome === 'downloaded' || entry.outcome === 'already-verified'
  return (
    <li className={`download-row ${entry.outcome}`} aria-labelledby={titleId}>
      <div className="download-title">
        <span id={titleId}>
          <code>{label}</code>
        </span>
        {entry.size !== null && <span className="hint">{formatBytes(entry.size)}</span>}
        <time className="hint" dateTime={entry.endedAt}>
          {formatDateTime(entry.endedAt)}
        </time>
      </div>
      <div className="download-status">
        <span className={saved ? 'phase verified' : 'phase'}>{OUTCOME_LABEL[entry.outcome]}</span>
        {entry.path !== null && <code className="download-path">{entry.path}</code>}
        {entry.errorCode !== null && (
          <span title={entry.errorMessage ?? undefined}>
            {
              describeError({
                // From a file on disk: describeError falls back to Unknown for a code it lacks.
                code: entry.errorCode as AppError['code'],
                message: entry.errorMessage ?? '',
              }).title
            }
          </span>
        )}
        {saved && entry.path !== null && <ShowInFolder path={entry.path} describedBy={titleId} />}
      </div>
    </li>
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
      <ProgressFill fraction={fraction} />
    </div>
  )
}

function Outcome({ entry, titleId }: { entry: DownloadEntry; titleId: string }) {
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
            <ShowInFolder path={result.path} describedBy={titleId} />
          </div>
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
