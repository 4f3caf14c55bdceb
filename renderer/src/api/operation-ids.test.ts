import { describe, expect, it } from 'vitest'
import { operationIdSchema } from '../../../shared/schemas'
import { newOperationId, newOperationPrefix, operationId } from './operation-ids'

describe('operation IDs: one scheme, a UUID per group and <group>-<n> within it', () => {
  it('makes IDs the contract accepts, never the same twice', () => {
    const ids = [
      ...Array.from({ length: 500 }, () => newOperationId()),
      ...Array.from({ length: 500 }, () => operationId(newOperationPrefix())),
    ]
    for (const id of ids) expect(operationIdSchema.safeParse(id).success).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    // The longest ID a group can make still fits the contract's 64 characters.
    expect(operationIdSchema.safeParse(`${newOperationPrefix()}-999999`).success).toBe(true)
  })

  it('names one operation by a UUID of its own', () => {
    expect(newOperationId()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
  })

  it("keeps a group's IDs under its prefix, apart from other groups'", () => {
    const mine = newOperationPrefix()
    const other = newOperationPrefix()
    expect(mine).not.toBe(other)
    const ids = [operationId(mine), operationId(mine)]
    expect(ids.every((id) => id.startsWith(`${mine}-`))).toBe(true)
    expect(ids[0]).not.toBe(ids[1])
    expect(operationId(other).startsWith(`${mine}-`)).toBe(false)
  })
})
