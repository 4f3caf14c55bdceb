import { useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import { blobFileName } from '../../../../shared/file-names'
import { downloadFolderQuery, useOperationProgress, useVerifyFile } from '../../api/downloads'
import { Dialog } from '../../components/dialog'
import { ErrorPanel } from '../../components/error-panel'
import { formatExactBytes } from '../../components/format'
import { formatTransfer, joinPath } from './download-format'
import { CheckActions, CheckProgress, PathField, useCheckRun, usePathPicker } from './verify-parts'

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
  const verify = useVerifyFile()
  const run = useCheckRun(verify, onClose)
  const progress = useOperationProgress(verify.isPending ? run.operationId : null)
  const digestId = useId()

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
  const picker = usePathPicker(shownPath, setPath)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!ready) return
    run.start({ path: shownPath.trim(), digest })
  }

  return (
    <Dialog
      title={layer ? `Verify a file against layer ${layer.index}` : 'Verify a file'}
      onClose={run.close}
      className="verify-dialog"
    >
      <form onSubmit={submit} className="dialog-form">
        <PathField
          label="File path"
          value={shownPath}
          onChange={setPath}
          placeholder="/path/to/blob.tar.gz"
          chooseLabel="Choose file…"
          onChoose={picker.pick}
          noPicker={picker.noPicker}
          noPickerHint="No file dialog here: type the file’s full path."
        />
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
        <CheckActions
          ready={ready}
          running={verify.isPending}
          submitButton={run.submitButton}
          onCancel={run.cancel}
          onClose={run.close}
        />
      </form>

      {verify.isPending && (
        <CheckProgress
          label="Verification progress"
          progress={progress}
          text={(p) => `Hashing ${formatTransfer(p.receivedBytes, p.totalBytes)}`}
        />
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
        {verify.isError && run.cancelled && <p>Cancelled</p>}
      </div>
      {verify.isError && !run.cancelled && <ErrorPanel error={verify.error} />}
      {picker.choose.isError && <ErrorPanel error={picker.choose.error} />}
    </Dialog>
  )
}
