import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import { useExportProgress, useVerifyLayout } from '../../api/export'
import { Dialog } from '../../components/dialog'
import { ErrorPanel } from '../../components/error-panel'
import { formatTransfer } from '../downloads/download-format'
import {
  CheckActions,
  CheckProgress,
  PathField,
  useCheckRun,
  usePathPicker,
} from '../downloads/verify-parts'
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
  const verify = useVerifyLayout()
  const run = useCheckRun(verify, onClose)
  const picker = usePathPicker(path, setPath)
  const progress = useExportProgress(verify.isPending ? run.operationId : null)
  const hintId = useId()
  const ready = path.trim() !== ''

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!ready) return
    run.start({ path: path.trim() })
  }

  const check = verify.data
  return (
    <Dialog title="Verify a layout" onClose={run.close} className="verify-layout-dialog">
      <form onSubmit={submit} className="dialog-form">
        <p id={hintId} className="hint">
          An OCI image layout, as a folder or a .tar, from this app or any other tool (skopeo,
          regctl, crane, docker save): index.json and every manifest are re-read, every blob is
          re-hashed.
        </p>
        <PathField
          label="Layout folder or .tar"
          value={path}
          onChange={setPath}
          placeholder="/path/to/layout or /path/to/image.tar"
          chooseLabel="Choose .tar…"
          onChoose={picker.pick}
          noPicker={picker.noPicker}
          noPickerHint="No file dialog here: type the full path of the layout folder or .tar, inside the download folder or a folder you chose. In the desktop app, Choose .tar… opens the system’s file dialog."
          describedBy={hintId}
        />
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
          label="Layout check progress"
          progress={progress}
          text={(p) =>
            `Checked ${p.blobsDone} blob${p.blobsDone === 1 ? '' : 's'}, ${formatTransfer(p.receivedBytes, p.totalBytes)}`
          }
        />
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
        {verify.isError && run.cancelled && <p>Cancelled: nothing was changed.</p>}
      </div>
      {verify.isError && !run.cancelled && <ErrorPanel error={verify.error} />}
      {picker.choose.isError && <ErrorPanel error={picker.choose.error} />}
    </Dialog>
  )
}
