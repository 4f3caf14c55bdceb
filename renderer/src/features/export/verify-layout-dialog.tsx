import { useId, useRef, useState } from 'react'
import type { FormEvent } from 'react'
import { cancelOperation, newOperationId, useChooseFile } from '../../api/downloads'
import { useExportProgress, useVerifyLayout } from '../../api/export'
import { Dialog } from '../../components/dialog'
import { ErrorPanel } from '../../components/error-panel'
import { ProgressRow } from '../../components/progress-row'
import { formatTransfer } from '../downloads/download-format'
import './export.css'

interface VerifyLayoutDialogProps {
  onClose: () => void
  /** Where the path field starts (a layout this window saved), if anywhere. */
  initialPath?: string
}

/**
 * "Verify a layout…": checks an OCI image layout, a folder or a `.tar`, whoever wrote it: index.json
 * and every manifest it names are re-read, and every blob is re-hashed, in main, with progress and
 * Cancel. Says "verified: N blobs, X bytes", or each problem with the digest it concerns. The path
 * is typed, or a `.tar` picked with the native file dialog ("Choose .tar…"); the web bridge has no
 * dialog, so there the path is typed (within the download folder or a folder the user chose).
 */
export function VerifyLayoutDialog({ onClose, initialPath = '' }: VerifyLayoutDialogProps) {
  const [path, setPath] = useState(initialPath)
  const [operationId, setOperationId] = useState<string | null>(null)
  const [cancelled, setCancelled] = useState(false)
  const verify = useVerifyLayout()
  const choose = useChooseFile()
  const progress = useExportProgress(verify.isPending ? operationId : null)
  const submitButton = useRef<HTMLButtonElement>(null)
  const pathId = useId()
  const hintId = useId()
  const pickerHintId = useId()
  const noPicker = choose.data?.picker === false
  const ready = path.trim() !== ''

  const chooseTar = () => {
    if (choose.isPending) return
    choose.mutate(path.trim(), {
      onSuccess: ({ path: chosen }) => {
        if (chosen !== null) setPath(chosen)
      },
    })
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!ready || verify.isPending) return
    const id = newOperationId()
    setOperationId(id)
    setCancelled(false)
    verify.mutate({ operationId: id, path: path.trim() })
  }

  const cancel = () => {
    if (!operationId) return
    setCancelled(true)
    submitButton.current?.focus()
    void cancelOperation(operationId)
  }

  const close = () => {
    if (verify.isPending) cancel()
    onClose()
  }

  const check = verify.data
  return (
    <Dialog title="Verify a layout" onClose={close} className="verify-layout-dialog">
      <form onSubmit={submit} className="dialog-form">
        <p id={hintId} className="hint">
          An OCI image layout, as a folder or a .tar, from this app or any other tool (skopeo,
          regctl, crane, docker save): index.json and every manifest are re-read, every blob is
          re-hashed.
        </p>
        <label htmlFor={pathId}>Layout folder or .tar</label>
        <div className="path-field">
          <input
            id={pathId}
            type="text"
            value={path}
            onChange={(event) => setPath(event.target.value)}
            placeholder="/path/to/layout or /path/to/image.tar"
            spellCheck={false}
            autoComplete="off"
            required
            aria-describedby={noPicker ? `${hintId} ${pickerHintId}` : hintId}
          />
          <button type="button" onClick={chooseTar}>
            Choose .tar…
          </button>
        </div>
        <p id={pickerHintId} className="hint" aria-live="polite">
          {noPicker &&
            'No file dialog here: type the full path of the layout folder or .tar, inside the download folder or a folder you chose. In the desktop app, Choose .tar… opens the system’s file dialog.'}
        </p>
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={!ready} ref={submitButton}>
            Verify
          </button>
          {verify.isPending && (
            <button type="button" onClick={cancel}>
              Cancel
            </button>
          )}
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      </form>

      {verify.isPending && (
        <div className="verify-progress">
          <ProgressRow
            label="Layout check progress"
            done={progress?.receivedBytes ?? 0}
            total={progress?.totalBytes ?? null}
            text={
              progress
                ? `Checked ${progress.blobsDone} blob${progress.blobsDone === 1 ? '' : 's'}, ${formatTransfer(progress.receivedBytes, progress.totalBytes)}`
                : 'Starting…'
            }
          />
        </div>
      )}

      <div role="status" className="verify-outcome">
        {verify.isSuccess && check && (
          <>
            <p className={check.ok ? 'verdict matches' : 'verdict mismatch'}>
              {check.ok ? check.summary : 'Not a valid layout'}
            </p>
            {check.ok ? (
              check.refs.length > 0 && (
                <ul className="layout-refs" aria-label="Images in the layout">
                  {check.refs.map((ref) => (
                    <li key={`${ref.name ?? ''}@${ref.digest}`}>
                      {ref.name ? <strong>{ref.name}</strong> : 'untagged'}{' '}
                      <code>{ref.digest}</code>
                    </li>
                  ))}
                </ul>
              )
            ) : (
              <ul className="layout-problems" aria-label="Problems found">
                {check.problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            )}
          </>
        )}
        {verify.isError && cancelled && <p>Cancelled: nothing was changed.</p>}
      </div>
      {verify.isError && !cancelled && <ErrorPanel error={verify.error} />}
      {choose.isError && <ErrorPanel error={choose.error} />}
    </Dialog>
  )
}
