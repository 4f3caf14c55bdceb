import { useQuery } from '@tanstack/react-query'
import { diffLines } from 'diff'
import { useId, useMemo } from 'react'
import { Link } from 'react-router'
import { PREVIEW_LIMIT } from '../../../../shared/layer-contents/limits'
import type { DiffEntry, DiffSide } from '../../../../shared/models/layer-contents'
import { previewQuery, type LayerTarget } from '../../api/layer-contents'
import { manifestQuery } from '../../api/queries'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes, formatExactBytes } from '../../components/format'
import { useConnection } from '../connection/use-connection'
import { shortDigest } from '../images/labels'
import { CHANGE_LABEL } from './file-tree'
import { contentsImagePath, type LayerRef } from './routes'

interface ChangedFileProps {
  repositoryName: string
  entry: DiffEntry
  /** The two sides as the URL names them (tag, digest or layer). */
  from: string | LayerRef
  to: string | LayerRef
  /** What each side resolved to: image digests, or layer digests. */
  resolved: { from: string; to: string }
}

const sideName = (side: string | LayerRef) =>
  typeof side === 'string' ? side : `layer ${shortDigest(side.digest)}`

/**
 * One changed path of a diff: both versions' size and digest, a link to the file in each image's
 * files, and for a text file the content diff (unified, built with the `diff` package).
 */
export function ChangedFile({ repositoryName, entry, from, to, resolved }: ChangedFileProps) {
  const headingId = useId()
  const name = entry.path.split('/').pop() ?? entry.path
  const before = useSideTarget(repositoryName, from, resolved.from, entry.before)
  const after = useSideTarget(repositoryName, to, resolved.to, entry.after)
  const textual = (side: DiffSide | null) =>
    side !== null && side.type === 'file' && side.size <= PREVIEW_LIMIT
  const wantsText = entry.status === 'modified' && textual(entry.before) && textual(entry.after)
  const connection = useConnection()
  const beforeText = useQuery({
    ...previewQuery(connection, before ?? placeholder(repositoryName), entry.path),
    enabled: wantsText && before !== null,
  })
  const afterText = useQuery({
    ...previewQuery(connection, after ?? placeholder(repositoryName), entry.path),
    enabled: wantsText && after !== null,
  })
  const parts = useMemo(
    () =>
      beforeText.data?.text != null && afterText.data?.text != null
        ? diffLines(beforeText.data.text, afterText.data.text)
        : null,
    [beforeText.data, afterText.data],
  )
  const binary = beforeText.data?.binary || afterText.data?.binary

  return (
    <section className="changed-file" aria-labelledby={headingId}>
      <h2 id={headingId}>{`/${entry.path}`}</h2>
      <dl className="facts">
        <dt>Change</dt>
        <dd>
          {CHANGE_LABEL[entry.status]}
          {entry.reasons.length > 0 ? ` (${entry.reasons.join(', ')})` : ''}
        </dd>
        <Side label={`In ${sideName(from)}`} side={entry.before} />
        <Side label={`In ${sideName(to)}`} side={entry.after} />
      </dl>
      <p className="actions">
        {typeof from === 'string' && entry.before && (
          <Link
            to={contentsImagePath(repositoryName, from, null, { select: entry.path })}
          >{`Show ${name} in the files of ${from}`}</Link>
        )}
        {typeof to === 'string' && entry.after && (
          <Link
            to={contentsImagePath(repositoryName, to, null, { select: entry.path })}
          >{`Show ${name} in the files of ${to}`}</Link>
        )}
      </p>
      {wantsText && (beforeText.isPending || afterText.isPending) && (
        <p className="hint">Loading both versions…</p>
      )}
      {beforeText.isError && <ErrorPanel error={beforeText.error} />}
      {afterText.isError && <ErrorPanel error={afterText.error} />}
      {binary && <p className="hint">A binary file: compare the sizes and digests above.</p>}
      {entry.status === 'modified' && !wantsText && (
        <p className="hint">
          {`No content diff: ${entry.before?.type !== 'file' || entry.after?.type !== 'file' ? 'not a regular file on both sides' : 'larger than 1 MiB'}. Compare the sizes and digests above.`}
        </p>
      )}
      {parts && (
        <pre
          className="content-diff"
          tabIndex={0}
          role="region"
          aria-label={`Content diff of ${name}`}
        >
          {parts.flatMap((part, i) =>
            part.value
              .replace(/\n$/, '')
              .split('\n')
              .map((line, j) => (
                <span
                  key={`${i}:${j}`}
                  className={
                    part.added ? 'line-added' : part.removed ? 'line-removed' : 'line-same'
                  }
                >
                  {`${part.added ? '+' : part.removed ? '-' : ' '} ${line}\n`}
                </span>
              )),
          )}
        </pre>
      )}
    </section>
  )
}

function Side({ label, side }: { label: string; side: DiffSide | null }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {side === null
          ? 'absent'
          : [
              side.type,
              side.type === 'file'
                ? `${formatBytes(side.size)} (${formatExactBytes(side.size)})`
                : null,
              side.sha256 ? shortDigest(`sha256:${side.sha256}`) : null,
              side.layer !== undefined ? `layer ${side.layer + 1}` : null,
            ]
              .filter(Boolean)
              .join(' · ')}
      </dd>
    </>
  )
}

const placeholder = (repositoryName: string): LayerTarget => ({
  repositoryName,
  digest: 'sha256:0',
  mediaType: '',
  size: null,
})

/** The layer blob that holds one side's version of the path: a layer side, or the image's layer. */
function useSideTarget(
  repositoryName: string,
  side: string | LayerRef,
  resolved: string,
  entry: DiffSide | null,
): LayerTarget | null {
  const connection = useConnection()
  const manifest = useQuery({
    ...manifestQuery(connection, repositoryName, resolved),
    enabled: typeof side === 'string' && entry !== null,
  })
  if (entry === null) return null
  if (typeof side !== 'string') return { repositoryName, ...side }
  const layer =
    manifest.data?.kind === 'image' && entry.layer !== undefined
      ? manifest.data.layers[entry.layer]
      : undefined
  return layer
    ? { repositoryName, digest: layer.digest, mediaType: layer.mediaType, size: layer.size }
    : null
}
