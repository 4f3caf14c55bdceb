import type { HistoryEntry } from '../../../../shared/models/image'
import { RelativeTime } from '../../components/time-label'

/** The config's history, every step in order, with the layer each non-empty step made. */
export function HistoryList({ history, now }: { history: readonly HistoryEntry[]; now: number }) {
  if (history.length === 0) return <p className="hint">The image config has no history.</p>
  let layer = 0
  return (
    <ol className="history" aria-label="History">
      {history.map((entry, index) => {
        const made = entry.emptyLayer ? null : ++layer
        return (
          <li key={index}>
            <span className="badge">{made === null ? 'no layer' : `layer ${made}`}</span>
            <code>{entry.createdBy ?? '—'}</code>
            <span className="hint">
              <RelativeTime iso={entry.created} now={now} empty="" />
              {entry.comment ? ` · ${entry.comment}` : ''}
              {entry.author ? ` · ${entry.author}` : ''}
            </span>
          </li>
        )
      })}
    </ol>
  )
}
