import { useVirtualizer } from '@tanstack/react-virtual'
import { useLayoutEffect, useRef, useState } from 'react'
import type { KeyboardEvent } from 'react'
import { Link, useNavigate } from 'react-router'
import type { Repository } from '../../../../shared/models/repository'
import type { RepositorySort } from '../../../../shared/models/settings'
import { formatDate } from '../../components/format'
import { formatMutability, repositoryPath } from './repository-list'

/** Fixed row height in px; styles.css uses the same value (--row-height). */
export const ROW_HEIGHT = 34
// A tall window shows ~30 rows; 10 either side keeps the DOM near 50 rows at most.
const OVERSCAN = 10

interface RepositoryTableProps {
  repositories: readonly Repository[]
  sort: RepositorySort
}

/**
 * The repositories as a virtualized ARIA table: only the rows in view are in the DOM. Rows are
 * one tab stop (roving tabindex); arrows, Home, End and Page keys move, Enter opens.
 */
export function RepositoryTable({ repositories, sort }: RepositoryTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const navigate = useNavigate()
  const [activeIndex, setActiveIndex] = useState(0)
  const pendingFocus = useRef<number | null>(null)
  const count = repositories.length

  // The virtualizer is mutable by design; this component is not memoized, so it re-renders on
  // every scroll as TanStack Virtual expects.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    getItemKey: (index) => repositories[index]?.repositoryName ?? index,
  })
  const items = virtualizer.getVirtualItems()

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

  const active = Math.min(activeIndex, Math.max(count - 1, 0))
  const tabbable = items.some((item) => item.index === active) ? active : items[0]?.index

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(count - 1, index))
    setActiveIndex(next)
    pendingFocus.current = next
    virtualizer.scrollToIndex(next, { align: 'auto' })
  }

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, index: number) => {
    const repository = repositories[index]
    const pageSize = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1,
    )
    switch (event.key) {
      case 'ArrowDown':
        moveTo(index + 1)
        break
      case 'ArrowUp':
        moveTo(index - 1)
        break
      case 'PageDown':
        moveTo(index + pageSize)
        break
      case 'PageUp':
        moveTo(index - pageSize)
        break
      case 'Home':
        moveTo(0)
        break
      case 'End':
        moveTo(count - 1)
        break
      case 'Enter':
        if (repository) void navigate(repositoryPath(repository.repositoryName))
        break
      default:
        return
    }
    event.preventDefault()
  }

  return (
    <div
      className="table repositories-table"
      role="table"
      aria-label="Repositories"
      aria-rowcount={count + 1}
    >
      <div role="rowgroup" className="table-head">
        <div role="row" aria-rowindex={1} className="table-row">
          <div role="columnheader" aria-sort={sort === 'name' ? 'ascending' : undefined}>
            Name
          </div>
          <div role="columnheader">URI</div>
          <div role="columnheader" aria-sort={sort === 'created' ? 'descending' : undefined}>
            Created
          </div>
          <div role="columnheader">Tag mutability</div>
          <div role="columnheader">Scan on push</div>
        </div>
      </div>
      <div className="table-scroll" ref={scrollRef}>
        <div role="rowgroup" className="table-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const repository = repositories[item.index]
            if (!repository) return null
            const path = repositoryPath(repository.repositoryName)
            return (
              <div
                role="row"
                key={item.key}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                tabIndex={item.index === tabbable ? 0 : -1}
                className="table-row"
                style={{ transform: `translateY(${item.start}px)` }}
                onFocus={() => setActiveIndex(item.index)}
                onKeyDown={(event) => onKeyDown(event, item.index)}
                onClick={(event) => {
                  // The name link navigates by itself.
                  if (!event.defaultPrevented) void navigate(path)
                }}
              >
                <div role="cell" className="cell-name">
                  <Link to={path} tabIndex={-1}>
                    {repository.repositoryName}
                  </Link>
                </div>
                <div role="cell" className="cell-uri" title={repository.repositoryUri}>
                  {repository.repositoryUri}
                </div>
                <div role="cell">
                  {repository.createdAt ? (
                    <time dateTime={repository.createdAt} title={repository.createdAt}>
                      {formatDate(repository.createdAt)}
                    </time>
                  ) : (
                    '—'
                  )}
                </div>
                <div role="cell">{formatMutability(repository.imageTagMutability)}</div>
                <div role="cell">{repository.scanOnPush ? 'On' : 'Off'}</div>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
