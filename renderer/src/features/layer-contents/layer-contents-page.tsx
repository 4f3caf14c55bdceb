import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useId, useMemo, useState } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import type { ContentsProgress, MergedEntry } from '../../../../shared/models/layer-contents'
import {
  contentsDiffQuery,
  contentsRef,
  imageFilesystemQuery,
  layerIndexQuery,
  newOperationPrefix,
  useContentsProgress,
} from '../../api/layer-contents'
import { imagesQuery } from '../../api/queries'
import { Breadcrumbs as BreadcrumbTrail } from '../../components/breadcrumbs'
import { ErrorPanel } from '../../components/error-panel'
import { formatBytes, formatCount, formatExactBytes, pluralize } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { VirtualTable, type Column } from '../../components/virtual-table'
import { imagePath, repositoryPath } from '../../routes'
import { useConnection } from '../connection/use-connection'
import { toAppError } from '../../api/ecr'
import { ContentsBrowser } from './contents-browser'
import { ExtractWholeLayer } from './extract-whole-layer'
import { CHANGE_LABEL } from './file-tree'
import {
  contentsDiffPath,
  contentsImagePath,
  isDigest,
  parseContentsRoute,
  type LayerRef,
} from './routes'
import type { DiffEntry } from '../../../../shared/models/layer-contents'
import './layer-contents.css'

// A layer too large to list stays so: retrying would read it into the same limit again.
const indexTooLarge = (error: unknown) => toAppError(error).code === 'LayerIndexTooLarge'

/** The /contents/* routes: an image's merged files, one layer, or a diff. */
export function LayerContentsPage() {
  const rest = useParams()['*'] ?? ''
  const [search] = useSearchParams()
  const route = parseContentsRoute(rest, search)
  switch (route.view) {
    case 'image':
      return (
        <ImageContents
          key={`${route.repositoryName}@${route.ref}#${route.layer}`}
          repositoryName={route.repositoryName}
          reference={route.ref}
          layer={route.layer}
        />
      )
    case 'layer':
      return (
        <LayerContents
          key={route.layer.digest}
          repositoryName={route.repositoryName}
          layer={route.layer}
        />
      )
    case 'diff':
      return (
        <DiffView
          repositoryName={route.repositoryName}
          from={route.from}
          to={route.to}
          path={route.path}
        />
      )
    default:
      return <Invalid />
  }
}

function Invalid() {
  usePageReady(true)
  return (
    <main className="contents-page">
      <h1>Page not found</h1>
      <p>
        <Link to="/">All repositories</Link>
      </p>
    </main>
  )
}

function Breadcrumbs({
  repositoryName,
  imageDigest,
}: {
  repositoryName: string
  imageDigest?: string | null
}) {
  return (
    <BreadcrumbTrail
      items={[
        { label: 'All repositories', to: '/' },
        { label: repositoryName, to: repositoryPath(repositoryName) },
        ...(imageDigest
          ? [
              {
                label: imageDigest.slice(0, 19),
                title: imageDigest,
                to: imagePath(repositoryName, imageDigest),
              },
            ]
          : []),
      ]}
    />
  )
}

const PHASE_LABEL: Record<ContentsProgress['phase'], string> = {
  downloading: 'Downloading',
  verifying: 'Verifying',
  indexing: 'Reading',
  merging: 'Merging layers',
  extracting: 'Extracting',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

/** What a long operation is doing, with a Cancel button. */
function ProgressBar({ progress, onCancel }: { progress: ContentsProgress; onCancel: () => void }) {
  const fraction =
    progress.totalBytes && progress.totalBytes > 0
      ? Math.min(1, progress.bytes / progress.totalBytes)
      : null
  const layerText =
    progress.layerCount > 1
      ? ` layer ${progress.layer + 1} of ${progress.layerCount}`
      : ' the layer'
  const label = `${PHASE_LABEL[progress.phase]}${progress.phase === 'merging' ? '' : layerText}`
  return (
    <div className="contents-progress">
      <span>{label}</span>
      <progress aria-label={label} max={1} {...(fraction === null ? {} : { value: fraction })} />
      <span className="hint">
        {formatBytes(progress.bytes)}
        {progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}
        {progress.entries > 0 ? ` · ${pluralize(progress.entries, 'entry', 'entries')}` : ''}
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  )
}

/** Problems with partial layers (a cap, a corrupt or truncated stream), shown above the tree. */
function PartialNotice({ problems }: { problems: { layer: number | null; message: string }[] }) {
  if (problems.length === 0) return null
  return (
    <div className="partial-notice" role="note" aria-label="Incomplete listing">
      <strong>The listing is incomplete.</strong>
      <ul>
        {problems.map((problem, i) => (
          <li key={i}>
            {problem.layer !== null ? `Layer ${problem.layer + 1}: ` : ''}
            {problem.message}
          </li>
        ))}
      </ul>
    </div>
  )
}

function ImageContents({
  repositoryName,
  reference,
  layer,
}: {
  repositoryName: string
  reference: string
  layer: number | null
}) {
  const connection = useConnection()
  const [prefix] = useState(newOperationPrefix)
  const fs = useQuery(imageFilesystemQuery(connection, repositoryName, reference, layer, prefix))
  const { progress, cancel } = useContentsProgress(prefix)
  const tags = useTags(repositoryName)
  usePageReady(fs.status !== 'pending')
  const compareWith = tags.find((tag) => tag !== reference) ?? null
  const title = isDigest(reference)
    ? `${repositoryName}@${reference.slice(0, 19)}`
    : `${repositoryName}:${reference}`
  const data = fs.data

  return (
    <main className="contents-page">
      <Breadcrumbs repositoryName={repositoryName} imageDigest={data?.imageDigest ?? null} />
      <h1>Files of {title}</h1>
      {progress && <ProgressBar progress={progress} onCancel={cancel} />}
      {fs.isPending && !progress && <p className="hint">Loading the image’s layers…</p>}
      {fs.isError && (
        <ErrorPanel
          error={fs.error}
          retrying={fs.isFetching}
          {...(indexTooLarge(fs.error) ? {} : { onRetry: () => void fs.refetch() })}
        />
      )}
      {data && (
        <>
          <dl className="facts contents-summary" aria-label="Summary">
            <dt>Layers</dt>
            <dd>{data.layers.length}</dd>
            <dt>Files</dt>
            <dd>
              {formatBytes(data.liveBytes)} ({formatExactBytes(data.liveBytes)})
            </dd>
            <dt>Wasted space</dt>
            <dd title="Bytes written by a layer and then overwritten or deleted by a later one: they are still downloaded with the image.">
              {formatBytes(data.wastedBytes)} ({formatExactBytes(data.wastedBytes)})
            </dd>
          </dl>
          <nav className="layer-picker" aria-label="Layers">
            <Link
              to={contentsImagePath(repositoryName, reference)}
              aria-current={layer === null ? 'page' : undefined}
            >
              All layers (merged)
            </Link>
            {data.layers.map((l) => (
              <Link
                key={l.index}
                to={contentsImagePath(repositoryName, reference, l.index)}
                aria-current={layer === l.index ? 'page' : undefined}
                title={l.digest}
              >
                Layer {l.index + 1}
                <span className="hint">
                  {' '}
                  {formatBytes(l.size)}
                  {l.wastedBytes > 0 ? ` · ${formatBytes(l.wastedBytes)} wasted` : ''}
                </span>
              </Link>
            ))}
          </nav>
          <PartialNotice
            problems={data.layers
              .filter((l) => l.problem)
              .map((l) => ({ layer: l.index, message: l.problem!.message }))}
          />
          <ContentsBrowser
            repositoryName={repositoryName}
            entries={data.entries}
            layers={data.layers}
            showLayer
            imageRef={reference}
            compareWith={compareWith}
            prefix={prefix}
          />
          {layer === null && data.wasted.length > 0 && <WastedList wasted={data.wasted} />}
          <CompareForm
            repositoryName={repositoryName}
            reference={reference}
            tags={tags}
            layers={data.layers}
          />
        </>
      )}
    </main>
  )
}

function WastedList({ wasted }: { wasted: { path: string; bytes: number; layers: number[] }[] }) {
  const headingId = useId()
  return (
    <section className="wasted" aria-labelledby={headingId}>
      <h2 id={headingId}>Wasted space by path</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Wasted</th>
            <th scope="col">Written by</th>
          </tr>
        </thead>
        <tbody>
          {wasted.slice(0, 20).map((w) => (
            <tr key={w.path}>
              <td>
                <code>/{w.path}</code>
              </td>
              <td className="cell-number" title={formatExactBytes(w.bytes)}>
                {formatBytes(w.bytes)}
              </td>
              <td>{w.layers.map((l) => `layer ${l + 1}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

/** The repository's tags, for comparing one image with another. */
function useTags(repositoryName: string): string[] {
  const connection = useConnection()
  const images = useInfiniteQuery(imagesQuery(connection, repositoryName, 'TAGGED'))
  return useMemo(
    () =>
      (images.data?.pages.flatMap((page) => page.items) ?? [])
        .flatMap((image) => image.tags)
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    [images.data],
  )
}

function CompareForm({
  repositoryName,
  reference,
  tags,
  layers,
}: {
  repositoryName: string
  reference: string
  tags: string[]
  layers: { index: number; digest: string; mediaType: string; size: number }[]
}) {
  const navigate = useNavigate()
  const headingId = useId()
  const withId = useId()
  const fromLayerId = useId()
  const toLayerId = useId()
  const others = tags.filter((tag) => tag !== reference)
  const [other, setOther] = useState<string>('')
  const [fromLayer, setFromLayer] = useState(0)
  const [toLayer, setToLayer] = useState(Math.max(0, layers.length - 1))
  const chosen = other || others[0] || ''
  const ref = (i: number): LayerRef => ({
    digest: layers[i]!.digest,
    mediaType: layers[i]!.mediaType,
    size: layers[i]!.size,
  })
  return (
    <section className="compare" aria-labelledby={headingId}>
      <h2 id={headingId}>Compare</h2>
      {others.length > 0 && (
        <form
          onSubmit={(event) => {
            event.preventDefault()
            void navigate(contentsDiffPath(repositoryName, chosen, reference))
          }}
        >
          <label htmlFor={withId}>Compare with tag</label>
          <select id={withId} value={chosen} onChange={(event) => setOther(event.target.value)}>
            {others.map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </select>
          <button type="submit">Compare tags</button>
        </form>
      )}
      {layers.length > 1 && (
        <form
          onSubmit={(event) => {
            event.preventDefault()
            void navigate(contentsDiffPath(repositoryName, ref(fromLayer), ref(toLayer)))
          }}
        >
          <label htmlFor={fromLayerId}>From layer</label>
          <select
            id={fromLayerId}
            value={fromLayer}
            onChange={(event) => setFromLayer(Number(event.target.value))}
          >
            {layers.map((l) => (
              <option key={l.index} value={l.index}>
                Layer {l.index + 1}
              </option>
            ))}
          </select>
          <label htmlFor={toLayerId}>To layer</label>
          <select
            id={toLayerId}
            value={toLayer}
            onChange={(event) => setToLayer(Number(event.target.value))}
          >
            {layers.map((l) => (
              <option key={l.index} value={l.index}>
                Layer {l.index + 1}
              </option>
            ))}
          </select>
          <button type="submit">Compare layers</button>
        </form>
      )}
    </section>
  )
}

function LayerContents({ repositoryName, layer }: { repositoryName: string; layer: LayerRef }) {
  const connection = useConnection()
  const [prefix] = useState(newOperationPrefix)
  const index = useQuery(layerIndexQuery(connection, { repositoryName, ...layer }, prefix))
  const { progress, cancel } = useContentsProgress(prefix)
  usePageReady(index.status !== 'pending')
  const tooLarge = index.isError && indexTooLarge(index.error)
  const entries = useMemo<MergedEntry[]>(
    () =>
      (index.data?.entries ?? []).map((entry) => ({
        ...entry,
        type: entry.type === 'whiteout' || entry.type === 'opaque' ? 'file' : entry.type,
        layer: 0,
        change: entry.type === 'whiteout' || entry.type === 'opaque' ? 'deleted' : 'added',
      })),
    [index.data],
  )
  return (
    <main className="contents-page">
      <Breadcrumbs repositoryName={repositoryName} />
      <h1>
        Files of layer <code>{layer.digest.slice(0, 19)}</code>
      </h1>
      {progress && <ProgressBar progress={progress} onCancel={cancel} />}
      {index.isError && tooLarge && (
        <>
          {/* Retrying reads the same layer into the same limit: offer the extraction instead. */}
          <ErrorPanel error={index.error} />
          <ExtractWholeLayer layer={{ repositoryName, ...layer }} prefix={prefix} />
        </>
      )}
      {index.isError && !tooLarge && (
        <ErrorPanel
          error={index.error}
          retrying={index.isFetching}
          onRetry={() => void index.refetch()}
        />
      )}
      {index.data && (
        <>
          <dl className="facts contents-summary" aria-label="Summary">
            <dt>Compression</dt>
            <dd>
              {index.data.compression === 'none' ? 'none (plain tar)' : index.data.compression}
            </dd>
            <dt>Entries</dt>
            <dd>{formatCount(index.data.entries.length)}</dd>
            <dt>Files</dt>
            <dd>{formatBytes(index.data.fileBytes)}</dd>
          </dl>
          <PartialNotice
            problems={
              index.data.problem ? [{ layer: null, message: index.data.problem.message }] : []
            }
          />
          <ExtractWholeLayer
            layer={{ repositoryName, ...layer }}
            prefix={prefix}
            label="Extract the whole layer"
            primary={false}
          />
          <ContentsBrowser
            repositoryName={repositoryName}
            entries={entries}
            layers={[{ digest: layer.digest, mediaType: layer.mediaType, size: layer.size ?? 0 }]}
            showLayer={false}
            imageRef={null}
            compareWith={null}
            prefix={prefix}
          />
        </>
      )}
    </main>
  )
}

const describeSide = (side: string | LayerRef | null) =>
  side === null ? '—' : typeof side === 'string' ? side : `layer ${side.digest.slice(7, 19)}`

function DiffView({
  repositoryName,
  from,
  to,
  path,
}: {
  repositoryName: string
  from: string | LayerRef | null
  to: string | LayerRef | null
  path: string | null
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
  const toImage = typeof to === 'string' ? to : null

  return (
    <main className="contents-page">
      <Breadcrumbs repositoryName={repositoryName} />
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
              rowPath={(entry) =>
                toImage
                  ? contentsImagePath(
                      repositoryName,
                      entry.status === 'deleted' && typeof from === 'string' ? from : toImage,
                    )
                  : '#'
              }
            />
          )}
        </>
      )}
    </main>
  )
}
