import { useEffect, useId, useRef, useState } from 'react'
import type { KeyboardEvent } from 'react'
import { Link } from 'react-router'
import './overflow-menu.css'

/** One entry of an OverflowMenu: an action, or a link when `to` is set. */
export interface MenuItem {
  label: string
  /** The accessible name when the label alone is ambiguous ("Look inside layer 2"). */
  ariaLabel?: string
  onSelect?: () => void
  to?: string
  /** Why it cannot be used here; the item is then disabled and says so. */
  disabledReason?: string
}

/**
 * A "More" button that opens a menu of the actions that do not fit: arrows move, Enter picks,
 * Escape or a click outside closes it and focus goes back to the button.
 */
export function OverflowMenu({ label, items }: { label: string; items: readonly MenuItem[] }) {
  const [open, setOpen] = useState(false)
  const trigger = useRef<HTMLButtonElement>(null)
  const menu = useRef<HTMLDivElement>(null)
  const menuId = useId()

  const entries = () => [
    ...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []),
  ]

  useEffect(() => {
    if (!open) return
    entries()[0]?.focus()
    const outside = (event: PointerEvent) => {
      const target = event.target as Node
      if (!menu.current?.contains(target) && !trigger.current?.contains(target)) setOpen(false)
    }
    document.addEventListener('pointerdown', outside)
    return () => document.removeEventListener('pointerdown', outside)
  }, [open])

  const close = () => {
    setOpen(false)
    trigger.current?.focus()
  }

  const onKeyDown = (event: KeyboardEvent) => {
    const all = entries()
    const at = all.indexOf(document.activeElement as HTMLElement)
    const move = (to: number) => {
      event.preventDefault()
      all[(to + all.length) % all.length]?.focus()
    }
    if (event.key === 'ArrowDown') move(at + 1)
    else if (event.key === 'ArrowUp') move(at - 1)
    else if (event.key === 'Home') move(0)
    else if (event.key === 'End') move(all.length - 1)
    else if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      close()
    } else if (event.key === 'Tab') setOpen(false)
  }

  return (
    <span className="overflow-menu">
      <button
        ref={trigger}
        type="button"
        className="small"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen(!open)}
      >
        More <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          className="menu"
          role="menu"
          id={menuId}
          aria-label={label}
          ref={menu}
          onKeyDown={onKeyDown}
        >
          {items.map((item) => {
            const name = item.ariaLabel ?? item.label
            if (item.disabledReason !== undefined) {
              return (
                <div
                  key={item.label}
                  role="menuitem"
                  tabIndex={-1}
                  aria-disabled="true"
                  aria-label={`${name}: ${item.disabledReason}`}
                  className="menu-item disabled"
                >
                  <span>{item.label}</span>
                  <span className="menu-reason">{item.disabledReason}</span>
                </div>
              )
            }
            if (item.to !== undefined) {
              return (
                <Link
                  key={item.label}
                  role="menuitem"
                  tabIndex={-1}
                  aria-label={item.ariaLabel}
                  className="menu-item"
                  to={item.to}
                  onClick={() => setOpen(false)}
                >
                  {item.label}
                </Link>
              )
            }
            return (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                tabIndex={-1}
                aria-label={item.ariaLabel}
                className="menu-item"
                onClick={() => {
                  // Focus goes back to "More" first, so a dialog the item opens returns it there.
                  close()
                  item.onSelect?.()
                }}
              >
                {item.label}
              </button>
            )
          })}
        </div>
      )}
    </span>
  )
}
