import { useId, useRef, useState } from 'react'
import type { RefObject } from 'react'
import { cancelOperation, newOperationId, useChooseFile } from '../../api/downloads'
import { ProgressRow } from '../../components/progress-row'

// The parts both "verify" dialogs are made of (Verify a file…, Verify a layout…): a path field with
// the native picker beside it, the Verify / Cancel / Close row, the progress row, and the run's
// state (its operation id, whether it was cancelled, what closing does while it runs).

/** A check that runs in main as an operation, cancellable by its id. */
interface CheckMutation<Request extends { operationId?: string }> {
  isPending: boolean
  mutate: (request: Request) => void
}

/** One check's run: start it, cancel it, or close the dialog (which cancels a running one). */
export function useCheckRun<Request extends { operationId?: string }>(
  check: CheckMutation<Request>,
  onClose: () => void,
) {
  const [operationId, setOperationId] = useState<string | null>(null)
  const [cancelled, setCancelled] = useState(false)
  const submitButton = useRef<HTMLButtonElement>(null)

  // The button stays enabled while a check runs, so focus is not dropped; a second is ignored.
  const start = (request: Omit<Request, 'operationId'>) => {
    if (check.isPending) return
    const id = newOperationId()
    setOperationId(id)
    setCancelled(false)
    check.mutate({ ...request, operationId: id } as Request)
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
    if (check.isPending) cancel()
    onClose()
  }

  return { operationId, cancelled, submitButton, start, cancel, close }
}

/** The native file dialog, starting from the typed path; a cancelled pick leaves the path as it was. */
export function usePathPicker(path: string, setPath: (path: string) => void) {
  const choose = useChooseFile()
  // The web bridge has no file dialog: say so, instead of a button that seems to do nothing.
  const noPicker = choose.data?.picker === false
  const pick = () => {
    if (choose.isPending) return
    choose.mutate(path.trim(), {
      onSuccess: ({ path: chosen }) => {
        if (chosen !== null) setPath(chosen)
      },
    })
  }
  return { choose, noPicker, pick }
}

interface PathFieldProps {
  label: string
  value: string
  onChange: (value: string) => void
  placeholder: string
  /** The picker button's words, such as "Choose file…". */
  chooseLabel: string
  onChoose: () => void
  /** Whether there is no file dialog here (the web bridge); then noPickerHint is shown. */
  noPicker: boolean
  noPickerHint: string
  /** The id of a hint above that also describes the field, if any. */
  describedBy?: string
}

/** A typed path with the native picker beside it, and the hint said where there is no picker. */
export function PathField({
  label,
  value,
  onChange,
  placeholder,
  chooseLabel,
  onChoose,
  noPicker,
  noPickerHint,
  describedBy,
}: PathFieldProps) {
  const pathId = useId()
  const pickerHintId = useId()
  const described = [describedBy, noPicker ? pickerHintId : undefined].filter(Boolean).join(' ')
  return (
    <>
      <label htmlFor={pathId}>{label}</label>
      <div className="path-field">
        <input
          id={pathId}
          type="text"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          required
          {...(described ? { 'aria-describedby': described } : {})}
        />
        <button type="button" onClick={onChoose}>
          {chooseLabel}
        </button>
      </div>
      <p id={pickerHintId} className="hint" aria-live="polite">
        {noPicker && noPickerHint}
      </p>
    </>
  )
}

interface CheckActionsProps {
  ready: boolean
  running: boolean
  submitButton: RefObject<HTMLButtonElement | null>
  onCancel: () => void
  onClose: () => void
}

/** Verify (the form's submit), Cancel while a check runs, Close. */
export function CheckActions({
  ready,
  running,
  submitButton,
  onCancel,
  onClose,
}: CheckActionsProps) {
  return (
    <div className="dialog-actions">
      <button type="submit" className="primary" disabled={!ready} ref={submitButton}>
        Verify
      </button>
      {running && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </div>
  )
}

/** What a progress event says at the least: the bytes done of the total, when known. */
interface ByteProgress {
  receivedBytes: number
  totalBytes: number | null
}

interface CheckProgressProps<Progress extends ByteProgress> {
  label: string
  progress: Progress | null
  /** The words for a progress event that has come; before the first, "Starting…". */
  text: (progress: Progress) => string
}

/** The running check's progress row. */
export function CheckProgress<Progress extends ByteProgress>({
  label,
  progress,
  text,
}: CheckProgressProps<Progress>) {
  return (
    <div className="verify-progress">
      <ProgressRow
        label={label}
        done={progress?.receivedBytes ?? 0}
        total={progress?.totalBytes ?? null}
        text={progress ? text(progress) : 'Starting…'}
      />
    </div>
  )
}
