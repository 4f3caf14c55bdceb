import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { KeyboardEvent, MouseEvent, ReactNode } from 'react'
import { useLocation, useNavigate } from 'react-router'
import { recall, remember } from './remembered'
import { useRovingRows } from './roving-rows'
import './table.css'
import './badge.css'

/** Fixed row height in px; styles.css uses the same value (--row-height). */
export const ROW_HEIGHT = 34
// A tall window shows ~30 rows; 10 either side keeps the DOM near 50 rows at most.
const OVERSCAN = 10
const estimateSize = () => ROW_HEIGHT

/** One column of a VirtualTable. */
export interface Column<T> {
  header: string
  /** aria-sort on the header, for the column the rows are sorted by. */
  sort?: 'ascending' | 'descending'
  className?: string
  /** The column's grid track; when every column has one, they set the row's grid template. */
  width?: string
  /** A tooltip for the cell (exact values behind a short display). */
  title?: (row: T) => string | undefined
  cell: (row: T) => ReactNode
}

interface VirtualTableProps<T> {
  /** The table's accessible name. */
  label: string
  /** Sets the column widths (styles.css has one grid template per table). */
  className: string
  rows: readonly T[]
  columns: readonly Column<T>[]
  rowKey: (row: T) => string
  /** Where Enter or a click on the row goes. */
  rowPath: (row: T) => string
  /**
   * Called as a row opens (Enter, a click on the row or on a link in it), before the page
   * changes: to start fetching what the next page shows while it renders.
   */
  onOpen?: (row: T) => void
}

/** Where the user was in the table, kept per history entry so Back returns there. */
interface TablePlace {
  offset: number
  active: number
  focused: boolean
}

/**
 * Rows as a virtualized ARIA table: only the rows in view are in the DOM. Rows are one tab stop
 * (roving tabindex); arrows, Home, End and Page keys move, Enter opens.
 */
export function VirtualTable<T>({
  label,
  className,
  rows,
  columns,
  rowKey,
  rowPath,
  onOpen,
}: VirtualTableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const navigate = useNavigate()
  const location = useLocation()
  const entryKey = `${location.key}${location.pathname}`
  const [place] = useState(() => recall<TablePlace>(entryKey, label))
  const focused = useRef(false)
  const count = rows.length
  const template = columns.every((column) => column.width)
    ? columns.map((column) => column.width).join(' ')
    : undefined

  // The virtualizer recomputes every row's position (O(rows)) whenever getItemKey changes, so it
  // must change only with the rows, not on every render (a scroll re-renders too).
  const rowKeyRef = useRef(rowKey)
  useLayoutEffect(() => {
    rowKeyRef.current = rowKey
  })
  const getItemKey = useCallback(
    (index: number) => {
      const row = rows[index]
      return row === undefined ? index : rowKeyRef.current(row)
    },
    [rows],
  )

  // The virtualizer is mutable by design; this component is not memoized, so it re-renders on
  // every scroll as TanStack Virtual expects.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    overscan: OVERSCAN,
    initialOffset: place?.offset ?? 0,
    getItemKey,
  })
  const items = virtualizer.getVirtualItems()
  const { activeIndex, setActiveIndex, tabbable, moveByKey } = useRovingRows({
    count,
    rowHeight: ROW_HEIGHT,
    scrollRef,
    virtualizer,
    initialActive: place?.active ?? 0,
    initialFocus: place?.focused ?? false,
  })

  // Remember the place when the page goes away (opening a row, Back, a link elsewhere).
  const latest = useRef<TablePlace>({ offset: 0, active: 0, focused: false })
  useLayoutEffect(() => {
    latest.current = { offset: virtualizer.scrollOffset ?? 0, active: activeIndex, focused: false }
  })
  useEffect(
    () => () => remember(entryKey, label, { ...latest.current, focused: focused.current }),
    [entryKey, label],
  )

  // Opens a row; a link in it that was clicked has navigated already.
  const open = (row: T, linkFollowed = false) => {
    onOpen?.(row)
    if (!linkFollowed) void navigate(rowPath(row))
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, index: number) => {
    if (event.key === 'Enter') {
      const row = rows[index]
      if (row !== undefined) open(row)
    } else if (!moveByKey(event.key, index)) {
      return
    }
    event.preventDefault()
  }
  // Rows are memoized (TableRow): while the table scrolls or the filter narrows, the rows that
  // stay on screen are not drawn again, so their handlers must keep their identity. They call the
  // latest closures through a ref.
  const latestHandlers = {
    focus: (index: number) => {
      focused.current = true
      setActiveIndex(index)
    },
    keyDown: onKeyDown,
    click: open,
  }
  const handlers = useRef(latestHandlers)
  useLayoutEffect(() => {
    handlers.current = latestHandlers
  })
  const onRowFocus = useCallback((index: number) => handlers.current.focus(index), [])
  const onRowBlur = useCallback(() => (focused.current = false), [])
  const onRowKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>, index: number) => handlers.current.keyDown(event, index),
    [],
  )
  const onRowClick = useCallback(
    (row: T, linkFollowed: boolean) => handlers.current.click(row, linkFollowed),
    [],
  )

  // .table-x scrolls sideways when the window is narrower than the columns' minimum widths, so
  // no column is lost out of sight.
  return (
    <div className="table-x">
      <div
        className={`table ${className}`}
        role="table"
        aria-label={label}
        aria-rowcount={count + 1}
      >
        <div role="rowgroup" className="table-head">
          <div
            role="row"
            aria-rowindex={1}
            className="table-row"
            style={{ gridTemplateColumns: template }}
          >
            {columns.map((column) => (
              <div role="columnheader" key={column.header} aria-sort={column.sort}>
                {column.header}
              </div>
            ))}
          </div>
        </div>
        <div className="table-scroll" ref={scrollRef}>
          <div
            role="rowgroup"
            className="table-body"
            style={{ height: virtualizer.getTotalSize() }}
          >
            {items.map((item) => {
              const row = rows[item.index]
              if (row === undefined) return null
              return (
                <TableRow
                  key={item.key}
                  row={row}
                  index={item.index}
                  start={item.start}
                  tabbable={item.index === tabbable}
                  template={template}
                  columns={columns}
                  onRowFocus={onRowFocus}
                  onRowBlur={onRowBlur}
                  onRowKeyDown={onRowKeyDown}
                  onRowClick={onRowClick}
                />
              )
            })}
          </div>
        </div>
      </div>
    </div>
  )
}

interface TableRowProps<T> {
  row: T
  index: number
  start: number
  tabbable: boolean
  template: string | undefined
  columns: readonly Column<T>[]
  onRowFocus: (index: number) => void
  onRowBlur: () => void
  onRowKeyDown: (event: KeyboardEvent<HTMLDivElement>, index: number) => void
  onRowClick: (row: T, linkFollowed: boolean) => void
}

/**
 * One row, drawn again only when its own props change: a row that stays on screen while the
 * table scrolls or re-renders keeps its DOM untouched. Columns must keep their identity between
 * renders (the tables build them with useMemo).
 */
const TableRow = memo(function TableRow<T>({
  row,
  index,
  start,
  tabbable,
  template,
  columns,
  onRowFocus,
  onRowBlur,
  onRowKeyDown,
  onRowClick,
}: TableRowProps<T>) {
  return (
    <div
      role="row"
      data-index={index}
      aria-rowindex={index + 2}
      tabIndex={tabbable ? 0 : -1}
      className="table-row"
      style={{ transform: `translateY(${start}px)`, gridTemplateColumns: template }}
      onFocus={() => onRowFocus(index)}
      onBlur={onRowBlur}
      onKeyDown={(event) => onRowKeyDown(event, index)}
      onClick={(event: MouseEvent<HTMLDivElement>) => {
        // A link inside the row navigates by itself (and prevents the default); anything else
        // that prevents it (a button in a cell) does not open the row.
        const inLink = (event.target as Element).closest('a') !== null
        if (!event.defaultPrevented || inLink) onRowClick(row, event.defaultPrevented)
      }}
    >
      {columns.map((column) => (
        <div
          role="cell"
          key={column.header}
          className={column.className}
          title={column.title?.(row)}
        >
          {column.cell(row)}
        </div>
      ))}
    </div>
  )
}) as <T>(props: TableRowProps<T>) => ReactNode
