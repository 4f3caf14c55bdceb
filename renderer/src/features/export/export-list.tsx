import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState, useSyncExternalStore } from 'react'
import { cancelOperation } from '../../api/downloads'
import { unfinishedExportsQuery } from '../../api/export'
import { ErrorPanel } from '../../components/error-panel'
import { ProgressRow } from '../../components/progress-row'
import { formatTransfer } from '../downloads/download-format'
import { exportStore, type ExportEntry } from './export-store'
import { VerifyLayoutDialog } from './verify-layout-dialog'
import './export.css'

/**
 * "Save image…" in the downloads tray: each export of this window with its progress (overall and
 * the blobs in flight) and Cancel, then how it ended; and exports an earlier run left unfinished,
 * with Resume, as leftover partial downloads are offered.
 */
export function ExportList() {
  const entries = useSyncExternalStore(exportStore.subscribe, exportStore.getSnapshot)
  const queryClient = useQueryClient()
  const unfinished = useQuery(unfinishedExportsQuery())
  const headingId = useId()
  const running = new Set(
    entries.filter((e) => e.state.kind === 'running').map((e) => e.request.target),
  )
  const leftovers = (unfinished.data ?? []).filter((u) => !running.has(u.path))
  if (entries.length === 0 && leftovers.length === 0) return null
  const resume = (u: (typeof leftovers)[number]) => {
    const byDigest = u.reference.startsWith('sha256:')
    void exportStore
      .start({
        repositoryName: u.repositoryName,
        ...(byDigest ? { imageDigest: u.reference } : { imageTag: u.reference }),
        platform: u.platform,
        includeReferrers: u.includeReferrers,
        format: u.format,
        target: u.path,
      })
      .then(() => queryClient.invalidateQueries({ queryKey: unfinishedExportsQuery().queryKey }))
  }
  return (
    <section aria-labelledby={headingId} className="export-list">
      <h3 id={headingId}>Saved images</h3>
      {leftovers.length > 0 && (
        <ul aria-label="Unfinished exports">
          {leftovers.map((u) => (
            <li key={u.path}>
              Unfinished: <code>{u.path}</code> ({u.repositoryName}:{u.reference}, {u.blobsPresent}{' '}
              blobs kept){' '}
              <button type="button" onClick={() => resume(u)}>
                Resume
              </button>
            </li>
          ))}
        </ul>
      )}
      {entries.length > 0 && (
        <ul aria-label="Export operations">
          {entries.map((entry) => (
            <ExportRow key={entry.operationId} entry={entry} />
          ))}
        </ul>
      )}
    </section>
  )
}

function ExportRow({ entry }: { entry: ExportEntry }) {
  const { request, progress, state } = entry
  const [verifying, setVerifying] = useState(false)
  const name = `${request.repositoryName}:${request.imageTag ?? request.imageDigest ?? ''}`
  return (
    <li className="export-row" aria-label={`Export of ${name}`}>
      <div>
        <strong>{name}</strong> → <code>{request.target}</code>
      </div>
      {state.kind === 'running' && (
        <>
          <ProgressRow
            label={`Saving ${name}`}
            done={progress?.receivedBytes ?? 0}
            total={progress?.totalBytes ?? null}
            text={
              progress
                ? `${progress.phase}: ${progress.blobsDone} of ${progress.blobsTotal} blobs, ${formatTransfer(progress.receivedBytes, progress.totalBytes)}${progress.inFlight.length > 0 ? ` (${progress.inFlight.length} in flight)` : ''}`
                : 'Starting…'
            }
          />
          <button type="button" onClick={() => void cancelOperation(entry.operationId)}>
            Cancel
          </button>
        </>
      )}
      {state.kind === 'cancelled' && (
        <p role="status">Cancelled: the blobs saved so far are kept, to resume.</p>
      )}
      {state.kind === 'done' && (
        <div role="status">
          <p className="verdict matches">{state.result.verified?.summary}</p>
          <p className="hint">
            {state.result.fetched} fetched
            {Object.entries(state.result.reused)
              .map(
                ([how, n]) =>
                  `, ${n} ${how === 'in-layout' ? 'already in the layout' : `re-used (${how})`}`,
              )
              .join('')}
            . Digest <code>{state.result.digest}</code>
          </p>
          {state.result.warnings.length > 0 && (
            <ul aria-label="What will not load where">
              {state.result.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {state.kind === 'done' && (
        <div>
          <button type="button" onClick={() => setVerifying(true)}>
            Verify again…
          </button>
          {verifying && (
            <VerifyLayoutDialog
              initialPath={state.result.path}
              onClose={() => setVerifying(false)}
            />
          )}
        </div>
      )}
      {state.kind === 'failed' && <ErrorPanel error={state.error} />}
    </li>
  )
}
