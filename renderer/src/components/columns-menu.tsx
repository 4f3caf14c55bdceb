import { useEffect, useId, useRef, useState } from 'react'
import type { KeyboardEvent } from 'react'
import './columns-menu.css'

/** One column as the Columns menu lists it. */
export interface ChooserColumn {
  id: string
  label: string
  /** Always shown (the column that names the row); its box is checked and disabled. */
  locked?: boolean
}

interface ColumnsMenuProps {
  columns: readonly ChooserColumn[]
  /** Ids the user has unchecked. */
  hidden: ReadonlySet<string>
  /** Ids that are checked but left out because the window is too narrow. */
  noRoom: ReadonlySet<string>
  onToggle: (id: string, show: boolean) => void
}

/**
 * A "Columns" button that opens a panel of checkboxes, one per column. The button counts the
 * columns that are not on screen, whether unchecked or left out for room, so no column is lost
 * silently; the panel says which ones the window has no room for.
 */
export function ColumnsMenu({ columns, hidden, noRoom, onToggle }: ColumnsMenuProps) {
  const [open, setOpen] = useState(false)
  const trigger = useRef<HTMLButtonElement>(null)
  const panel = useRef<HTMLDivElement>(null)
  const panelId = useId()
  const missing = columns.filter((c) => !c.locked && (hidden.has(c.id) || noRoom.has(c.id))).length

  useEffect(() => {
    if (!open) return
    panel.current?.querySelector<HTMLInputElement>('input:not(:disabled)')?.focus()
    const outside = (event: PointerEvent) => {
      const target = event.target as Node
      if (!panel.current?.contains(target) && !trigger.current?.contains(target)) setOpen(false)
    }
    document.addEventListener('pointerdown', outside)
    return () => document.removeEventListener('pointerdown', outside)
  }, [open])

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return
    event.preventDefault()
    event.stopPropagation()
    setOpen(false)
    trigger.current?.focus()
  }

  return (
    <span className="columns-menu">
      <button
        ref={trigger}
        type="button"
        className="small"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen(!open)}
      >
        {missing > 0 ? `Columns (${missing} hidden)` : 'Columns'} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="columns-panel" id={panelId} ref={panel} onKeyDown={onKeyDown}>
          <fieldset>
            <legend>Columns shown</legend>
            {columns.map((column) => {
              const tight = !column.locked && !hidden.has(column.id) && noRoom.has(column.id)
              const noteId = `${panelId}-${column.id}`
              return (
                <label key={column.id} className="columns-choice">
                  <input
                    type="checkbox"
                    checked={column.locked || !hidden.has(column.id)}
                    disabled={column.locked}
                    aria-describedby={tight ? noteId : undefined}
                    onChange={(event) => onToggle(column.id, event.target.checked)}
                  />
                  <span>
                    {column.label}
                    {tight && (
                      <span className="columns-note" id={noteId}>
                        No room at this window width: hide another column or widen the window
                      </span>
                    )}
                  </span>
                </label>
              )
            })}
          </fieldset>
        </div>
      )}
    </span>
  )
}
