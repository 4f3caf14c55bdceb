import { formatBytes } from './format'
import './progress-row.css'

interface ProgressRowProps {
  /** The progress bar's accessible name. */
  label: string
  done: number
  /** Null while the total is not known: the bar stays empty and has no value. */
  total: number | null
  /** What the row says beside the bar, in words. */
  text: string
}

/**
 * One long operation's bar and its words, as the export rows and the check dialogs show them:
 * a progressbar named `label` whose value is the bytes done of the total, and a hint beside it.
 * Styled by `.progress` / `.progress-fill` (downloads.css, loaded with the downloads tray).
 */
export function ProgressRow({ label, done, total, text }: ProgressRowProps) {
  const fraction = total ? Math.min(1, done / total) : 0
  return (
    <div className="progress-row">
      <div
        className="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        {...(total
          ? {
              'aria-valuemax': total,
              'aria-valuenow': Math.min(done, total),
              'aria-valuetext': `${formatBytes(done)} of ${formatBytes(total)}`,
            }
          : {})}
      >
        <ProgressFill fraction={fraction} />
      </div>
      <span className="hint">{text}</span>
    </div>
  )
}

/**
 * The filled part of a `.progress` bar: a full-width bar scaled from its left edge. A transform,
 * not a width, so each step is drawn by the compositor and the page is not laid out again: a
 * download's progress costs the UI almost nothing while the bytes arrive.
 */
export function ProgressFill({ fraction }: { fraction: number }) {
  return <div className="progress-fill" style={{ transform: `scaleX(${fraction.toFixed(3)})` }} />
}
