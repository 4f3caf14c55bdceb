import { useQuery } from '@tanstack/react-query'
import { useId, useRef, useState } from 'react'
import type { FormEvent } from 'react'
import { blobFileName } from '../../../../shared/file-names'
import {
  cancelOperation,
  downloadFolderQuery,
  newOperationId,
  useChooseFile,
  useOperationProgress,
  useVerifyFile,
} from '../../api/downloads'
import { Dialog } from '../../components/dialog'
import { ErrorPanel } from '../../components/error-panel'
import { formatExactBytes } from '../../components/format'
import { ProgressRow } from '../../components/progress-row'
import { formatTransfer, joinPath } from './download-format'

/** The layer a check was opened from: its digest is the one to check against. */
export interface VerifyTarget {
  /** 1-based, as the layers table shows it. */
  index: number
  repositoryName: string
  digest: string
  mediaType: string
}

interface VerifyDialogProps {
  onClose: () => void
  layer?: VerifyTarget
}

/**
 * "Verify a file…": streams a file on disk through the digest's hash in main, with progress and
 * Cancel, and says whether it matches. The path is typed or picked with "Choose file…" (the native
 * dialog). Opened from a layer row, the digest is that layer's and the path starts as where
 * Download would have saved it.
 */
export function VerifyDialog({ onClose, layer }: VerifyDialogProps) {
  const folder = useQuery(downloadFolderQuery())
  const [path, setPath] = useState<string | null>(null)
  const [typedDigest, setTypedDigest] = useState('')
  const [operationId, setOperationId] = useState<string | null>(null)
  const [cancelled, setCancelled] = useState(false)
  const verify = useVerifyFile()
  const choose = useChooseFile()
  const progress = useOperationProgress(verify.isPending ? operationId : null)
  const submitButton = useRef<HTMLButtonElement>(null)
  const pathId = useId()
  const digestId = useId()
  const pickerHintId = useId()

  const suggested =
    layer && folder.data
      ? joinPath(
          folder.data.path,
          blobFileName(layer.repositoryName, layer.digest, layer.mediaType),
        )
      : ''
  const shownPath = path ?? suggested
  const digest = layer ? layer.digest : typedDigest.trim()
  const ready = shownPath.trim() !== '' && digest !== ''
  // The web bridge has no file dialog: say so, instead of a button that seems to do nothing.
  const noPicker = choose.data?.picker === false

  const chooseFile = () => {
    if (choose.isPending) return
    choose.mutate(shownPath.trim(), {
      // Cancelled (null): the path stays as the user left it.
      onSuccess: ({ path: chosen }) => {
        if (chosen !== null) setPath(chosen)
      },
    })
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    // The button stays enabled while a check runs, so focus is not dropped; a second is ignored.
    if (!ready || verify.isPending) return
    const id = newOperationId()
    setOperationId(id)
    setCancelled(false)
    verify.mutate({ operationId: id, path: shownPath.trim(), digest })
  }

  const cancel = () => {
    if (!operationId) return
    setCancelled(true)
    // Cancel goes away once the check stops; Verify is where the user goes next.
    submitButton.current?.focus()
    void cancelOperation(operationId)
  }

  // Closing while a check runs cancels it: nothing would show its outcome.
  const close = () => {
    if (verify.isPending) cancel()
    onClose()
  }

  return (
    <Dialog
      title={layer ? `Verify a file against layer ${layer.index}` : 'Verify a file'}
      onClose={close}
      className="verify-dialog"
    >
      <form onSubmit={submit} className="dialog-form">
        <label htmlFor={pathId}>File path</label>
        <div className="path-field">
          <input
            id={pathId}
            type="text"
            value={shownPath}
            onChange={(event) => setPath(event.target.value)}
            placeholder="/path/to/blob.tar.gz"
            spellCheck={false}
            autoComplete="off"
            required
            {...(noPicker ? { 'aria-describedby': pickerHintId } : {})}
          />
          <button type="button" onClick={chooseFile}>
            Choose file…
          </button>
        </div>
        <p id={pickerHintId} className="hint" aria-live="polite">
          {noPicker && 'No file dialog here: type the file’s full path.'}
        </p>
        {layer ? (
          <p>
            Digest of layer {layer.index}: <code>{layer.digest}</code>
          </p>
        ) : (
          <>
            <label htmlFor={digestId}>Digest</label>
            <input
              id={digestId}
              type="text"
              value={typedDigest}
              onChange={(event) => setTypedDigest(event.target.value)}
              placeholder="sha256:…"
              spellCheck={false}
              autoComplete="off"
              required
            />
          </>
        )}
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
            label="Verification progress"
            done={progress?.receivedBytes ?? 0}
            total={progress?.totalBytes ?? null}
            text={
              progress
                ? `Hashing ${formatTransfer(progress.receivedBytes, progress.totalBytes)}`
                : 'Starting…'
            }
          />
        </div>
      )}

      <div role="status" className="verify-outcome">
        {verify.isSuccess && (
          <>
            <p className={verify.data.matches ? 'verdict matches' : 'verdict mismatch'}>
              {verify.data.matches ? 'Matches' : 'Does not match'}
            </p>
            <dl className="facts">
              <dt>File</dt>
              <dd>
                <code>{verify.data.path}</code> ({formatExactBytes(verify.data.size)})
              </dd>
              <dt>Expected</dt>
              <dd>
                <code>{verify.data.digest}</code>
              </dd>
              <dt>Actual</dt>
              <dd>
                <code>{verify.data.actualDigest}</code>
              </dd>
            </dl>
          </>
        )}
        {verify.isError && cancelled && <p>Cancelled</p>}
      </div>
      {verify.isError && !cancelled && <ErrorPanel error={verify.error} />}
      {choose.isError && <ErrorPanel error={choose.error} />}
    </Dialog>
  )
}
