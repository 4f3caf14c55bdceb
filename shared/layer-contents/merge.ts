import type { LayerEntry, MergedEntry, WastedPath } from '../models/layer-contents'
import { compareEntries, parentPath } from './entries'

/** The merged view of layers 0..n, or layer n's own entries against the layers below. */
export interface MergeResult {
  /** Live entries, then deleted ones (change "deleted"). */
  entries: MergedEntry[]
  /** Per layer: bytes of files it wrote that a later layer overwrote or deleted. */
  wastedByLayer: number[]
  wastedBytes: number
  /** Every wasted path, largest first. */
  wasted: WastedPath[]
  /** Sum of live files' sizes. */
  liveBytes: number
}

type Live = MergedEntry

/**
 * Applies layers in order, as the OCI image spec does: a layer's whiteouts (`.wh.<name>`) and
 * opaque markers delete from the layers below it, then its entries are written; a non-directory
 * replacing a directory takes the directory's contents with it. For every live path, the layer
 * that last wrote it and whether it was added or modified relative to the layers below. Wasted
 * bytes are those of file versions that a later layer overwrote or deleted.
 *
 * With `onlyLayer`, layers after it are ignored and the result is that layer's own entries, each
 * badged against the layers below it, plus the paths its deletions removed.
 */
export function mergeLayers(
  layers: readonly (readonly LayerEntry[])[],
  options: { onlyLayer?: number } = {},
): MergeResult {
  const only = options.onlyLayer
  const last = only === undefined ? layers.length - 1 : Math.min(only, layers.length - 1)
  const live = new Map<string, Live>()
  // Child paths per directory path (including directories no entry names), for subtree removal.
  const children = new Map<string, Set<string>>()
  const deleted = new Map<string, MergedEntry>()
  const wastedByLayer = layers.map(() => 0)
  const wastedPaths = new Map<string, WastedPath>()
  let layerView: MergedEntry[] = []
  let layerDeleted: MergedEntry[] = []

  const waste = (entry: Live) => {
    if (entry.type !== 'file' || entry.size === 0) return
    wastedByLayer[entry.layer] = (wastedByLayer[entry.layer] ?? 0) + entry.size
    const record = wastedPaths.get(entry.path)
    if (record) {
      record.bytes += entry.size
      if (!record.layers.includes(entry.layer)) record.layers.push(entry.layer)
    } else {
      wastedPaths.set(entry.path, { path: entry.path, bytes: entry.size, layers: [entry.layer] })
    }
  }

  const link = (path: string) => {
    let child = path
    while (child !== '') {
      const parent = parentPath(child)
      let set = children.get(parent)
      if (!set) children.set(parent, (set = new Set()))
      if (set.has(child)) return
      set.add(child)
      child = parent
    }
  }

  const unlink = (path: string) => {
    children.get(parentPath(path))?.delete(path)
  }

  // Removes `path`'s descendants (and `path` itself unless keepSelf), recording them as deleted.
  const removeTree = (path: string, by: number, keepSelf: boolean, into: MergedEntry[] | null) => {
    const stack = [path]
    while (stack.length > 0) {
      const current = stack.pop()!
      const kids = children.get(current)
      if (kids) {
        for (const kid of kids) stack.push(kid)
        if (current !== path || !keepSelf) children.delete(current)
        else kids.clear()
      }
      if (current === path && keepSelf) continue
      const entry = live.get(current)
      if (entry) {
        live.delete(current)
        waste(entry)
        const record = copy(entry, entry.layer, 'deleted')
        record.deletedBy = by
        deleted.set(current, record)
        into?.push(record)
      }
    }
    if (!keepSelf) unlink(path)
  }

  for (let index = 0; index <= last; index++) {
    const entries = layers[index]!
    const viewing = index === only
    const removedHere: MergedEntry[] | null = viewing ? [] : null
    // Deletions first: they only ever apply to the layers below.
    for (const entry of entries) {
      if (entry.type === 'opaque') removeTree(entry.path, index, true, removedHere)
      else if (entry.type === 'whiteout') removeTree(entry.path, index, false, removedHere)
    }
    const view: MergedEntry[] = []
    for (const entry of entries) {
      if (entry.type === 'opaque' || entry.type === 'whiteout' || entry.path === '') continue
      const previous = live.get(entry.path)
      // A non-directory replacing a directory removes what was in it.
      if (previous && previous.type === 'directory' && entry.type !== 'directory') {
        removeTree(entry.path, index, true, removedHere)
      }
      // Writing under a path that is a file (or link) below replaces that file with a directory.
      for (let parent = parentPath(entry.path); parent !== ''; parent = parentPath(parent)) {
        const above = live.get(parent)
        if (above && above.type !== 'directory') {
          removeTree(parent, index, false, removedHere)
          break
        }
      }
      if (previous) waste(previous)
      const change = previous
        ? compareEntries(previous, entry).length > 0
          ? 'modified'
          : 'unchanged'
        : 'added'
      const merged = copy(entry, index, change)
      live.set(entry.path, merged)
      deleted.delete(entry.path)
      link(entry.path)
      if (viewing) view.push(merged)
    }
    if (viewing) {
      layerView = view
      layerDeleted = removedHere!.filter((record) => !live.has(record.path))
    }
  }

  let liveBytes = 0
  for (const entry of live.values()) if (entry.type === 'file') liveBytes += entry.size
  const wasted = [...wastedPaths.values()].sort((a, b) => b.bytes - a.bytes)
  const wastedBytes = wastedByLayer.reduce((sum, bytes) => sum + bytes, 0)
  const entries =
    only === undefined ? [...live.values(), ...deleted.values()] : [...layerView, ...layerDeleted]
  return { entries, wastedByLayer, wastedBytes, wasted, liveBytes }
}

// Spelled out rather than spread: V8 copies a spread object an order of magnitude slower, and
// this runs for every entry of every layer.
function copy(entry: LayerEntry, layer: number, change: MergedEntry['change']): MergedEntry {
  const merged: MergedEntry = {
    path: entry.path,
    type: entry.type as MergedEntry['type'],
    size: entry.size,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    uname: entry.uname,
    gname: entry.gname,
    mtime: entry.mtime,
    layer,
    change,
  }
  if (entry.linkTarget !== undefined) merged.linkTarget = entry.linkTarget
  if (entry.sha256 !== undefined) merged.sha256 = entry.sha256
  if (entry.unsafe !== undefined) merged.unsafe = entry.unsafe
  return merged
}
