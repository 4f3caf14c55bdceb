import type { ImageEfficiency, LayerEntry } from '../models/layer-contents'
import { parentPath } from './entries'

export type Efficiency = ImageEfficiency

interface PathRecord {
  cumulative: number
  min: number
  /** Bytes each layer contributed, in layer order. */
  sizes: { layer: number; bytes: number }[]
}

/**
 * The efficiency score the way dive computes it (dive/filetree/efficiency.go, read, not copied):
 * every leaf of every layer's tree (a file, a link, an empty directory, a whiteout) is a visit of
 * its path. A visit's size is the entry's size; a whiteout's is the size of what it deletes when
 * that was a directory in the layers below (the sum of its subtree), else 0. Per path dive keeps
 * the sum of the visits' sizes and the smallest visit. The score is Σ smallest / Σ sum over all
 * paths (1 when the sum is 0); wasted bytes are the sums of the paths visited at least twice
 * (dive's image/analysis.go). Opaque markers are not visits here: dive reads `.wh..wh..opq` as an
 * ordinary whiteout of a path no layer has, which adds nothing to either sum.
 */
export function diveEfficiency(layers: readonly (readonly LayerEntry[])[]): Efficiency {
  const paths = new Map<string, PathRecord>()
  // The stacked tree below the current layer: path -> size, or null for a directory.
  const stacked = new Map<string, number | null>()
  const byLayer: Efficiency['byLayer'] = []
  let sumMin = 0
  let sumCumulative = 0

  // A path's own entry says whether it is a file; only directories (named or implied) are scanned.
  const isFile = (path: string) => {
    const size = stacked.get(path)
    return size !== undefined && size !== null
  }
  const subtreeBytes = (path: string) => {
    let bytes = 0
    const prefix = `${path}/`
    for (const [other, size] of stacked) if (other.startsWith(prefix)) bytes += size ?? 0
    return bytes
  }
  const hasChildren = (path: string) => {
    const prefix = `${path}/`
    for (const other of stacked.keys()) if (other.startsWith(prefix)) return true
    return false
  }
  const removeSubtree = (path: string, keepSelf: boolean) => {
    const file = isFile(path)
    if (!keepSelf) stacked.delete(path)
    if (file) return
    const prefix = path === '' ? '' : `${path}/`
    for (const other of [...stacked.keys()]) if (other.startsWith(prefix)) stacked.delete(other)
  }

  layers.forEach((entries, layer) => {
    // Leaves: entries no other entry of this layer sits under.
    const parents = new Set<string>()
    for (const entry of entries) {
      for (let p = parentPath(entry.path); p !== '' && !parents.has(p); p = parentPath(p)) {
        parents.add(p)
      }
    }
    for (const entry of entries) {
      if (entry.path === '' || entry.type === 'opaque' || parents.has(entry.path)) continue
      const bytes =
        entry.type === 'whiteout'
          ? isFile(entry.path) || !hasChildren(entry.path)
            ? 0
            : subtreeBytes(entry.path)
          : entry.size
      const record = paths.get(entry.path)
      if (record) {
        // The old minimum leaves the sum; the new one enters it.
        sumMin -= record.min
        record.min = Math.min(record.min, bytes)
        record.cumulative += bytes
        record.sizes.push({ layer, bytes })
        sumMin += record.min
      } else {
        paths.set(entry.path, { cumulative: bytes, min: bytes, sizes: [{ layer, bytes }] })
        sumMin += bytes
      }
      sumCumulative += bytes
    }
    // Then this layer joins the stacked tree the next layer's whiteouts are sized against.
    for (const entry of entries) {
      if (entry.type === 'opaque') removeSubtree(entry.path, true)
      else if (entry.type === 'whiteout') removeSubtree(entry.path, false)
    }
    for (const entry of entries) {
      if (entry.type === 'opaque' || entry.type === 'whiteout' || entry.path === '') continue
      stacked.set(entry.path, entry.type === 'directory' ? null : entry.size)
    }
    byLayer.push({ score: sumCumulative === 0 ? 1 : sumMin / sumCumulative, wastedBytes: 0 })
  })

  const inefficiencies: Efficiency['inefficiencies'] = []
  let wastedBytes = 0
  for (const [path, record] of paths) {
    if (record.sizes.length < 2) continue
    wastedBytes += record.cumulative
    for (const { layer, bytes } of record.sizes) byLayer[layer]!.wastedBytes += bytes
    inefficiencies.push({
      path,
      cumulativeBytes: record.cumulative,
      layers: [...new Set(record.sizes.map((s) => s.layer))],
    })
  }
  inefficiencies.sort((a, b) => b.cumulativeBytes - a.cumulativeBytes)
  return {
    score: sumCumulative === 0 ? 1 : sumMin / sumCumulative,
    wastedBytes,
    byLayer,
    inefficiencies,
  }
}
