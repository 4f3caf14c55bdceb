import { useEffect, useId, useRef } from 'react'
import type { KeyboardEvent, ReactNode, RefObject } from 'react'
import { createPortal } from 'react-dom'
import './dialog.css'

interface DialogProps {
  /** The dialog's heading and accessible name. */
  title: string
  /** Escape, and whatever closing buttons the content has, call this. */
  onClose: () => void
  children: ReactNode
  /**
   * What gets focus when the dialog opens: an element, 'dialog' for the dialog itself (a long
   * form, read from its title), or by default its first focusable control.
   */
  initialFocus?: RefObject<HTMLElement | null> | 'dialog'
  /** alertdialog for questions that need an answer (a conflict), dialog otherwise. */
  role?: 'dialog' | 'alertdialog'
  className?: string
}

// Open dialogs, oldest first: Escape anywhere on the page closes only the top one, even when focus
// fell to <body> (a focused button that became disabled drops it there).
const open: object[] = []

const FOCUSABLE =
  'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"]), summary'

function focusables(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !el.closest('[hidden]') && !el.closest('[inert]'),
  )
}

/**
 * A modal dialog: rendered over the page, which is made inert meanwhile; focus moves in, Tab and
 * Shift+Tab stay inside, Escape closes it, and focus goes back to whatever had it before (the
 * button that opened it). Built by hand because jsdom has no <dialog> showModal() to test with.
 */
export function Dialog({
  title,
  onClose,
  children,
  initialFocus,
  role = 'dialog',
  className,
}: DialogProps) {
  const ref = useRef<HTMLDivElement>(null)
  const backdrop = useRef<HTMLDivElement>(null)
  const titleId = useId()
  const close = useRef(onClose)
  useEffect(() => {
    close.current = onClose
  }, [onClose])

  useEffect(() => {
    const node = ref.current
    const host = backdrop.current
    if (!node || !host) return
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
    // Everything else on the page goes inert, an earlier dialog included (a conflict can arrive
    // while Settings is open); only what this dialog made inert is given back.
    const madeInert: HTMLElement[] = []
    for (const child of document.body.children) {
      if (child === host || !(child instanceof HTMLElement) || child.hasAttribute('inert')) continue
      child.setAttribute('inert', '')
      madeInert.push(child)
    }
    const token = {}
    open.push(token)
    const onEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || open.at(-1) !== token || event.defaultPrevented) return
      event.preventDefault()
      close.current()
    }
    document.addEventListener('keydown', onEscape)
    const target =
      initialFocus === 'dialog' ? node : (initialFocus?.current ?? focusables(node)[0] ?? node)
    target.focus()
    return () => {
      document.removeEventListener('keydown', onEscape)
      open.splice(open.indexOf(token), 1)
      for (const el of madeInert) el.removeAttribute('inert')
      if (previous?.isConnected) previous.focus()
    }
    // Runs once per opening: focus and inertness are set when it opens and undone when it closes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // A dialog opened from inside this one is portalled elsewhere, but its React events still
    // bubble through here; it traps its own Tab.
    if (event.key !== 'Tab' || !ref.current?.contains(event.target as Node)) return
    const items = focusables(ref.current)
    const first = items[0]
    const last = items.at(-1)
    if (!first || !last) {
      event.preventDefault()
      return
    }
    const active = document.activeElement
    if (event.shiftKey && (active === first || active === ref.current)) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && active === last) {
      event.preventDefault()
      first.focus()
    }
  }

  return createPortal(
    <div className="dialog-backdrop" ref={backdrop}>
      <div
        ref={ref}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className={className ? `dialog ${className}` : 'dialog'}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>,
    document.body,
  )
}
