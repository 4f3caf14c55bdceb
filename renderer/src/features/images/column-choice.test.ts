import { describe, expect, it } from 'vitest'
import { fitColumns, type FitColumn } from './column-choice'

// Columns of their own, so the test does not follow the images table's list as it grows.
const COLUMNS: readonly FitColumn[] = [
  { id: 'name', priority: 1, minWidth: 200 },
  { id: 'digest', priority: 3, minWidth: 150 },
  { id: 'pushed', priority: 2, minWidth: 100 },
  { id: 'type', priority: 5, minWidth: 120 },
  { id: 'pull', priority: 6, minWidth: 110 },
  { id: 'scan', priority: 4, minWidth: 120 },
]
const CHROME = 40
const ALL = COLUMNS.reduce((sum, column) => sum + column.minWidth, CHROME) // 840
const ids = (columns: readonly FitColumn[]) => columns.map((column) => column.id)

describe('fitColumns', () => {
  it('shows every chosen column when they fit, in their order', () => {
    const fitted = fitColumns(COLUMNS, new Set(), ALL, CHROME)
    expect(ids(fitted.shown)).toEqual(ids(COLUMNS))
    expect(fitted.noRoom).toEqual([])
  })

  it('drops the highest priority numbers first and says which ones had no room', () => {
    // One px short: only the least important column goes.
    expect(ids(fitColumns(COLUMNS, new Set(), ALL - 1, CHROME).noRoom)).toEqual(['pull'])
    // Short of more than "pull" frees: "type" (5) goes next, "scan" (4) stays; order is kept.
    const fitted = fitColumns(COLUMNS, new Set(), ALL - 111, CHROME)
    expect(ids(fitted.noRoom)).toEqual(['type', 'pull'])
    expect(ids(fitted.shown)).toEqual(['name', 'digest', 'pushed', 'scan'])
  })

  it('leaves out what the user hid, which frees room for the rest', () => {
    const fitted = fitColumns(COLUMNS, new Set(['pull']), ALL - 111, CHROME)
    // Hidden by choice is not "no room"; "type" is the one there is too little room for.
    expect(ids(fitted.noRoom)).toEqual(['type'])
    expect(ids(fitColumns(COLUMNS, new Set(['pull']), ALL - 110, CHROME).shown)).toEqual([
      'name',
      'digest',
      'pushed',
      'type',
      'scan',
    ])
  })

  it('keeps the priority-1 column even when nothing else fits or the user hid it', () => {
    const fitted = fitColumns(COLUMNS, new Set(['name']), 10, CHROME)
    expect(ids(fitted.shown)).toEqual(['name'])
    expect(ids(fitted.noRoom)).toEqual(['digest', 'pushed', 'type', 'pull', 'scan'])
  })

  it('among equal priorities, the rightmost goes first', () => {
    const twins: FitColumn[] = [
      { id: 'a', priority: 1, minWidth: 100 },
      { id: 'b', priority: 2, minWidth: 100 },
      { id: 'c', priority: 2, minWidth: 100 },
    ]
    expect(ids(fitColumns(twins, new Set(), 250, 0).noRoom)).toEqual(['c'])
  })
})
