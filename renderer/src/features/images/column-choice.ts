import { useSyncExternalStore } from 'react'
import { z } from 'zod'

/**
 * Which columns of the images table the user has hidden in the Columns menu. The choice is
 * global, not per repository: columns are about the window and the user's habits, not about one
 * repository's contents, so hiding "Last pull" once hides it everywhere. Kept across reloads in
 * this window's storage.
 */
const STORAGE_KEY = 'ecr-layer-browser.image-columns.v1'

// Stored ids are checked like anything from outside; an unknown id simply matches no column.
const storedSchema = z.array(z.string().min(1).max(64)).max(64).catch([])

function read(): ReadonlySet<string> {
  let raw: unknown = []
  try {
    raw = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '[]')
  } catch {
    // Unreadable or blocked storage: every column shown.
  }
  return new Set(storedSchema.parse(raw))
}

let hidden: ReadonlySet<string> | null = null
const listeners = new Set<() => void>()
const snapshot = (): ReadonlySet<string> => (hidden ??= read())
const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => void listeners.delete(listener)
}

/** Shows or hides one column by id, everywhere, and saves the choice. */
export function setColumnHidden(id: string, hide: boolean): void {
  const next = new Set(snapshot())
  if (hide) next.add(id)
  else next.delete(id)
  hidden = next
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify([...next]))
  } catch {
    // Storage full or blocked: the choice holds for this window's life.
  }
  for (const listener of listeners) listener()
}

/** Forgets the choice (a test starts each app from scratch). */
export function forgetColumnChoice(): void {
  hidden = null
  try {
    window.localStorage.removeItem(STORAGE_KEY)
  } catch {
    // Blocked storage: nothing was kept.
  }
}

/** The ids of the columns the user has hidden. */
export function useHiddenColumns(): ReadonlySet<string> {
  return useSyncExternalStore(subscribe, snapshot)
}

/** What fitColumns needs of a column. */
export interface FitColumn {
  id: string
  priority: number
  minWidth: number
}

/** The columns to draw, and the chosen ones left out because the room ran out. */
export interface Fitted<C> {
  shown: C[]
  noRoom: C[]
}

/**
 * The chosen columns that fit in `width` px (`chrome`: the row's own padding and the scroll
 * gutter): the highest priority number goes first while the rest is too wide; priority 1 stays
 * even when it alone does not fit (the table then scrolls sideways). Order is kept.
 */
export function fitColumns<C extends FitColumn>(
  columns: readonly C[],
  hiddenIds: ReadonlySet<string>,
  width: number,
  chrome: number,
): Fitted<C> {
  const chosen = columns.filter((column) => column.priority === 1 || !hiddenIds.has(column.id))
  const dropped = new Set<C>()
  const needed = () =>
    chosen.reduce((sum, column) => (dropped.has(column) ? sum : sum + column.minWidth), chrome)
  const byPriority = [...chosen]
    .filter((column) => column.priority > 1)
    // Stable: among equal priorities the rightmost goes first.
    .sort((a, b) => b.priority - a.priority || columns.indexOf(b) - columns.indexOf(a))
  for (const column of byPriority) {
    if (needed() <= width) break
    dropped.add(column)
  }
  return {
    shown: chosen.filter((column) => !dropped.has(column)),
    noRoom: chosen.filter((column) => dropped.has(column)),
  }
}
