import { describe, expect, it } from 'vitest'
import { formatAmzDate, parseAmzDate } from './amz-date'

describe("SigV4's X-Amz-Date", () => {
  it('reads a well-formed timestamp and writes it back the same', () => {
    const date = parseAmzDate('20240229T235959Z')
    expect(date?.toISOString()).toBe('2024-02-29T23:59:59.000Z')
    expect(formatAmzDate(date!)).toBe('20240229T235959Z')
  })

  it('refuses impossible dates and other forms instead of rolling them over', () => {
    expect(parseAmzDate('20230229T000000Z')).toBeUndefined()
    expect(parseAmzDate('20240230T000000Z')).toBeUndefined()
    expect(parseAmzDate('20240101T246000Z')).toBeUndefined()
    expect(parseAmzDate('2024-01-01T00:00:00Z')).toBeUndefined()
    expect(parseAmzDate('20240101T000000')).toBeUndefined()
    expect(parseAmzDate('')).toBeUndefined()
  })
})
