import { useId, useRef, useState } from 'react'
import type { OnExisting } from '../../../../shared/models/download'
import { Dialog } from '../../components/dialog'
import { baseName, blobLabel } from './download-format'
import type { DownloadEntry } from './download-store'

interface ConflictDialogProps {
  entry: DownloadEntry
  /** The file that is in the way. */
  path: string
  /** How many other downloads wait for the same answer. */
  others: number
  /** Replace, keep both or skip; `all` applies it to the other conflicts too. */
  onAnswer: (choice: Exclude<OnExisting, 'ask'>, all: boolean) => void
}

/**
 * Main never overwrites a file silently: when the name is taken by a file that does not match the
 * digest, the user picks. Escape is Skip, which changes nothing on disk.
 */
export function ConflictDialog({ entry, path, others, onAnswer }: ConflictDialogProps) {
  const [all, setAll] = useState(false)
  const keepBoth = useRef<HTMLButtonElement>(null)
  const allId = useId()
  return (
    <Dialog
      title="A different file already exists"
      onClose={() => onAnswer('skip', false)}
      initialFocus={keepBoth}
      className="conflict-dialog"
    >
      <p>
        <code>{baseName(path)}</code> is already in the download folder, but its bytes do not match{' '}
        <code>{blobLabel(entry.target)}</code>
        {entry.target.role ? ` (${entry.target.role})` : ''}.
      </p>
      <p className="hint">{path}</p>
      <ul className="plain-list choices">
        <li>
          <strong>Replace</strong>: download the blob and put it in place of that file, once it is
          verified.
        </li>
        <li>
          <strong>Keep both</strong>: save the blob next to it under a numbered name.
        </li>
        <li>
          <strong>Skip</strong>: leave the file as it is and download nothing.
        </li>
      </ul>
      {others > 0 && (
        <p>
          <input
            id={allId}
            type="checkbox"
            checked={all}
            onChange={(event) => setAll(event.target.checked)}
          />{' '}
          <label htmlFor={allId}>
            {`Do the same for the other ${others} ${others === 1 ? 'conflict' : 'conflicts'}`}
          </label>
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={() => onAnswer('replace', all)}>
          Replace
        </button>
        <button
          type="button"
          className="primary"
          ref={keepBoth}
          onClick={() => onAnswer('keep-both', all)}
        >
          Keep both
        </button>
        <button type="button" onClick={() => onAnswer('skip', all)}>
          Skip
        </button>
      </div>
    </Dialog>
  )
}
