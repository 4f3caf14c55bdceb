import { useEffect, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import { describeError } from '../../../shared/errors'
import './copy-button.css'

// Long enough to read, short enough not to linger next to the next thing copied.
const CONFIRMATION_MS = 2000
const FAILURE_MS = 8000

interface CopyButtonProps {
  /** What goes on the clipboard. */
  text: string
  /** The button's accessible name, such as "Copy digest". */
  label: string
  /** What the button shows, when shorter than the label (the label must start with it). */
  children?: ReactNode
}

/**
 * Copies text with navigator.clipboard and says so next to the button: "Copied", or why it could
 * not (the clipboard can be refused by the system or a permission handler).
 */
export function CopyButton({ text, label, children }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])

  const copy = async () => {
    let outcome: 'copied' | 'failed'
    try {
      if (!navigator.clipboard) throw new Error('no clipboard API')
      await navigator.clipboard.writeText(text)
      outcome = 'copied'
    } catch {
      outcome = 'failed'
    }
    setState(outcome)
    clearTimeout(timer.current)
    timer.current = setTimeout(
      () => setState('idle'),
      outcome === 'copied' ? CONFIRMATION_MS : FAILURE_MS,
    )
  }

  const refused = describeError({ code: 'ClipboardRefused', message: '' })
  return (
    <span className="copy">
      <button
        type="button"
        className="copy-button small"
        aria-label={children === undefined ? undefined : label}
        onClick={() => void copy()}
      >
        {children ?? label}
      </button>
      <span role="status" className={state === 'failed' ? 'copy-status failed' : 'copy-status'}>
        {state === 'copied'
          ? 'Copied'
          : state === 'failed'
            ? `${refused.title}: ${refused.explanation} ${refused.nextStep}`
            : ''}
      </span>
    </span>
  )
}
