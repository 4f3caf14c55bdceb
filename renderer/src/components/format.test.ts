import { describe, expect, it } from 'vitest'
import {
  formatBytes,
  formatCount,
  formatDate,
  formatDateTime,
  formatExactBytes,
  formatRelative,
  pluralize,
  prettyJson,
} from './format'

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

describe('formatBytes', () => {
  it('uses binary units with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1024)).toBe('1.00 KiB')
    expect(formatBytes(1536)).toBe('1.50 KiB')
    expect(formatBytes(28_734_512)).toBe('27.4 MiB')
    expect(formatBytes(734_003_200)).toBe('700 MiB')
    expect(formatBytes(52_000 * 1024 * 1024)).toBe('50.8 GiB')
  })

  it('carries a value that rounds up to 1024 into the next unit', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.00 MiB')
  })

  it('shows a dash for unknown sizes', () => {
    expect(formatBytes(null)).toBe('—')
    expect(formatBytes(-1)).toBe('—')
    expect(formatBytes(Number.NaN)).toBe('—')
  })

  it('spells out exact bytes for the tooltip', () => {
    expect(formatExactBytes(28_734_512)).toBe('28,734,512 bytes')
    expect(formatExactBytes(1)).toBe('1 byte')
    expect(formatExactBytes(null)).toBe('Size unknown')
  })
})

describe('formatRelative', () => {
  const now = Date.parse('2025-06-01T12:00:00Z')

  it('says how long ago, in the largest fitting unit', () => {
    expect(formatRelative('2025-06-01T11:59:40Z', now)).toBe('just now')
    expect(formatRelative('2025-06-01T11:55:00Z', now)).toBe('5 minutes ago')
    expect(formatRelative('2025-06-01T09:00:00Z', now)).toBe('3 hours ago')
    expect(formatRelative('2025-05-31T12:00:00Z', now)).toBe('1 day ago')
    expect(formatRelative('2025-03-01T12:00:00Z', now)).toBe('3 months ago')
    expect(formatRelative('2022-06-01T12:00:00Z', now)).toBe('3 years ago')
  })

  it('handles dates in the future (clock skew) and missing dates', () => {
    expect(formatRelative('2025-06-01T14:00:00Z', now)).toBe('in 2 hours')
    expect(formatRelative(null, now)).toBe('—')
    expect(formatRelative('garbage', now)).toBe('—')
  })
})

describe('prettyJson', () => {
  it('pretty-prints JSON and keeps anything else', () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}')
    expect(prettyJson('not json')).toBe('not json')
  })
})
