import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isInside } from './inside'

describe('isInside', () => {
  const root = join('/', 'data', 'downloads')

  it('holds the folder itself and everything under it', () => {
    expect(isInside(root, root)).toBe(true)
    expect(isInside(root, join(root, 'a', 'b.tar'))).toBe(true)
    expect(isInside(root, join(root, 'x', '..', 'y'))).toBe(true)
  })

  it('holds names that only start with two dots', () => {
    expect(isInside(root, join(root, '..A', 'passwd'))).toBe(true)
    expect(isInside(root, join(root, '..config'))).toBe(true)
    expect(isInside(root, join(root, '...'))).toBe(true)
  })

  it('refuses the parent, a sibling with the same prefix, and anything outside', () => {
    expect(isInside(root, join(root, '..'))).toBe(false)
    expect(isInside(root, join(root, '..', 'etc', 'passwd'))).toBe(false)
    expect(isInside(root, `${root}-old`)).toBe(false)
    expect(isInside(root, join('/', 'etc', 'passwd'))).toBe(false)
  })
})
