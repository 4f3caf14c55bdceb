// SigV4's timestamp form (X-Amz-Date): the demo registry signs and checks requests with it, and
// the core reads when a pre-signed URL was issued with it.

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** `YYYYMMDD'T'HHMMSS'Z'`, SigV4's timestamp form. */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')
}

/** Reads a SigV4 timestamp; undefined unless it is well formed and a real date. */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number)
  const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s))
  // Date.UTC rolls 20240230 over into March; a round trip rejects such impossible dates.
  return !Number.isNaN(date.getTime()) && formatAmzDate(date) === value ? date : undefined
}
