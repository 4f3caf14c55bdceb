import type { ContentsDiff, DiffEntry, DiffSide } from '../models/layer-contents'
import { compareEntries, isWithin } from './entries'

/**
 * The paths added, modified and deleted from `before` to `after`, limited to `path` and what lies
 * under it when given. Sorted by path.
 */
export function diffEntries(
  before: Iterable<DiffSide>,
  after: Iterable<DiffSide>,
  path: string | null = null,
): Pick<ContentsDiff, 'entries' | 'counts'> {
  const inScope = (p: string) => path === null || isWithin(p, path)
  const old = new Map<string, DiffSide>()
  for (const entry of before) if (inScope(entry.path)) old.set(entry.path, entry)
  const entries: DiffEntry[] = []
  const counts = { added: 0, modified: 0, deleted: 0 }
  for (const entry of after) {
    if (!inScope(entry.path)) continue
    const previous = old.get(entry.path)
    if (!previous) {
      entries.push({ path: entry.path, status: 'added', reasons: [], before: null, after: entry })
      counts.added++
      continue
    }
    old.delete(entry.path)
    const reasons = compareEntries(previous, entry)
    if (reasons.length > 0) {
      entries.push({
        path: entry.path,
        status: 'modified',
        reasons,
        before: previous,
        after: entry,
      })
      counts.modified++
    }
  }
  for (const entry of old.values()) {
    entries.push({ path: entry.path, status: 'deleted', reasons: [], before: entry, after: null })
    counts.deleted++
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return { entries, counts }
}
