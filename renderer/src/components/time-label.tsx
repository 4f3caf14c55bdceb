import { formatDateTime, formatRelative } from './format'

/** A date shown relative to now ("3 days ago"), with the absolute date and time on hover. */
export function RelativeTime({
  iso,
  now,
  empty = '—',
}: {
  iso: string | null
  now: number
  empty?: string
}) {
  if (!iso || formatRelative(iso, now) === '—') return <>{empty}</>
  return (
    <time dateTime={iso} title={`${formatDateTime(iso)} (${iso})`}>
      {formatRelative(iso, now)}
    </time>
  )
}
