import { useQuery } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState } from 'react'
import { manifestQuery } from '../../api/queries'
import { referrerBlobQuery } from '../../api/supply-chain'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes } from '../../components/format'
import { JsonViewer } from '../../components/json-viewer'
import { useConnection } from '../connection/use-connection'
import { shortDigest } from '../images/labels'
import type { ReferrerBlob } from '../../../../shared/models/supply-chain'
import { ProvenanceView } from './provenance-view'
import type { FoundReferrer } from './referrer-tree'
import { SbomView } from './sbom-view'
import { CosignView, KeylessView, NotationView } from './signature-views'

interface ReferrerDetailProps {
  repositoryName: string
  found: FoundReferrer
  /** The image on the page (the index, for an index). */
  imageDigest: string
  /** Open the raw manifest and blobs at once (the row's "View raw"). */
  showRaw: boolean
  packageParam: string | null
  onClose: () => void
  tabHref: (tab: string, params?: Record<string, string | number | null>) => string
  /** The Files tab of the SBOM's image, at a path. */
  filesHref: (path: string) => string
}

/** One referrer, opened: what it says in words (SBOM, provenance, signature), then its raw bytes. */
export function ReferrerDetail({
  repositoryName,
  found,
  showRaw,
  packageParam,
  onClose,
  tabHref,
  filesHref,
}: ReferrerDetailProps) {
  const { referrer: r, subject } = found
  const headingId = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const name = `${r.kind} ${shortDigest(r.digest)}`
  const archived = r.status !== 'ACTIVE'
  // The panel opens below the list: take the reader (and the keyboard) to it, unless raw asked first.
  useEffect(() => {
    if (!showRaw) heading.current?.focus()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the panel opens
  }, [])

  const request = { repositoryName, digest: r.digest }
  return (
    <section className="referrer-detail" aria-labelledby={headingId}>
      <header>
        <div>
          <h2 id={headingId} ref={heading} tabIndex={-1}>
            {name}
          </h2>
          <p className="hint">{`Refers to ${subject.label} (${shortDigest(subject.digest)})`}</p>
        </div>
        <button type="button" onClick={onClose} aria-label={`Close ${name}`}>
          Close
        </button>
      </header>
      {archived ? (
        <p className="claim-mismatch">
          This artifact is archived: its blobs cannot be read until it is restored to the standard
          storage class (<code>aws ecr update-image-storage-class</code> with{' '}
          <code>--target-storage-class STANDARD</code>).
        </p>
      ) : r.kindCode === 'sbom-spdx' || r.kindCode === 'sbom-cyclonedx' ? (
        <SbomView
          {...request}
          packageParam={packageParam}
          packageHref={(key) => tabHref('supply-chain', { referrer: r.digest, package: key })}
          filesHref={filesHref}
        />
      ) : r.kindCode === 'provenance' || r.kindCode === 'attestation' ? (
        <ProvenanceView {...request} />
      ) : r.kindCode === 'cosign-signature' ? (
        <CosignView {...request} referrer={r} subject={subject} />
      ) : r.kindCode === 'notation-signature' ? (
        <NotationView {...request} subject={subject} />
      ) : r.kindCode === 'sigstore-bundle' ? (
        <KeylessView {...request} subject={subject} />
      ) : r.kindCode === 'soci-index' ? (
        <p>
          A SOCI index lets Amazon ECS and Fargate start a container before the whole image is
          pulled: its zTOCs map each layer’s files, so they are fetched on demand. Its manifest and
          zTOC blobs are listed below.
        </p>
      ) : (
        <p>
          {`The app does not read ${r.artifactType ?? r.mediaType} artifacts; its manifest and blobs are below, raw.`}
        </p>
      )}
      <RawSection {...request} blobs={r.blobs} initiallyOpen={showRaw} name={name} />
    </section>
  )
}

/** The referrer's manifest as the registry sent it, and each of its blobs as text. */
function RawSection({
  repositoryName,
  digest,
  blobs,
  initiallyOpen,
  name,
}: {
  repositoryName: string
  digest: string
  blobs: readonly ReferrerBlob[]
  initiallyOpen: boolean
  name: string
}) {
  const [open, setOpen] = useState(initiallyOpen)
  const headingId = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (initiallyOpen) heading.current?.focus()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the panel opens
  }, [])
  return (
    <section className="referrer-raw" aria-labelledby={headingId}>
      <div className="referrer-raw-head">
        <h3 id={headingId} ref={heading} tabIndex={-1}>
          Raw manifest and blobs
        </h3>
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide raw' : 'View raw'}
        </button>
      </div>
      {open && (
        <>
          <RawManifest repositoryName={repositoryName} digest={digest} name={name} />
          {blobs.map((b, i) => (
            <RawBlob
              key={b.digest}
              repositoryName={repositoryName}
              digest={digest}
              blob={b}
              title={`Blob ${i + 1} of ${blobs.length}: ${b.mediaType}`}
            />
          ))}
        </>
      )}
    </section>
  )
}

function RawManifest({
  repositoryName,
  digest,
  name,
}: {
  repositoryName: string
  digest: string
  name: string
}) {
  const connection = useConnection()
  const manifest = useQuery(manifestQuery(connection, repositoryName, digest))
  if (manifest.isPending) return <p className="hint">Reading the manifest…</p>
  if (manifest.isError)
    return <ErrorPanel error={manifest.error} onRetry={() => void manifest.refetch()} />
  return <JsonViewer title={`Manifest JSON of ${name}`} raw={manifest.data.raw} />
}

function RawBlob({
  repositoryName,
  digest,
  blob,
  title,
}: {
  repositoryName: string
  digest: string
  blob: ReferrerBlob
  title: string
}) {
  const connection = useConnection()
  const query = useQuery(referrerBlobQuery(connection, repositoryName, digest, blob.digest))
  if (query.isPending)
    return <p className="hint">{`Reading ${title} (${formatBytes(blob.size)})…`}</p>
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
  if (query.data.text === null)
    return (
      <p className="hint">
        {`${title}, ${formatBytes(blob.size)}: ${query.data.reason ?? 'not text.'}`}
      </p>
    )
  return <JsonViewer title={title} raw={query.data.text} />
}
