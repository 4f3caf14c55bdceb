import { useQueries, type UseQueryResult } from '@tanstack/react-query'
import { useEffect, useId, useRef } from 'react'
import { Link, useNavigate } from 'react-router'
import type { ImageManifest } from '../../../../shared/models/image'
import type { SupplyChainReferrer } from '../../../../shared/models/supply-chain'
import { referrersQuery } from '../../api/supply-chain'
import { ErrorPanel } from '../../components/error-panel'
import { pluralize } from '../../components/format'
import { useConnection } from '../connection/use-connection'
import { platformLabel } from '../image-page/image-detail'
import { shortDigest } from '../images/labels'
import { ReferrerDetail } from './referrer-detail'
import { ReferrerList } from './referrer-list'
import { countReferrers, findReferrer, type Subject } from './referrer-tree'
import { SigningStatusList } from './signing-status'
import './supply-chain.css'

export interface SupplyChainTabProps {
  repositoryName: string
  /** The digest in the URL: the image, or the index. */
  imageDigest: string
  index: Extract<ImageManifest, { kind: 'index' }> | null
  param: (name: string) => string | null
  tabHref: (tab: string, params?: Record<string, string | number | null>) => string
}

/** The images whose referrers the tab lists: the image, or an index and each of its platforms. */
export function supplyChainSubjects(
  imageDigest: string,
  index: SupplyChainTabProps['index'],
): Subject[] {
  if (!index) return [{ digest: imageDigest, label: 'this image' }]
  return [
    { digest: imageDigest, label: 'the index' },
    ...index.platforms
      .filter((p) => !p.attestation)
      .map((p) => ({ digest: p.digest, label: platformLabel(p) })),
  ]
}

/** The referrer's name in lists and headings: its kind and short digest. */
export const referrerName = (r: SupplyChainReferrer) => `${r.kind} ${shortDigest(r.digest)}`

/** The tab's badge: how many referrers hang on the image (and on its platforms, for an index). */
export function ReferrerCount({
  repositoryName,
  imageDigest,
  index,
}: Pick<SupplyChainTabProps, 'repositoryName' | 'imageDigest' | 'index'>) {
  const connection = useConnection()
  const subjects = supplyChainSubjects(imageDigest, index)
  const queries = useQueries({
    queries: subjects.map((s) => referrersQuery(connection, repositoryName, s.digest)),
  })
  if (queries.some((q) => !q.isSuccess)) return null
  return <>{queries.reduce((n, q) => n + countReferrers(q.data ?? []), 0)}</>
}

/**
 * The image page's Supply chain tab: the referrers of the image (and of each platform, for an
 * index) as a tree, ECR managed signing, and the referrer in `?referrer=` opened below.
 */
export function SupplyChainTab(props: SupplyChainTabProps) {
  const { repositoryName, imageDigest, index, param, tabHref } = props
  const connection = useConnection()
  const navigate = useNavigate()
  const subjects = supplyChainSubjects(imageDigest, index)
  const referrers = useQueries({
    queries: subjects.map((s) => referrersQuery(connection, repositoryName, s.digest)),
  })
  const selected = param('referrer')
  const trees = subjects.map((subject, i) => ({ subject, referrers: referrers[i]?.data ?? [] }))
  const found = selected ? findReferrer(trees, selected, referrerName) : null
  const allLoaded = referrers.every((q) => !q.isPending)

  const open = (digest: string | null, raw = false) =>
    void navigate(tabHref('supply-chain', { referrer: digest, raw: raw ? 1 : null }))
  const hrefOf = (digest: string, raw = false) =>
    tabHref('supply-chain', { referrer: digest, raw: raw ? 1 : null })

  return (
    <div className="supply-chain">
      <p className="hint supply-chain-intro">
        What hangs on this image in the registry: SBOMs, provenance, signatures and other artifacts
        that name it as their <code>subject</code> (ListImageReferrers), and cosign’s legacy{' '}
        <code>.sig</code>, <code>.att</code> and <code>.sbom</code> tags.
      </p>
      {subjects.map((subject, i) => (
        <SubjectSection
          key={subject.digest}
          repositoryName={repositoryName}
          subject={subject}
          query={referrers[i]!}
          isIndex={index !== null}
          selected={selected}
          hrefOf={hrefOf}
        />
      ))}
      {selected && allLoaded && !found && (
        <p className="empty-state" role="status">
          {`No referrer ${shortDigest(selected)} hangs on this image. `}
          <Link to={tabHref('supply-chain')}>Show all referrers</Link>
        </p>
      )}
      {found && (
        <ReferrerDetail
          key={found.referrer.digest}
          repositoryName={repositoryName}
          found={found}
          imageDigest={imageDigest}
          showRaw={param('raw') === '1'}
          packageParam={param('package')}
          onClose={() => open(null)}
          tabHref={tabHref}
          filesHref={(path) =>
            tabHref('files', {
              path,
              // An SBOM of a platform describes that platform's files.
              platform: index && found.subject.digest !== imageDigest ? found.subject.digest : null,
            })
          }
        />
      )}
    </div>
  )
}

function SubjectSection({
  repositoryName,
  subject,
  query,
  isIndex,
  selected,
  hrefOf,
}: {
  repositoryName: string
  subject: Subject
  query: UseQueryResult<SupplyChainReferrer[]>
  isIndex: boolean
  selected: string | null
  hrefOf: (digest: string, raw?: boolean) => string
}) {
  const headingId = useId()
  const title = !isIndex
    ? 'Referrers of this image'
    : subject.label === 'the index'
      ? 'Referrers of the index'
      : `Referrers of ${subject.label}`
  return (
    <section className="supply-chain-subject" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {title}
        {isIndex && subject.label !== 'the index' && (
          <span className="hint subject-digest"> {shortDigest(subject.digest)}</span>
        )}
      </h2>
      {query.isPending ? (
        <p className="hint" role="status">
          Listing the referrers…
        </p>
      ) : query.isError ? (
        <ErrorPanel
          error={query.error}
          retrying={query.isFetching}
          onRetry={() => void query.refetch()}
        />
      ) : query.data.length === 0 ? (
        <p className="hint">
          {`Nothing refers to ${subject.label === 'this image' ? 'this image' : subject.label}: no signature, SBOM or attestation names it as its subject, and no cosign legacy tag names its digest.`}
        </p>
      ) : (
        <>
          <p className="hint">
            {pluralize(countReferrers(query.data), 'referrer', 'referrers')}
            {query.data.length !== countReferrers(query.data) &&
              `, ${query.data.length} directly on ${subject.label}`}
          </p>
          <ReferrerList
            repositoryName={repositoryName}
            referrers={query.data}
            label={title}
            selected={selected}
            hrefOf={hrefOf}
          />
        </>
      )}
      <SigningStatusList repositoryName={repositoryName} subject={subject} />
    </section>
  )
}

/** Moves focus to a heading when it first appears, so an opened panel is where the reader is. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null)
  useEffect(() => {
    ref.current?.focus()
  }, [])
  return ref
}
