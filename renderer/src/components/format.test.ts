import { describe, expect, it } from 'vitest'
import { formatCount, formatDate, formatDateTime, pluralize } from './format'

describe('format', () => {
  it('groups thousands', () => {
    expect(formatCount(2500)).toBe('2,500')
    expect(formatCount(10_000)).toBe('10,000')
    expect(formatCount(0)).toBe('0')
  })

  it('pluralizes', () => {
    expect(pluralize(1, 'repository', 'repositories')).toBe('1 repository')
    expect(pluralize(0, 'repository', 'repositories')).toBe('0 repositories')
    expect(pluralize(2500, 'repository', 'repositories')).toBe('2,500 repositories')
  })

  it('formats dates in the given time zone', () => {
    expect(formatDate('2024-03-04T23:30:00.000Z', 'UTC')).toBe('Mar 4, 2024')
    expect(formatDate('2024-03-04T23:30:00.000Z', 'Asia/Tokyo')).toBe('Mar 5, 2024')
    expect(formatDateTime('2024-03-04T14:05:00.000Z', 'UTC')).toBe('Mar 4, 2024, 2:05 PM')
  })

  it('shows a dash for missing or invalid dates', () => {
    expect(formatDate(null)).toBe('—')
    expect(formatDate('not a date')).toBe('—')
    expect(formatDateTime(null)).toBe('—')
  })
})
