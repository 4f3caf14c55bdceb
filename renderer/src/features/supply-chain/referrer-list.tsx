import { Link } from 'react-router'
import type { SupplyChainReferrer } from '../../../../shared/models/supply-chain'
import { CopyButton } from '../../components/copy-button'
import { formatBytes, formatDateTime } from '../../components/format'
import { useDownloads } from '../downloads/downloads-context'
import { statusLabel } from '../images/image-graph'
import { shortDigest } from '../images/labels'

const CREATED = 'org.opencontainers.image.created'

/** The marker for a referrer the core found only through cosign's legacy tag scheme. */
export const LEGACY_TAG_MARKER = 'found through cosign’s legacy tag'

interface ReferrerListProps {
  repositoryName: string
  referrers: readonly SupplyChainReferrer[]
  /** The list's accessible name. */
  label: string
  selected: string | null
  hrefOf: (digest: string, raw?: boolean) => string
}

/** Referrers as a nested list: a signature on an SBOM sits under the SBOM. */
export function ReferrerList({
  repositoryName,
  referrers,
  label,
  selected,
  hrefOf,
}: ReferrerListProps) {
  return (
    <ul className="referrer-list" aria-label={label}>
      {referrers.map((r) => (
        <li key={r.digest}>
          <ReferrerCard
            repositoryName={repositoryName}
            referrer={r}
            selected={selected === r.digest}
            hrefOf={hrefOf}
          />
          {r.referrers.length > 0 && (
            <ReferrerList
              repositoryName={repositoryName}
              referrers={r.referrers}
              label={`Referrers of ${r.kind} ${shortDigest(r.digest)}`}
              selected={selected}
              hrefOf={hrefOf}
            />
          )}
        </li>
      ))}
    </ul>
  )
}

function ReferrerCard({
  repositoryName,
  referrer: r,
  selected,
  hrefOf,
}: {
  repositoryName: string
  referrer: SupplyChainReferrer
  selected: boolean
  hrefOf: (digest: string, raw?: boolean) => string
}) {
  const { start } = useDownloads()
  const name = `${r.kind} ${shortDigest(r.digest)}`
  const created = r.annotations[CREATED] ?? null
  const others = Object.entries(r.annotations).filter(([key]) => key !== CREATED)
  const archived = r.status !== 'ACTIVE'
  const blobBytes = r.blobs.reduce((n, b) => n + b.size, 0)
  return (
    <article
      className={`referrer${selected ? ' selected' : ''}`}
      aria-label={name}
      aria-current={selected ? 'true' : undefined}
    >
      <div className="referrer-head">
        <Link className="referrer-kind" to={hrefOf(r.digest)} aria-label={name}>
          {r.kind}
        </Link>
        <code title={r.digest}>{shortDigest(r.digest)}</code>
        <span className={`badge status-${r.status.toLowerCase()}`}>{statusLabel(r.status)}</span>
        {r.source === 'legacy-tag' && <span className="badge legacy-tag">{LEGACY_TAG_MARKER}</span>}
      </div>
      <dl className="referrer-facts">
        <div>
          <dt>Artifact type</dt>
          <dd>
            <code>{r.artifactType ?? r.mediaType}</code>
          </dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>
            {r.size === null ? 'unknown' : formatBytes(r.size)}
            {r.blobs.length > 0 &&
              ` (manifest), ${formatBytes(blobBytes)} in ${r.blobs.length === 1 ? '1 blob' : `${r.blobs.length} blobs`}`}
          </dd>
        </div>
        {created && (
          <div>
            <dt>Created</dt>
            <dd>
              <time dateTime={created}>{formatDateTime(created)}</time>
            </dd>
          </div>
        )}
        {r.claimedDigest && (
          <div>
            <dt>Claims to sign</dt>
            <dd>
              <code title={r.claimedDigest}>{shortDigest(r.claimedDigest)}</code>
            </dd>
          </div>
        )}
      </dl>
      {others.length > 0 && (
        <details className="referrer-annotations">
          <summary>{`Annotations (${others.length})`}</summary>
          <dl className="facts">
            {others.map(([key, value]) => (
              <div key={key} className="annotation">
                <dt>
                  <code>{key}</code>
                </dt>
                <dd>
                  <code>{value}</code>
                </dd>
              </div>
            ))}
          </dl>
        </details>
      )}
      <div className="referrer-actions">
        <Link className="button small" to={hrefOf(r.digest, true)} aria-label={`View raw ${name}`}>
          View raw
        </Link>
        <button
          type="button"
          className="small"
          aria-label={`Download ${name}`}
          disabled={archived || r.blobs.length === 0}
          title={
            archived
              ? 'Archived: restore the artifact to the standard storage class to download it.'
              : r.blobs.length === 0
                ? 'The referrer lists no blobs to download.'
                : undefined
          }
          onClick={() =>
            start(
              r.blobs.map((b, i) => ({
                repositoryName,
                digest: b.digest,
                mediaType: b.mediaType,
                size: b.size,
                role: r.blobs.length === 1 ? r.kind : `${r.kind}, blob ${i + 1}`,
              })),
            )
          }
        >
          Download
        </button>
        <CopyButton text={r.digest} label={`Copy digest of ${name}`}>
          Copy digest
        </CopyButton>
      </div>
    </article>
  )
}
