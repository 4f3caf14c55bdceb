import { useQuery } from '@tanstack/react-query'
import { useId, useRef, useState } from 'react'
import type { PartialDownload } from '../../../../shared/models/download'
import { partialsQuery, useDiscardPartial } from '../../api/downloads'
import { ErrorPanel } from '../../components/error-panel'
import { formatTransfer, blobLabel, baseName } from './download-format'
import { useDownloadEntries, useDownloads } from './downloads-context'
import type { BlobTarget } from './download-store'

/** The blob a partial file's sidecar describes, as a download to resume. */
export function partialTarget(partial: PartialDownload): BlobTarget {
  return {
    ...(partial.registryId ? { registryId: partial.registryId } : {}),
    repositoryName: partial.repositoryName,
    digest: partial.digest,
    mediaType: partial.mediaType,
    size: partial.size,
    ...(partial.imageDigest ? { imageDigest: partial.imageDigest } : {}),
    role: null,
    // That very file is continued: after "keep both" it belongs to "name (2)", not to the usual name.
    resumePartial: partial.path,
  }
}

/**
 * The `.partial` files an earlier run left, less those a download of this window is writing (it
 * writes a .partial too) and those already sent to resume.
 */
export function useLeftoverPartials(resumed: ReadonlySet<string> = NONE): PartialDownload[] {
  const partials = useQuery(partialsQuery())
  const { store } = useDownloads()
  const entries = useDownloadEntries(store)
  const running = new Set(entries.map((e) => `${e.target.repositoryName}@${e.target.digest}`))
  return (partials.data ?? []).filter(
    (p) => !resumed.has(p.path) && !running.has(`${p.repositoryName}@${p.digest}`),
  )
}

const NONE: ReadonlySet<string> = new Set()

/**
 * At the top of the downloads tray when an earlier run left `.partial` files (the tray's toggle
 * counts them, so the notice never pushes the page): Resume all sends each one to main again,
 * which re-hashes the bytes on disk and continues with a Range request.
 */
export function PartialsBanner() {
  const { start, focusPanel } = useDownloads()
  const resumeAll = useRef<HTMLButtonElement>(null)
  const discard = useDiscardPartial()
  const [resumed, setResumed] = useState<ReadonlySet<string>>(new Set())
  const headingId = useId()
  const leftovers = useLeftoverPartials(resumed)
  if (leftovers.length === 0) return null

  const count = leftovers.length
  return (
    <section className="partials-banner" aria-labelledby={headingId}>
      <h3 id={headingId}>{`${count} unfinished ${count === 1 ? 'download' : 'downloads'}`}</h3>
      <p>
        An earlier run stopped before {count === 1 ? 'this blob was' : 'these blobs were'} saved.
        Resuming checks the bytes already on disk against the digest and downloads only the rest.
      </p>
      <ul className="plain-list">
        {leftovers.map((partial) => (
          <li key={partial.path}>
            <code>{blobLabel(partial)}</code>{' '}
            <span className="hint">
              {`${formatTransfer(partial.bytesOnDisk, partial.size)} in ${baseName(partial.path)}`}
            </span>{' '}
            <button
              type="button"
              aria-label={`Discard ${blobLabel(partial)}`}
              disabled={discard.isPending}
              onClick={() => {
                // The item goes away; focus goes to Resume all, or the panel with the last one.
                if (leftovers.length > 1) resumeAll.current?.focus()
                else focusPanel()
                discard.mutate(partial.path)
              }}
            >
              Discard
            </button>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button
          type="button"
          className="primary"
          ref={resumeAll}
          onClick={() => {
            setResumed(new Set([...resumed, ...leftovers.map((p) => p.path)]))
            start(leftovers.map(partialTarget))
            // The notice goes away; the downloads it started are listed below it in the tray.
            focusPanel()
          }}
        >
          Resume all
        </button>
      </div>
      {discard.isError && <ErrorPanel error={discard.error} />}
    </section>
  )
}
