import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useId, useMemo, useState } from 'react'
import { Link } from 'react-router'
import { describeError } from '../../../../shared/errors'
import type { PlatformScan } from '../../../../shared/models/findings'
import type { ImageSummary } from '../../../../shared/models/image'
import { findingsQuery } from '../../api/findings'
import { imagesQuery } from '../../api/queries'
import { useAllPages } from '../../api/use-all-pages'
import { ErrorPanel } from '../../components/error-panel'
import { useConnection } from '../connection/use-connection'
import { shortDigest } from '../images/labels'
import { contentsDiffPath } from '../layer-contents/routes'
import { isDigest } from '../../routes'
import {
  compareCandidates,
  compareFindings,
  isNewerThan,
  type FindingRow,
  type FindingsComparison,
} from './findings-model'

interface FindingsCompareProps {
  repositoryName: string
  /** This image's DescribeImages entry: its tags and push time decide which image is newer. */
  summary: ImageSummary
  /** The scan on screen (a platform's, for an index). */
  scan: PlatformScan
  /** The other image chosen (a tag or a digest), kept in the tab's URL as `findingsWith`. */
  chosen: string | null
  onChoose: (ref: string | null) => void
}

/**
 * Compares the findings on screen with another image of the repository: by default the newer
 * version of this tag, so the page says which findings the next tag fixes and which it adds.
 * The files of the same two images are one link away (the contents diff).
 */
export function FindingsCompare({
  repositoryName,
  summary,
  scan,
  chosen,
  onChoose,
}: FindingsCompareProps) {
  const connection = useConnection()
  const headingId = useId()
  const withId = useId()
  const digestId = useId()
  const tagged = useAllPages(useInfiniteQuery(imagesQuery(connection, repositoryName, 'TAGGED')))
  const { candidates, suggested } = useMemo(
    () => compareCandidates(tagged.items, summary),
    [tagged.items, summary],
  )
  const [typed, setTyped] = useState('')
  const ref = chosen ?? suggested?.tag ?? null
  const candidate = ref ? (candidates.find((c) => c.tag === ref || c.digest === ref) ?? null) : null
  const otherDigest = candidate?.digest ?? (ref && isDigest(ref) ? ref : null)
  const newer = candidate ? isNewerThan(candidate, summary) : null
  // This side by a tag when it has one ('latest' last: it moves), else by its digest.
  const self = summary.tags.find((t) => t !== 'latest') ?? summary.tags[0] ?? summary.digest
  const otherName = candidate && !isDigest(ref ?? '') ? candidate.tag : shortDigest(ref ?? '')
  return (
    <section className="findings-compare" aria-labelledby={headingId}>
      <h3 id={headingId}>Compare findings with another tag</h3>
      <div className="findings-compare-forms">
        <label htmlFor={withId}>Compare with</label>
        <select
          id={withId}
          value={candidate && ref && !isDigest(ref) ? ref : ''}
          onChange={(event) => onChoose(event.target.value || null)}
        >
          <option value="">{candidates.length ? 'Choose a tag…' : 'No other tag'}</option>
          {candidates.map((c) => (
            <option key={c.tag} value={c.tag}>
              {c.tag === suggested?.tag
                ? `${c.tag} (${isNewerThan(c, summary) ? 'newer' : 'older'})`
                : c.tag}
            </option>
          ))}
        </select>
        <form
          onSubmit={(event) => {
            event.preventDefault()
            if (isDigest(typed.trim())) onChoose(typed.trim())
          }}
        >
          <label htmlFor={digestId}>or digest</label>
          <input
            id={digestId}
            type="text"
            value={typed}
            placeholder="sha256:…"
            spellCheck={false}
            onChange={(event) => setTyped(event.target.value)}
          />
          <button type="submit" disabled={!isDigest(typed.trim())}>
            Compare digest
          </button>
        </form>
      </div>
      {otherDigest === null ? (
        <p className="empty-state">
          {tagged.loadingMore
            ? 'Reading the repository’s tags…'
            : 'No newer tag of this image: choose a tag or a digest to compare with.'}
        </p>
      ) : (
        <Comparison
          repositoryName={repositoryName}
          scan={scan}
          otherDigest={otherDigest}
          otherName={otherName}
          newer={newer}
          filesLink={
            newer === false
              ? contentsDiffPath(repositoryName, ref!, self)
              : contentsDiffPath(repositoryName, self, ref!)
          }
          selfName={isDigest(self) ? shortDigest(self) : self}
        />
      )}
    </section>
  )
}

function Comparison({
  repositoryName,
  scan,
  otherDigest,
  otherName,
  newer,
  filesLink,
  selfName,
}: {
  repositoryName: string
  scan: PlatformScan
  otherDigest: string
  otherName: string
  /** Whether the other image is the newer one; null when unknown (a digest not in the list). */
  newer: boolean | null
  filesLink: string
  selfName: string
}) {
  const connection = useConnection()
  const query = useQuery(findingsQuery(connection, repositoryName, otherDigest))
  if (query.isPending) return <p>Reading the findings of {otherName}…</p>
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
  const scans = query.data.scans
  const other = scans.find((s) => s.platform === scan.platform) ?? scans[0] ?? null
  if (!other) return <p>{otherName} lists no platform images to compare.</p>
  if (other.problem) {
    const words = describeError(other.problem)
    return (
      <p>
        {otherName} has no findings to compare with: {words.title}. {words.nextStep}
      </p>
    )
  }
  const one = (s: PlatformScan) => ({
    imageDigest: s.imageDigest,
    isIndex: false,
    scans: [{ ...s, platform: null }],
  })
  const comparison: FindingsComparison =
    newer === false
      ? compareFindings(one(other), one(scan))
      : compareFindings(one(scan), one(other))
  const [fixedTitle, addedTitle] =
    newer === false
      ? [`Fixed since ${otherName}`, `New since ${otherName}`]
      : newer === true
        ? [`Fixed in ${otherName}`, `New in ${otherName}`]
        : [`Not in ${otherName}`, `Only in ${otherName}`]
  return (
    <div className="findings-comparison">
      <p>
        {newer === false
          ? `Of the ${comparison.fixed.length + comparison.kept.length} findings of the older ${otherName}, ${selfName} no longer has ${comparison.fixed.length} and keeps ${comparison.kept.length}; it adds ${comparison.added.length}.`
          : `Of the ${comparison.fixed.length + comparison.kept.length} findings of ${selfName}, ${otherName} no longer has ${comparison.fixed.length} and keeps ${comparison.kept.length}; it adds ${comparison.added.length}.`}
      </p>
      <div className="findings-comparison-actions">
        <Link to={filesLink}>Compare the files of the two images</Link>
      </div>
      <div className="findings-comparison-lists">
        <ComparisonList title={fixedTitle} rows={comparison.fixed} empty="None" />
        <ComparisonList title={addedTitle} rows={comparison.added} empty="None" />
      </div>
    </div>
  )
}

function ComparisonList({
  title,
  rows,
  empty,
}: {
  title: string
  rows: readonly FindingRow[]
  empty: string
}) {
  const id = useId()
  return (
    <section className="comparison-list" aria-labelledby={id}>
      <h4 id={id}>
        {title} ({rows.length})
      </h4>
      {rows.length === 0 ? (
        <p className="empty-state">{empty}</p>
      ) : (
        <ul aria-labelledby={id}>
          {rows.map(({ key, finding: f }) => {
            const p = f.packages[0]
            return (
              <li key={key}>
                <span className={`badge severity-${f.severity.toLowerCase()}`}>{f.severity}</span>{' '}
                <strong>{f.id}</strong>
                {p && (
                  <>
                    {' '}
                    {p.name} {p.version}
                    {p.release ? `-${p.release}` : ''}
                    {p.fixedInVersion ? `, fixed in ${p.fixedInVersion}` : ''}
                  </>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
