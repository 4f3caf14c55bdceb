import { describe, expect, it } from 'vitest'
import type { EntryType, LayerEntry } from '../../../../shared/models/layer-contents'
import { changeText } from './file-tree'
import { countMarkers, layerEntries } from './layer-view'

const e = (path: string, type: EntryType, size = 0): LayerEntry => ({
  path,
  type,
  size,
  mode: 0o644,
  uid: 0,
  gid: 0,
  uname: 'root',
  gname: 'root',
  mtime: 1000,
})

describe('one layer on its own', () => {
  const entries = [
    e('etc/app', 'directory'),
    e('etc/app', 'opaque'),
    e('etc/app/new.conf', 'file', 12),
    e('etc/app/old.conf', 'whiteout'),
    e('var/lib', 'opaque'),
  ]

  it('shows a whiteout as a deletion and an opaque marker as its folder, never a file', () => {
    const shown = new Map(layerEntries(entries).map((entry) => [entry.path, entry]))
    expect(shown.get('etc/app/old.conf')).toMatchObject({ marker: 'whiteout', change: 'deleted' })
    expect(changeText(shown.get('etc/app/old.conf')!)).toBe('deleted by this layer (whiteout)')
    // The layer's own folder entry carries the marker: one row, a folder.
    expect(layerEntries(entries).filter((entry) => entry.path === 'etc/app')).toHaveLength(1)
    expect(shown.get('etc/app')).toMatchObject({ type: 'directory', marker: 'opaque' })
    expect(shown.get('var/lib')).toMatchObject({ type: 'directory', marker: 'opaque' })
    expect(changeText(shown.get('var/lib')!)).toBe('opaque: hides what lower layers had here')
  })

  it('counts what the tar entries are, so the summary says what it counts', () => {
    expect(countMarkers(entries)).toEqual({ written: 2, whiteouts: 1, opaque: 2 })
  })
})
