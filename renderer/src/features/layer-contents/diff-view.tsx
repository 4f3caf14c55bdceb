import { useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { useNavigate } from 'react-router'
import type { DiffEntry } from '../../../../shared/models/layer-contents'
import {
  contentsDiffQuery,
  contentsRef,
  newOperationPrefix,
  useContentsProgress,
} from '../../api/layer-contents'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes, formatCount } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { VirtualTable, type Column } from '../../components/virtual-table'
import { useConnection } from '../connection/use-connection'
import { shortDigest } from '../images/labels'
import { ChangedFile } from './changed-file'
import { ContentsBreadcrumbs } from './contents-breadcrumbs'
import { indexTooLarge } from './contents-errors'
import { CHANGE_LABEL } from './file-tree'
import { ProgressBar } from './progress-bar'
import { contentsDiffPath, type LayerRef } from './routes'
import { useTags } from './use-tags'

const describeSide = (side: string | LayerRef | null) =>
  side === null ? '—' : typeof side === 'string' ? side : `layer ${shortDigest(side.digest)}`

export function DiffView({
  repositoryName,
  from,
  to,
  path,
  file,
}: {
  repositoryName: string
  from: string | LayerRef | null
  to: string | LayerRef | null
  path: string | null
  /** The changed path whose details (and content diff) show beside the list. */
  file: string | null
}) {
  const connection = useConnection()
  const navigate = useNavigate()
  const [prefix] = useState(newOperationPrefix)
  const tags = useTags(repositoryName)
  const ready = from !== null && to !== null
  const diff = useQuery({
    ...contentsDiffQuery(
      connection,
      repositoryName,
      contentsRef(from ?? 'latest'),
      contentsRef(to ?? 'latest'),
      path,
      prefix,
    ),
    enabled: ready,
  })
  const { progress, cancel } = useContentsProgress(prefix)
  usePageReady(!ready || diff.status !== 'pending')
  const fromId = useId()
  const toId = useId()
  const pathId = useId()
  const [pathText, setPathText] = useState(path ?? '')
  const tagSides = typeof from !== 'object' && typeof to !== 'object'
  const [fromTag, setFromTag] = useState(typeof from === 'string' ? from : '')
  const [toTag, setToTag] = useState(typeof to === 'string' ? to : '')

  const columns: Column<DiffEntry>[] = [
    {
      header: 'Change',
      cell: (entry) => (
        <span className={`badge change-${entry.status}`}>{CHANGE_LABEL[entry.status]}</span>
      ),
    },
    {
      header: 'Path',
      className: 'cell-path',
      title: (entry) => entry.path,
      cell: (entry) => `/${entry.path}`,
    },
    {
      header: 'Before',
      className: 'cell-number',
      cell: (entry) => (entry.before ? formatBytes(entry.before.size) : ''),
    },
    {
      header: 'After',
      className: 'cell-number',
      cell: (entry) => (entry.after ? formatBytes(entry.after.size) : ''),
    },
    { header: 'Why', cell: (entry) => entry.reasons.join(', ') },
  ]
  const selectedEntry = file
    ? (diff.data?.entries.find((entry) => entry.path === file) ?? null)
    : null

  return (
    <main className="contents-page">
      <ContentsBreadcrumbs
        repositoryName={repositoryName}
        imageDigest={diff.data && typeof to === 'string' ? diff.data.to : null}
        tab="compare"
        current="Differences"
      />
      <h1>
        Differences from {describeSide(from)} to {describeSide(to)}
        {path ? ` in /${path}` : ''}
      </h1>
      <form
        className="toolbar diff-form"
        onSubmit={(event) => {
          event.preventDefault()
          const a = tagSides ? fromTag : from
          const b = tagSides ? toTag : to
          if (a && b)
            void navigate(
              contentsDiffPath(repositoryName, a, b, pathText.replace(/^\/+/, '') || null),
            )
        }}
      >
        {tagSides && (
          <>
            <label htmlFor={fromId}>From</label>
            <select
              id={fromId}
              value={fromTag}
              onChange={(event) => setFromTag(event.target.value)}
            >
              {[...new Set([fromTag, ...tags])].filter(Boolean).map((tag) => (
                <option key={tag} value={tag}>
                  {tag}
                </option>
              ))}
            </select>
            <label htmlFor={toId}>To</label>
            <select id={toId} value={toTag} onChange={(event) => setToTag(event.target.value)}>
              {[...new Set([toTag, ...tags])].filter(Boolean).map((tag) => (
                <option key={tag} value={tag}>
                  {tag}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor={pathId}>Path</label>
        <input
          id={pathId}
          type="text"
          value={pathText}
          placeholder="/ (everything)"
          onChange={(event) => setPathText(event.target.value)}
          spellCheck={false}
        />
        <button type="submit">Compare</button>
      </form>
      {progress && <ProgressBar progress={progress} onCancel={cancel} />}
      {!ready && <p className="empty-state">Pick two tags to compare.</p>}
      {diff.isError && (
        <ErrorPanel
          error={diff.error}
          retrying={diff.isFetching}
          {...(indexTooLarge(diff.error) ? {} : { onRetry: () => void diff.refetch() })}
        />
      )}
      {diff.data && (
        <>
          <p role="status" className="diff-counts">
            {formatCount(diff.data.counts.added)} added, {formatCount(diff.data.counts.modified)}{' '}
            modified, {formatCount(diff.data.counts.deleted)} deleted
            {diff.data.complete ? '' : ' (from incomplete listings)'}
          </p>
          {diff.data.entries.length === 0 ? (
            <p className="empty-state">No differences.</p>
          ) : (
            <VirtualTable
              label="Differences"
              className="diff-table"
              rows={diff.data.entries}
              columns={columns}
              rowKey={(entry) => entry.path}
              rowPath={(entry) => contentsDiffPath(repositoryName, from!, to!, path, entry.path)}
            />
          )}
          {selectedEntry && (
            <ChangedFile
              key={selectedEntry.path}
              repositoryName={repositoryName}
              entry={selectedEntry}
              from={from!}
              to={to!}
              resolved={{ from: diff.data.from, to: diff.data.to }}
            />
          )}
          {file && !selectedEntry && (
            <p className="empty-state">{`/${file} did not change between these two.`}</p>
          )}
        </>
      )}
    </main>
  )
}
