import type { Virtualizer } from '@tanstack/react-virtual'
import { useLayoutEffect, useRef, useState, type RefObject } from 'react'

interface RovingRowsOptions {
  count: number
  /** Fixed row height in px, to size a Page Up / Page Down step. */
  rowHeight: number
  scrollRef: RefObject<HTMLDivElement | null>
  virtualizer: Virtualizer<HTMLDivElement, Element>
  /** The row to start on, and whether to focus it once it renders (a remembered place). */
  initialActive?: number
  initialFocus?: boolean
  /** Called with the row each move lands on. */
  onMove?: (index: number) => void
}

/** The roving tab stop of a virtualized list of rows, and where the navigation keys take it. */
export interface RovingRows {
  /** The active row, as last set (may be past the end after the rows shrank). */
  activeIndex: number
  setActiveIndex: (index: number) => void
  /** The row with tabIndex 0: the active row if it is rendered, else the first rendered row. */
  tabbable: number | undefined
  /** Makes a row active, scrolls to it and focuses it once it renders. */
  moveTo: (index: number) => void
  /** Moves for ArrowUp/Down, PageUp/Down, Home and End; false (and no move) for other keys. */
  moveByKey: (key: string, index: number) => boolean
}

/** Rows as one tab stop (roving tabindex) that arrows, Home, End and Page keys move. */
export function useRovingRows({
  count,
  rowHeight,
  scrollRef,
  virtualizer,
  initialActive = 0,
  initialFocus = false,
  onMove,
}: RovingRowsOptions): RovingRows {
  const [activeIndex, setActiveIndex] = useState(initialActive)
  const pendingFocus = useRef<number | null>(initialFocus ? initialActive : null)

  // The row to focus may render only after the virtualizer has scrolled to it.
  useLayoutEffect(() => {
    const index = pendingFocus.current
    if (index === null) return
    const row = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${index}"]`)
    if (row) {
      pendingFocus.current = null
      row.focus({ preventScroll: true })
    }
  })

  const items = virtualizer.getVirtualItems()
  const active = Math.min(activeIndex, Math.max(count - 1, 0))
  const tabbable = items.some((item) => item.index === active) ? active : items[0]?.index

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(count - 1, index))
    setActiveIndex(next)
    pendingFocus.current = next
    virtualizer.scrollToIndex(next, { align: 'auto' })
    onMove?.(next)
  }

  const moveByKey = (key: string, index: number) => {
    const pageSize = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / rowHeight) - 1)
    switch (key) {
      case 'ArrowDown':
        moveTo(index + 1)
        return true
      case 'ArrowUp':
        moveTo(index - 1)
        return true
      case 'PageDown':
        moveTo(index + pageSize)
        return true
      case 'PageUp':
        moveTo(index - pageSize)
        return true
      case 'Home':
        moveTo(0)
        return true
      case 'End':
        moveTo(count - 1)
        return true
      default:
        return false
    }
  }

  return { activeIndex, setActiveIndex, tabbable, moveTo, moveByKey }
}
