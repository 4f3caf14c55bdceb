import { useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { SEVERITIES } from '../../../../shared/models/findings'
import type { ImageSummary } from '../../../../shared/models/image'
import { scanCountsQuery } from '../../api/findings'
import { useConnection } from '../connection/use-connection'
import { sentenceCase } from './labels'
import './findings-cell.css'

/**
 * How long a row must stay on screen before its counts are fetched: rows that fly past while
 * the user scrolls never cost a call.
 */
export const COUNTS_DELAY_MS = 250

const LETTER: Record<string, string> = {
  CRITICAL: 'C',
  HIGH: 'H',
  MEDIUM: 'M',
  LOW: 'L',
  INFORMATIONAL: 'I',
  UNDEFINED: 'U',
}

/** The statuses whose scan has findings to count. */
const WITH_FINDINGS = new Set(['COMPLETE', 'ACTIVE'])

/** Severity counts, most severe first, with unknown severities after the known ones. */
export function countEntries(counts: Partial<Record<string, number>>): [string, number][] {
  const known = (SEVERITIES as readonly string[]).filter((s) => (counts[s] ?? 0) > 0)
  const other = Object.keys(counts).filter(
    (s) => !(SEVERITIES as readonly string[]).includes(s) && (counts[s] ?? 0) > 0,
  )
  return [...known, ...other].map((s) => [s, counts[s]!])
}

/** "3 critical, 2 high": the counts in words (the cell's tooltip). */
export function countsInWords(counts: Partial<Record<string, number>>): string {
  const entries = countEntries(counts)
  return entries.length === 0
    ? 'No findings'
    : entries.map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')
}

/** Which of a row's images needs its counts fetched: scanned, but DescribeImages gave no summary. */
export function needsCounts(image: ImageSummary): boolean {
  return image.scanFindings === null && WITH_FINDINGS.has(image.scanStatus ?? '')
}

/** Compact severity badges: the count and the severity's letter, the word for screen readers. */
export function SeverityBadges({ counts }: { counts: Partial<Record<string, number>> }) {
  const entries = countEntries(counts)
  if (entries.length === 0) return <>No findings</>
  return (
    <span className="severity-badges" title={countsInWords(counts)}>
      {entries.map(([severity, count]) => (
        <span key={severity} className={`badge severity-${severity.toLowerCase()}`}>
          {count} <span aria-hidden="true">{LETTER[severity] ?? severity.slice(0, 1)}</span>
          <span className="visually-hidden">{severity.toLowerCase()}</span>
        </span>
      ))}
    </span>
  )
}

/**
 * The images list's Findings cell. Counts come from DescribeImages' `imageScanFindingsSummary`
 * when it carries them; otherwise (enhanced scanning) they are fetched for this row only, once it
 * has stayed on screen for COUNTS_DELAY_MS. The table is virtualized, so only rows on screen
 * (and its few overscan rows) ever mount this cell: never one call per image of the repository.
 */
export function FindingsCell({
  repositoryName,
  image,
}: {
  repositoryName: string
  image: ImageSummary
}) {
  if (image.scanFindings && (image.scanStatus === null || WITH_FINDINGS.has(image.scanStatus))) {
    return <SeverityBadges counts={image.scanFindings} />
  }
  if (needsCounts(image)) return <LazyCounts repositoryName={repositoryName} image={image} />
  if (image.scanStatus === 'COMPLETE') return <>No findings</>
  return <>{image.scanStatus ? sentenceCase(image.scanStatus) : '—'}</>
}

function LazyCounts({ repositoryName, image }: { repositoryName: string; image: ImageSummary }) {
  const connection = useConnection()
  const [settled, setSettled] = useState(false)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(true), COUNTS_DELAY_MS)
    return () => clearTimeout(timer)
  }, [])
  const query = useQuery({
    ...scanCountsQuery(connection, repositoryName, image.digest),
    enabled: settled,
  })
  if (query.isError) return <span className="counts-unknown">Counts unavailable</span>
  if (!query.data) {
    return (
      <span className="counts-pending" aria-busy="true">
        Counting…
      </span>
    )
  }
  if (query.data.problem) {
    return <>{query.data.status ? sentenceCase(query.data.status) : 'Never scanned'}</>
  }
  return <SeverityBadges counts={query.data.counts} />
}
