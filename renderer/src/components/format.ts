// Numbers use en-US grouping everywhere ("2,500") so counts read the same on every machine.
const integer = new Intl.NumberFormat('en-US')

/** 2500 -> "2,500". */
export function formatCount(value: number): string {
  return integer.format(value)
}

/** "1 repository", "2,500 repositories". */
export function pluralize(count: number, singular: string, plural: string): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`
}

// Building an Intl.DateTimeFormat costs far more than using one, and a table formats dozens of
// dates per frame while it scrolls: one formatter per style and time zone, made once.
const dateFormats = new Map<string, Intl.DateTimeFormat>()
function dateFormat(withTime: boolean, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${withTime}|${timeZone ?? ''}`
  let format = dateFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      dateStyle: 'medium',
      ...(withTime ? { timeStyle: 'short' } : {}),
      timeZone,
    })
    dateFormats.set(key, format)
  }
  return format
}

/** An ISO date as a short absolute date ("Mar 4, 2024"); "—" when missing or invalid. */
export function formatDate(iso: string | null, timeZone?: string): string {
  const date = parse(iso)
  if (!date) return '—'
  return dateFormat(false, timeZone).format(date)
}

/** An ISO date with its time ("Mar 4, 2024, 2:05 PM"); "—" when missing or invalid. */
export function formatDateTime(iso: string | null, timeZone?: string): string {
  const date = parse(iso)
  if (!date) return '—'
  return dateFormat(true, timeZone).format(date)
}

function parse(iso: string | null): Date | null {
  if (!iso) return null
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? null : date
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const

/** 1536 -> "1.5 KiB": binary units, three significant digits; "—" when unknown. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < 1024) return `${bytes} B`
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  // 1023.96 KiB would print as "1024 KiB"; carry it to the next unit instead.
  const digitsFor = (v: number) => (v >= 100 ? 0 : v >= 10 ? 1 : 2)
  if (Number(value.toFixed(digitsFor(value))) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const digits = digitsFor(value)
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`
}

/** The exact size for a tooltip: "1,536 bytes". */
export function formatExactBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return 'Size unknown'
  return bytes === 1 ? '1 byte' : `${formatCount(bytes)} bytes`
}

const relative = new Intl.RelativeTimeFormat('en-US', { numeric: 'always' })
const RELATIVE_STEPS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30.4375],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
]

/** An ISO date relative to `now`: "just now", "5 minutes ago", "3 months ago"; "—" when missing. */
export function formatRelative(iso: string | null, now: number = Date.now()): string {
  const date = parse(iso)
  if (!date) return '—'
  let value = (date.getTime() - now) / 1000
  if (Math.abs(value) < 45) return 'just now'
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit)
    value /= size
  }
  return relative.format(Math.round(value), 'year')
}

/** Re-indents JSON for reading; text that does not parse is shown as it came. */
export function prettyJson(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2)
  } catch {
    return raw
  }
}
