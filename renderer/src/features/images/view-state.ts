import { useCallback, useSyncExternalStore } from 'react'
import { z } from 'zod'
import type { TagStatus } from '../../../../shared/models/image'
import type { ImageSort } from '../../../../shared/models/settings'
import { imageSortSchema, tagStatusSchema } from '../../../../shared/schemas'

/**
 * How one repository's images list is viewed: its filter, sort and tag status. Each repository
 * keeps its own (remembered per repository, across reloads and restarts, in this window's
 * storage), so "Untagged" chosen in one repository never empties another. A repository never
 * opened starts from the default view.
 */
export interface ImageView {
  filter: string
  sort: ImageSort
  tagStatus: TagStatus
}

export const DEFAULT_VIEW: ImageView = { filter: '', sort: 'pushed', tagStatus: 'ANY' }

/** Whether a view differs from the default, so the toolbar offers to reset it. */
export function isDefaultView(view: ImageView): boolean {
  return (
    view.filter === DEFAULT_VIEW.filter &&
    view.sort === DEFAULT_VIEW.sort &&
    view.tagStatus === DEFAULT_VIEW.tagStatus
  )
}

const STORAGE_KEY = 'ecr-layer-browser.image-views.v1'
/** How many repositories' views are kept; the least recently changed go first. */
export const VIEW_LIMIT = 100

// What comes back from storage is checked like anything from outside: a bad field falls back to
// its default, a bad entry is dropped.
const viewSchema = z.object({
  filter: z.string().max(512).catch(''),
  sort: imageSortSchema.catch('pushed'),
  tagStatus: tagStatusSchema.catch('ANY'),
})
const storedSchema = z.array(z.tuple([z.string().min(1).max(256), z.unknown()])).catch([])

type Views = ReadonlyMap<string, ImageView>

function read(): Map<string, ImageView> {
  let raw: unknown = []
  try {
    raw = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '[]')
  } catch {
    // Unreadable or blocked storage: start from defaults.
  }
  const views = new Map<string, ImageView>()
  for (const [name, value] of storedSchema.parse(raw)) {
    const view = viewSchema.safeParse(value)
    if (view.success) views.set(name, view.data)
  }
  return views
}

function write(views: Views): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify([...views]))
  } catch {
    // Storage full or blocked: the view still holds for this window's life.
  }
}

let views: Views | null = null
const listeners = new Set<() => void>()
const snapshot = (): Views => (views ??= read())
const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => void listeners.delete(listener)
}

/** Changes one repository's view (null: back to the default) and saves it. */
export function setImageView(repositoryName: string, view: ImageView | null): void {
  const next = new Map(snapshot())
  next.delete(repositoryName)
  if (view !== null && !isDefaultView(view)) next.set(repositoryName, view)
  while (next.size > VIEW_LIMIT) next.delete(next.keys().next().value!)
  views = next
  write(next)
  for (const listener of listeners) listener()
}

/** Forgets every view (a test starts each app from scratch). */
export function forgetImageViews(): void {
  views = new Map()
  write(views)
}

/** One repository's view as it is now, outside React (to start its first listing early). */
export function imageViewOf(repositoryName: string): ImageView {
  return snapshot().get(repositoryName) ?? DEFAULT_VIEW
}

/** One repository's view, and how to change or reset it. */
export function useImageView(
  repositoryName: string,
): [ImageView, (patch: Partial<ImageView>) => void, () => void] {
  const all = useSyncExternalStore(subscribe, snapshot)
  const view = all.get(repositoryName) ?? DEFAULT_VIEW
  const update = useCallback(
    (patch: Partial<ImageView>) =>
      setImageView(repositoryName, { ...imageViewOf(repositoryName), ...patch }),
    [repositoryName],
  )
  const reset = useCallback(() => setImageView(repositoryName, null), [repositoryName])
  return [view, update, reset]
}
