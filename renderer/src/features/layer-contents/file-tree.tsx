import { useVirtualizer } from '@tanstack/react-virtual'
import { useRef } from 'react'
import type { KeyboardEvent } from 'react'
import { formatMode } from '../../../../shared/layer-contents/entries'
import type { ChangeKind, MergedEntry } from '../../../../shared/models/layer-contents'
import { formatBytes, formatCount, formatDateTime, formatExactBytes } from '../../components/format'
import { useRovingRows } from '../../components/roving-rows'
import type { PathFindings } from '../findings/findings-model'
import type { SortKey, TreeNode } from './tree'

const ROW_HEIGHT = 30
/** The header row's height (the table's own --row-height plus its border). */
const HEAD_HEIGHT = 37
const OVERSCAN = 12

interface FileTreeProps {
  /** The treegrid's accessible name. */
  label: string
  rows: readonly TreeNode[]
  /** Search results: a flat list showing full paths, no disclosure. */
  flat: boolean
  expanded: ReadonlySet<string>
  onToggle: (node: TreeNode) => void
  selected: string | null
  onSelect: (node: TreeNode) => void
  /** Show which layer wrote each path (merged and per-layer views). */
  showLayer: boolean
  sort: SortKey
  onSort: (sort: SortKey) => void
  /** Exposed as data-rows-for, so a test can tell when rows caught up with the filter. */
  filter: string
  /** Rows this layer added, changed or deleted are highlighted. */
  highlightLayer?: number | null
  /** The scan findings that name a path: a badge on its row (count and worst severity). */
  findings?: ReadonlyMap<string, PathFindings> | undefined
}

/** The words a change badge shows. */
export const CHANGE_LABEL: Record<ChangeKind, string> = {
  added: 'added',
  modified: 'modified',
  deleted: 'deleted',
  unchanged: '',
}

/**
 * What an entry's Change cell says: a whiteout and an opaque folder for what they are, a deletion
 * with the layer that made it, else added or modified.
 */
export function changeText(entry: MergedEntry): string {
  if (entry.marker === 'whiteout') return 'deleted by this layer (whiteout)'
  if (entry.marker === 'opaque') return 'opaque: hides what lower layers had here'
  if (
    entry.change === 'deleted' &&
    entry.deletedBy !== undefined &&
    entry.layer !== entry.deletedBy
  ) {
    return `deleted by layer ${entry.deletedBy + 1}`
  }
  return CHANGE_LABEL[entry.change]
}

/**
 * A virtualized ARIA treegrid: only the rows in view are in the DOM, so 100,000 entries scroll as
 * smoothly as 100. Rows are one tab stop; arrows move, Right/Left open and close folders (or go
 * to the first child / the parent), Home/End/Page keys jump, Enter opens a folder or selects.
 */
export function FileTree({
  label,
  rows,
  flat,
  expanded,
  onToggle,
  selected,
  onSelect,
  showLayer,
  sort,
  onSort,
  filter,
  highlightLayer = null,
  findings,
}: FileTreeProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const count = rows.length

  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    getItemKey: (index) => rows[index]?.path ?? index,
  })
  const items = virtualizer.getVirtualItems()
  // Moving with the keys selects, so the details follow.
  const { setActiveIndex, tabbable, moveTo, moveByKey } = useRovingRows({
    count,
    rowHeight: ROW_HEIGHT,
    scrollRef,
    virtualizer,
    onMove: (next) => {
      const node = rows[next]
      if (node) onSelect(node)
    },
  })

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, index: number) => {
    const node = rows[index]
    if (!node) return
    const folder = !flat && node.children.length > 0
    switch (event.key) {
      case 'ArrowRight':
        if (folder && !expanded.has(node.path)) onToggle(node)
        else if (folder) moveTo(index + 1)
        break
      case 'ArrowLeft':
        if (folder && expanded.has(node.path)) onToggle(node)
        else if (!flat && node.parent && node.parent.depth >= 0) {
          moveTo(rows.indexOf(node.parent))
        }
        break
      case 'Enter':
      case ' ':
        if (folder) onToggle(node)
        onSelect(node)
        break
      default:
        if (!moveByKey(event.key, index)) return
    }
    event.preventDefault()
  }

  const header = (name: string, key?: SortKey) =>
    key ? (
      <div
        role="columnheader"
        aria-sort={sort === key ? (key === 'size' ? 'descending' : 'ascending') : undefined}
      >
        <button type="button" className="sort-header" onClick={() => onSort(key)}>
          {name}
        </button>
      </div>
    ) : (
      <div role="columnheader">{name}</div>
    )

  return (
    <div
      className={`table file-tree ${showLayer ? 'with-layer' : ''}`}
      role="treegrid"
      aria-label={label}
      aria-rowcount={count + 1}
      data-rows-for={filter}
      // As tall as its rows, up to 480 px: never a gap below a short tree, never past its box.
      style={{ height: Math.min(480, HEAD_HEIGHT + count * ROW_HEIGHT + 2) }}
    >
      <div role="rowgroup" className="table-head">
        <div role="row" aria-rowindex={1} className="table-row">
          {header('Name', 'name')}
          {header('Size', 'size')}
          {header('Mode')}
          {header('Owner')}
          {header('Modified')}
          {showLayer && header('Layer')}
          {header('Change')}
        </div>
      </div>
      <div className="table-scroll" ref={scrollRef}>
        <div role="rowgroup" className="table-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const node = rows[item.index]
            if (!node) return null
            const entry = node.entry
            const folder = !flat && node.children.length > 0
            const open = folder && expanded.has(node.path)
            const type = entry?.type ?? 'directory'
            return (
              <div
                role="row"
                key={item.key}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                aria-level={flat ? 1 : node.depth + 1}
                aria-expanded={folder ? open : undefined}
                aria-selected={selected === node.path}
                tabIndex={item.index === tabbable ? 0 : -1}
                className={`table-row${node.deleted ? ' deleted' : ''}${
                  highlightLayer !== null &&
                  entry &&
                  (entry.change === 'deleted'
                    ? entry.deletedBy === highlightLayer
                    : entry.layer === highlightLayer && entry.change !== 'unchanged')
                    ? ' this-layer'
                    : ''
                }`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onFocus={() => setActiveIndex(item.index)}
                onKeyDown={(event) => onKeyDown(event, item.index)}
                onClick={() => {
                  setActiveIndex(item.index)
                  onSelect(node)
                }}
                onDoubleClick={() => folder && onToggle(node)}
              >
                <div role="gridcell" className="cell-name" title={node.path}>
                  <span
                    className="indent"
                    style={{ width: flat ? 0 : Math.min(node.depth, 40) * 16 }}
                  />
                  <span
                    className="disclosure"
                    aria-hidden="true"
                    onClick={(event) => {
                      if (!folder) return
                      event.stopPropagation()
                      onToggle(node)
                    }}
                  >
                    {folder ? (open ? '▾' : '▸') : ''}
                  </span>
                  <span className={`entry-name type-${type}`}>{flat ? node.path : node.name}</span>
                  {entry?.linkTarget !== undefined && (
                    <span className="link-target">
                      {type === 'hardlink' ? ' ⇒ ' : ' → '}
                      {entry.linkTarget}
                    </span>
                  )}
                  {entry?.unsafe && <span className="badge unsafe">unsafe name</span>}
                  {findings?.has(node.path) && <FindingsBadge found={findings.get(node.path)!} />}
                </div>
                <div role="gridcell" className="cell-number" title={formatExactBytes(node.size)}>
                  {node.isDirectory || type === 'file' ? formatBytes(node.size) : ''}
                </div>
                <div role="gridcell" className="cell-mode">
                  {entry ? formatMode(entry.type, entry.mode) : ''}
                </div>
                <div role="gridcell" className="cell-owner">
                  {entry ? `${entry.uname || entry.uid}:${entry.gname || entry.gid}` : ''}
                </div>
                <div role="gridcell">
                  {entry ? formatDateTime(new Date(entry.mtime * 1000).toISOString()) : ''}
                </div>
                {showLayer && (
                  <div role="gridcell" className="cell-number">
                    {entry ? String(entry.layer + 1) : ''}
                  </div>
                )}
                <div role="gridcell">
                  {entry && changeText(entry) !== '' && (
                    <span
                      className={`badge change-${entry.marker ? `marker-${entry.marker}` : entry.change}`}
                    >
                      {changeText(entry)}
                    </span>
                  )}
                </div>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}

/**
 * A path's findings, compact and in words: "2 high" on screen, "2 findings, worst high" for a
 * screen reader; "may not apply" when a later layer deleted or replaced the file.
 */
function FindingsBadge({ found }: { found: PathFindings }) {
  const worst = found.worst.toLowerCase()
  return (
    <>
      <span
        className={`badge finding-badge severity-${worst}`}
        title={found.findings.map((f) => `${f.id} (${f.severity.toLowerCase()})`).join('\n')}
      >
        {formatCount(found.count)}
        <span className="visually-hidden">
          {found.count === 1 ? ' finding,' : ' findings,'} worst
        </span>{' '}
        {worst}
      </span>
      {found.caveat && (
        <span className="badge finding-caveat" title={found.caveat}>
          may not apply
        </span>
      )}
    </>
  )
}
