import { describe, expect, it } from 'vitest'
import type { EntryType, LayerEntry } from '../models/layer-contents'
import { diveEfficiency } from './efficiency'

const e = (path: string, type: EntryType, size = 0): LayerEntry => ({
  path,
  type,
  size,
  mode: type === 'directory' ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  uname: 'root',
  gname: 'root',
  mtime: 1000,
})

describe('diveEfficiency', () => {
  it("matches dive's formula worked by hand for a three-layer image", () => {
    // Layer 1 writes /etc/a (100), /etc/b (50) and /big (1000).
    // Layer 2 rewrites /etc/a (120) and deletes /big (a file: the whiteout's size is 0).
    // Layer 3 deletes the directory /etc (its whiteout's size is what /etc held: 0 + 120 + 50).
    const layers = [
      [
        e('etc', 'directory'),
        e('etc/a', 'file', 100),
        e('etc/b', 'file', 50),
        e('big', 'file', 1000),
      ],
      [e('etc/a', 'file', 120), e('big', 'whiteout')],
      [e('etc', 'whiteout')],
    ]
    // By hand, per path (sum of visits, smallest visit); /etc in layer 1 has children: no visit.
    //   etc/a: 100 + 120 = 220, min 100    etc/b: 50, min 50
    //   big:   1000 + 0 = 1000, min 0      etc:   170, min 170
    // Score = (100 + 50 + 0 + 170) / (220 + 50 + 1000 + 170) = 320 / 1440.
    // Wasted = paths visited twice or more: etc/a 220 + big 1000 = 1220.
    const result = diveEfficiency(layers)
    expect(result.score).toBeCloseTo(320 / 1440, 12)
    expect(result.wastedBytes).toBe(1220)
    // After layer 1 nothing is wasted; after layer 2: (100 + 50 + 0) / (220 + 50 + 1000).
    expect(result.byLayer.map((l) => l.score)).toEqual([1, 150 / 1270, 320 / 1440])
    // What each layer wrote to those paths: layer 1 100 + 1000, layer 2 120 + 0, layer 3 none.
    expect(result.byLayer.map((l) => l.wastedBytes)).toEqual([1100, 120, 0])
    expect(result.inefficiencies).toEqual([
      { path: 'big', cumulativeBytes: 1000, layers: [0, 1] },
      { path: 'etc/a', cumulativeBytes: 220, layers: [0, 1] },
    ])
  })

  it('scores an image with no bytes 1, as dive does', () => {
    expect(diveEfficiency([]).score).toBe(1)
    expect(diveEfficiency([[e('empty', 'directory')]]).score).toBe(1)
  })

  it('counts an empty directory as a leaf, and a directory with children not', () => {
    const result = diveEfficiency([
      [e('d', 'directory'), e('d/f', 'file', 5)],
      [e('d/f', 'file', 5)],
    ])
    expect(result.inefficiencies.map((i) => i.path)).toEqual(['d/f'])
    expect(result.score).toBe(0.5)
  })
})
