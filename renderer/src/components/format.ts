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

/** An ISO date as a short absolute date ("Mar 4, 2024"); "—" when missing or invalid. */
export function formatDate(iso: string | null, timeZone?: string): string {
  const date = parse(iso)
  if (!date) return '—'
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone }).format(date)
}

/** An ISO date with its time ("Mar 4, 2024, 2:05 PM"); "—" when missing or invalid. */
export function formatDateTime(iso: string | null, timeZone?: string): string {
  const date = parse(iso)
  if (!date) return '—'
  return new Intl.DateTimeFormat('en-US', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(date)
}

function parse(iso: string | null): Date | null {
  if (!iso) return null
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? null : date
}
