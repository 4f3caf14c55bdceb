import { useQuery } from '@tanstack/react-query'
import { useDeferredValue, useId, useMemo, useState } from 'react'
import { Link } from 'react-router'
import { formatMode } from '../../../../shared/layer-contents/entries'
import type { MergedEntry, MergedLayer } from '../../../../shared/models/layer-contents'
import { previewQuery, useExtract, type LayerTarget } from '../../api/layer-contents'
import { ErrorPanel } from '../../components/error-panel'
import { ListToolbar, type Choice } from '../../components/toolbar'
import {
  formatBytes,
  formatCount,
  formatDateTime,
  formatExactBytes,
  pluralize,
} from '../../components/format'
import { useConnection } from '../connection/use-connection'
import type { PathFindings } from '../findings/findings-model'
import { FileTree } from './file-tree'
import { pathMatcher } from './glob'
import { contentsDiffPath } from './routes'
import { PREVIEW_LIMIT } from '../../../../shared/layer-contents/limits'
import { SkippedList } from './skipped-list'
import {
  ancestors,
  buildTree,
  searchRows,
  sortTree,
  visibleRows,
  type SortKey,
  type TreeNode,
} from './tree'

interface ContentsBrowserProps {
  repositoryName: string
  entries: readonly MergedEntry[]
  /** The layer each entry's `layer` index names, for extraction and labels. */
  layers: readonly Pick<MergedLayer, 'digest' | 'mediaType' | 'size'>[]
  /** Show the Layer column and "written by" details. */
  showLayer: boolean
  /** The image reference, for "compare across tags" links; null for a lone layer. */
  imageRef: string | null
  /** Another tag to compare a path with, when the page offers one. */
  compareWith: string | null
  /** The operation-id prefix of the page, so extraction progress shows with the rest. */
  prefix: string
  /** A layer whose adds, changes and deletions are highlighted (stepping through layers). */
  highlightLayer?: number | null
  /** A path to select and reveal when the browser opens (a link from a diff). */
  initialPath?: string | null
  /** The scan findings that name a path, and where each finding is shown (the Findings tab). */
  findings?: { byPath: ReadonlyMap<string, PathFindings>; href: (key: string) => string }
}

const SORT_CHOICES: readonly Choice<SortKey>[] = [
  { value: 'name', label: 'Name' },
  { value: 'size', label: 'Size' },
]

/**
 * The file tree with its toolbar (search by path or glob, sort, deleted files), and the details of
 * the selected entry with preview, extract and compare.
 */
export function ContentsBrowser({
  repositoryName,
  entries,
  layers,
  showLayer,
  imageRef,
  compareWith,
  prefix,
  highlightLayer = null,
  initialPath = null,
  findings,
}: ContentsBrowserProps) {
  const [query, setQuery] = useState('')
  const deferredQuery = useDeferredValue(query)
  const [sort, setSort] = useState<SortKey>('name')
  const [showDeleted, setShowDeleted] = useState(true)
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(
    () => new Set(initialPath ? ancestors(initialPath) : []),
  )
  const [selectedPath, setSelectedPath] = useState<string | null>(initialPath)
  const deletedId = useId()

  const tree = useMemo(() => buildTree(entries), [entries])
  const sorted = useMemo(() => {
    sortTree(tree, sort)
    return { tree, sort }
  }, [tree, sort])
  const matcher = useMemo(() => pathMatcher(deferredQuery), [deferredQuery])
  const rows = useMemo(
    () =>
      matcher
        ? searchRows(sorted.tree, matcher, showDeleted, sorted.sort)
        : visibleRows(sorted.tree, expanded, showDeleted),
    [sorted, matcher, expanded, showDeleted],
  )
  const selected = selectedPath === null ? null : (tree.byPath.get(selectedPath) ?? null)
  const deletedCount = tree.root.deletedCount

  const toggle = (node: TreeNode) => {
    setExpanded((current) => {
      const next = new Set(current)
      if (next.has(node.path)) next.delete(node.path)
      else next.add(node.path)
      return next
    })
  }

  // Selecting a search result reveals it in the tree for when the search is cleared.
  const select = (node: TreeNode) => {
    setSelectedPath(node.path)
    if (matcher) {
      setExpanded((current) => {
        const missing = ancestors(node.path).filter((path) => !current.has(path))
        return missing.length === 0 ? current : new Set([...current, ...missing])
      })
    }
  }

  return (
    <div className="contents-browser">
      <ListToolbar
        filter={{
          label: 'Search files',
          placeholder: 'Search by path or glob (*.conf, etc/**)',
          value: query,
          onChange: setQuery,
        }}
        sort={{ value: sort, choices: SORT_CHOICES, onChange: setSort }}
        count={
          matcher
            ? `${pluralize(rows.length, 'match', 'matches')}`
            : `${pluralize(tree.nodes.length - deletedCount, 'entry', 'entries')}${deletedCount > 0 ? `, ${formatCount(deletedCount)} deleted` : ''}`
        }
      >
        {deletedCount > 0 && (
          <>
            <input
              id={deletedId}
              type="checkbox"
              checked={showDeleted}
              onChange={(event) => setShowDeleted(event.target.checked)}
            />
            <label htmlFor={deletedId}>Show deleted files</label>
          </>
        )}
      </ListToolbar>
      <div className="contents-split">
        {rows.length === 0 ? (
          <p className="empty-state">
            {matcher ? `Nothing matches “${deferredQuery}”.` : 'This layer has no files.'}
          </p>
        ) : (
          <FileTree
            label="Files"
            rows={rows}
            flat={matcher !== null}
            expanded={expanded}
            onToggle={toggle}
            selected={selectedPath}
            onSelect={select}
            showLayer={showLayer}
            sort={sort}
            onSort={setSort}
            filter={deferredQuery}
            highlightLayer={highlightLayer}
            findings={findings?.byPath}
          />
        )}
        {selected && (
          <EntryDetails
            key={selected.path}
            node={selected}
            repositoryName={repositoryName}
            layers={layers}
            showLayer={showLayer}
            imageRef={imageRef}
            compareWith={compareWith}
            prefix={prefix}
            findings={findings?.byPath.get(selected.path)}
            findingHref={findings?.href}
          />
        )}
      </div>
    </div>
  )
}

interface EntryDetailsProps {
  node: TreeNode
  repositoryName: string
  layers: readonly Pick<MergedLayer, 'digest' | 'mediaType' | 'size'>[]
  showLayer: boolean
  imageRef: string | null
  compareWith: string | null
  prefix: string
  findings?: PathFindings | undefined
  findingHref?: ((key: string) => string) | undefined
}

function EntryDetails({
  node,
  repositoryName,
  layers,
  showLayer,
  imageRef,
  compareWith,
  prefix,
  findings,
  findingHref,
}: EntryDetailsProps) {
  const connection = useConnection()
  const entry = node.entry
  const headingId = useId()
  const [previewing, setPreviewing] = useState(false)
  const extract = useExtract(prefix)
  const layerIndex = entry?.layer ?? 0
  const descriptor = layers[layerIndex]
  const target: LayerTarget | null = descriptor
    ? {
        repositoryName,
        digest: descriptor.digest,
        mediaType: descriptor.mediaType,
        size: descriptor.size,
      }
    : null
  // A whiteout or an opaque marker is a deletion record: there is nothing to preview or extract.
  const marker = entry?.marker
  const isFile = !marker && (entry?.type === 'file' || entry?.type === 'hardlink')
  const canPreview =
    isFile && target !== null && (entry?.type === 'hardlink' || (entry?.size ?? 0) <= PREVIEW_LIMIT)
  const preview = useQuery({
    ...previewQuery(
      connection,
      target ?? { repositoryName, digest: 'sha256:0', mediaType: '', size: null },
      node.path,
    ),
    enabled: previewing && canPreview,
  })
  // The layer that holds this version: for a deleted path, the one that wrote it before the delete.
  const fromLayer = showLayer && entry ? ` from layer ${layerIndex + 1}` : ''
  const extractable = !marker && target !== null && (node.isDirectory || entry !== null)

  return (
    <aside className="entry-details" aria-labelledby={headingId}>
      <h2 id={headingId}>{node.name}</h2>
      <dl className="facts">
        <dt>Path</dt>
        <dd>
          <code>/{node.path}</code>
        </dd>
        <dt>Type</dt>
        <dd>
          {marker === 'whiteout'
            ? 'whiteout: this layer deletes what the layers below had here'
            : marker === 'opaque'
              ? 'opaque folder: hides what lower layers had here'
              : entry
                ? entry.type
                : 'directory (implied by its files)'}
        </dd>
        {marker !== 'whiteout' && (
          <>
            <dt>Size</dt>
            <dd title={formatExactBytes(node.size)}>
              {formatBytes(node.size)} ({formatExactBytes(node.size)})
            </dd>
          </>
        )}
        {entry && !marker && (
          <>
            <dt>Mode</dt>
            <dd>
              <code>{formatMode(entry.type, entry.mode)}</code> (
              {(entry.mode & 0o7777).toString(8).padStart(4, '0')})
            </dd>
            <dt>Owner</dt>
            <dd>
              {entry.uname || '—'} ({entry.uid}) : {entry.gname || '—'} ({entry.gid})
            </dd>
            <dt>Modified</dt>
            <dd>{formatDateTime(new Date(entry.mtime * 1000).toISOString())}</dd>
            {entry.linkTarget !== undefined && (
              <>
                <dt>{entry.type === 'hardlink' ? 'Hardlink to' : 'Symlink to'}</dt>
                <dd>
                  <code>{entry.linkTarget}</code>
                </dd>
              </>
            )}
            {showLayer && (
              <>
                <dt>Last written by</dt>
                <dd>Layer {entry.layer + 1}</dd>
              </>
            )}
            {entry.deletedBy !== undefined && showLayer && (
              <>
                <dt>Deleted by</dt>
                <dd>Layer {entry.deletedBy + 1}</dd>
              </>
            )}
            {entry.unsafe && (
              <>
                <dt>Unsafe name</dt>
                <dd>{entry.unsafe}: listed where it would land, never extracted as named</dd>
              </>
            )}
          </>
        )}
        {node.isDirectory && (
          <>
            <dt>Contains</dt>
            <dd>
              {pluralize(node.liveCount, 'entry', 'entries')}
              {node.deletedCount > 0 ? `, ${formatCount(node.deletedCount)} deleted` : ''}
            </dd>
          </>
        )}
      </dl>
      {findings && (
        <section className="entry-findings" aria-label={`Findings on ${node.name}`}>
          <p>
            {findings.count === 1
              ? '1 scan finding names this file:'
              : `${formatCount(findings.count)} scan findings name this file:`}
          </p>
          <ul>
            {findings.findings.map((f) => (
              <li key={f.key || f.id}>
                {findingHref && f.key ? <Link to={findingHref(f.key)}>{f.id}</Link> : f.id} (
                {f.severity.toLowerCase()})
              </li>
            ))}
          </ul>
          {findings.caveat && <p className="finding-caveat-text">{findings.caveat}</p>}
        </section>
      )}
      <div className="actions">
        {canPreview && (
          <button type="button" onClick={() => setPreviewing(true)} disabled={previewing}>
            Preview {node.name}
          </button>
        )}
        {extractable && (
          <button
            type="button"
            disabled={extract.isPending}
            onClick={() => target && extract.mutate({ ...target, path: node.path })}
          >
            Extract {node.name}
            {fromLayer}
          </button>
        )}
        {imageRef && compareWith && (
          <Link to={contentsDiffPath(repositoryName, compareWith, imageRef, node.path)}>
            Compare with {compareWith}
          </Link>
        )}
      </div>
      {extract.isPending && <p className="hint">Extracting… choose a folder if asked.</p>}
      {extract.isError && <ErrorPanel error={extract.error} />}
      {extract.data && (
        <div role="status" className="extract-result">
          {extract.data.status === 'cancelled' ? (
            'Extraction cancelled: no folder was chosen.'
          ) : (
            <>
              Extracted <code>{node.name}</code> to <code>{extract.data.path}</code> (
              {pluralize(extract.data.files, 'file', 'files')}, {formatBytes(extract.data.bytes)})
              <SkippedList skipped={extract.data.skipped} />
            </>
          )}
        </div>
      )}
      {isFile && !canPreview && entry && (
        <p className="hint">Larger than 1 MiB: extract it to look inside.</p>
      )}
      {previewing && (
        <section className="preview" aria-label={`Preview of ${node.name}`}>
          {preview.isPending ? (
            <p className="hint">Loading preview…</p>
          ) : preview.isError ? (
            <ErrorPanel error={preview.error} onRetry={() => void preview.refetch()} />
          ) : preview.data.text !== null ? (
            <pre tabIndex={0}>{preview.data.text}</pre>
          ) : (
            <p className="hint">
              {preview.data.tooLarge
                ? 'Larger than 1 MiB: extract it to look inside.'
                : 'A binary file: extract it to look inside.'}
            </p>
          )}
        </section>
      )}
    </aside>
  )
}
