import type { ExtractResult } from '../../../../shared/models/layer-contents'
import { formatCount, pluralize } from '../../components/format'

/** How many refused entries are listed; the count above the list always gives them all. */
const SHOWN = 50

/**
 * What an extraction left out and why, in words: a count, then a short list of entries with the
 * reason each was refused (a link that points outside, a file that would be written through a
 * link, a device node…). The extractor reports at most 1,000.
 */
export function SkippedList({ skipped }: { skipped: ExtractResult['skipped'] }) {
  if (skipped.length === 0) return null
  const shown = skipped.slice(0, SHOWN)
  const count = `${pluralize(skipped.length, 'entry', 'entries')}${skipped.length >= 1000 ? ' or more' : ''}`
  return (
    <div className="skipped">
      <p>{count} left out for safety:</p>
      <ul aria-label="Left out for safety">
        {shown.map((skip, i) => (
          <li key={`${i}:${skip.path}`}>
            <code>{skip.path}</code>: {skip.reason}
          </li>
        ))}
      </ul>
      {skipped.length > SHOWN && <p>…and {formatCount(skipped.length - SHOWN)} more.</p>}
    </div>
  )
}
