import { useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { Link, useLocation } from 'react-router'
import { describeError } from '../../../../shared/errors'
import type { Finding, PlatformScan } from '../../../../shared/models/findings'
import type { ImageSummary } from '../../../../shared/models/image'
import { SEVERITIES } from '../../../../shared/models/findings'
import { invoke } from '../../api/ecr'
import { findingsQuery, useExportFindings } from '../../api/findings'
import { imageFilesystemQuery, newOperationPrefix } from '../../api/layer-contents'
import { CopyButton } from '../../components/copy-button'
import { ErrorPanel, MutationErrorPanel } from '../../components/error-panel'
import { formatDate } from '../../components/format'
import { ListToolbar } from '../../components/toolbar'
import { VirtualTable, type Column } from '../../components/virtual-table'
import { useConnection } from '../connection/use-connection'
import { contentsImagePath } from '../layer-contents/routes'
import { FindingsCompare } from './findings-compare'
import {
  NO_FILTER,
  fateSentence,
  filterRows,
  findingRows,
  findingsMarkdown,
  findingsPerLayer,
  normalisePath,
  sortRows,
  type FindingRow,
  type FindingsFilter,
  type SortKey,
} from './findings-model'
import './findings.css'
import { shortDigest, shortHex } from '../images/labels'

interface FindingsPanelProps {
  repositoryName: string
  /** The digest in the URL: the image, or the index. */
  imageDigest: string
  /** The manifest on screen (a platform's, for an index): its scan is shown. */
  manifestDigest: string | null
  /** The layers of the manifest on screen, in order. */
  layers: readonly { digest: string }[]
  /** The image's DescribeImages entry (tags, push time), for comparing with another tag. */
  summary?: ImageSummary | undefined
  /** The tab's own URL state (`finding`, `findingsLayer`, `findingsWith`). */
  param: (name: string) => string | null
  setParam: (name: string, value: string | null) => void
}

const SORTS = [
  { value: 'severity', label: 'Severity' },
  { value: 'score', label: 'Score' },
  { value: 'id', label: 'Vulnerability' },
  { value: 'package', label: 'Package' },
  { value: 'lastObservedAt', label: 'Last observed' },
] as const satisfies readonly { value: SortKey; label: string }[]

/**
 * A file in the image's file tree, selected: in one layer on its own (`layer`, only that layer's
 * entries) or in the final, merged image (`null`).
 */
function fileInImagePath(
  repositoryName: string,
  digest: string,
  layer: number | null,
  filePath: string,
): string {
  const base = contentsImagePath(repositoryName, digest, layer)
  const query = new URLSearchParams()
  if (layer !== null) query.set('only', '1')
  query.set('path', normalisePath(filePath))
  return `${base}${base.includes('?') ? '&' : '?'}${query.toString()}`
}

const yesNo = (value: string | null) =>
  value === 'YES' ? 'Yes' : value === 'NO' ? 'No' : value === 'PARTIAL' ? 'Partial' : '—'

const installed = (f: Finding) => {
  const p = f.packages[0]
  if (!p?.version) return '—'
  return p.release ? `${p.version}-${p.release}` : p.version
}

/** The Findings tab: the scan status in words, a filterable table, and a finding's detail. */
export function FindingsPanel(props: FindingsPanelProps) {
  const connection = useConnection()
  const query = useQuery(findingsQuery(connection, props.repositoryName, props.imageDigest))
  if (query.isPending) return <p className="findings-loading">Reading the scan findings…</p>
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
  const scans = query.data.scans
  const scan = scans.find((s) => s.imageDigest === props.manifestDigest) ?? scans[0] ?? null
  if (!scan) return <p>This index lists no platform images to scan.</p>
  return <ScanView {...props} scan={scan} />
}

function ScanView({
  repositoryName,
  imageDigest,
  layers,
  summary,
  param,
  setParam,
  scan,
}: FindingsPanelProps & { scan: PlatformScan }) {
  const location = useLocation()
  const [filter, setFilter] = useState<FindingsFilter>(NO_FILTER)
  const [sort, setSort] = useState<SortKey>('severity')
  const layerFilter = param('findingsLayer')
  const effective = { ...filter, layer: layerFilter }
  const allRows = useMemo(
    () => findingRows({ imageDigest, isIndex: false, scans: [scan] }),
    [imageDigest, scan],
  )
  const rows = useMemo(
    () => sortRows(filterRows(allRows, effective), sort, sort === 'score' ? 'desc' : 'asc'),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `effective` is rebuilt each render from these
    [allRows, filter, layerFilter, sort],
  )
  const layerIndex = (digest: string | null) =>
    digest === null ? -1 : layers.findIndex((l) => l.digest === digest)
  const layerName = (digest: string) => {
    const i = layerIndex(digest)
    return i === -1 ? shortDigest(digest) : `layer ${i + 1} (${shortHex(digest)})`
  }
  const managers = useMemo(
    () =>
      [...new Set(allRows.flatMap((r) => r.finding.packages.map((p) => p.packageManager ?? '')))]
        .filter(Boolean)
        .sort(),
    [allRows],
  )
  const perLayer = useMemo(() => findingsPerLayer(scan), [scan])
  const selected = allRows.find((r) => r.key === param('finding')) ?? null
  const exportFindings = useExportFindings()

  const rowPath = (row: FindingRow) => {
    const search = new URLSearchParams(location.search)
    search.set('finding', row.key)
    return `${location.pathname}?${search.toString()}`
  }
  const toggle = <V extends string>(set: ReadonlySet<V>, value: V): ReadonlySet<V> => {
    const next = new Set(set)
    if (next.has(value)) next.delete(value)
    else next.add(value)
    return next
  }

  const columns: Column<FindingRow>[] = [
    {
      header: 'Severity',
      cell: (r) => (
        <span className={`badge severity-${r.finding.severity.toLowerCase()}`}>
          {r.finding.severity}
        </span>
      ),
    },
    {
      header: 'Score',
      title: (r) =>
        r.finding.cvss
          ? `CVSS ${r.finding.cvss.version ?? ''} ${r.finding.cvss.vector ?? ''} (${r.finding.cvss.source ?? 'unknown source'})`
          : undefined,
      cell: (r) => (r.finding.score === null ? '—' : r.finding.score.toFixed(1)),
    },
    { header: 'Vulnerability', cell: (r) => r.finding.id },
    { header: 'Package', cell: (r) => r.finding.packages[0]?.name ?? '—' },
    { header: 'Installed', cell: (r) => installed(r.finding) },
    { header: 'Fixed in', cell: (r) => r.finding.packages[0]?.fixedInVersion ?? '—' },
    { header: 'Fix available', cell: (r) => yesNo(r.finding.fixAvailable) },
    { header: 'Exploit available', cell: (r) => yesNo(r.finding.exploitAvailable) },
    { header: 'Status', cell: (r) => r.finding.status ?? '—' },
    { header: 'First observed', cell: (r) => formatDate(r.finding.firstObservedAt) },
    { header: 'Last observed', cell: (r) => formatDate(r.finding.lastObservedAt) },
  ]

  return (
    <div className="findings">
      <ScanStatusLine scan={scan} />
      {scan.problem === null && (
        <>
          <section className="findings-layers" aria-label="Findings per layer">
            {layers.map((l, i) => {
              const counts = perLayer.get(l.digest)
              if (!counts) return null
              const active = layerFilter === l.digest
              return (
                <button
                  key={l.digest}
                  type="button"
                  aria-pressed={active}
                  onClick={() => setParam('findingsLayer', active ? null : l.digest)}
                >
                  Layer {i + 1}:{' '}
                  {SEVERITIES.filter((s) => counts[s])
                    .map((s) => `${counts[s]} ${s.toLowerCase()}`)
                    .join(', ')}
                </button>
              )
            })}
          </section>
          <ListToolbar
            filter={{
              label: 'Filter findings',
              placeholder: 'CVE, package or file',
              value: filter.search,
              onChange: (search) => setFilter({ ...filter, search }),
            }}
            sort={{ value: sort, choices: SORTS, onChange: setSort }}
            count={`${rows.length} of ${allRows.length} findings`}
            trailing={
              <>
                <CopyButton text={findingsMarkdown(rows, layerName)} label="Copy as Markdown" />
                {(['csv', 'json'] as const).map((format) => (
                  <button
                    key={format}
                    type="button"
                    disabled={exportFindings.isPending}
                    onClick={() =>
                      exportFindings.mutate({
                        repositoryName,
                        imageDigest: scan.imageDigest,
                        format,
                      })
                    }
                  >
                    Export {format.toUpperCase()}
                  </button>
                ))}
              </>
            }
          >
            <fieldset className="findings-filter">
              <legend>Severity</legend>
              {SEVERITIES.map((s) => (
                <label key={s}>
                  <input
                    type="checkbox"
                    checked={filter.severities.has(s)}
                    onChange={() =>
                      setFilter({ ...filter, severities: toggle(filter.severities, s) })
                    }
                  />
                  {s.toLowerCase()}
                </label>
              ))}
            </fieldset>
            <fieldset className="findings-filter">
              <legend>Fix available</legend>
              {(['YES', 'PARTIAL', 'NO'] as const).map((v) => (
                <label key={v}>
                  <input
                    type="checkbox"
                    checked={filter.fixAvailable.has(v)}
                    onChange={() =>
                      setFilter({ ...filter, fixAvailable: toggle(filter.fixAvailable, v) })
                    }
                  />
                  {yesNo(v)}
                </label>
              ))}
            </fieldset>
            {managers.length > 1 && (
              <fieldset className="findings-filter">
                <legend>Package manager</legend>
                {managers.map((m) => (
                  <label key={m}>
                    <input
                      type="checkbox"
                      checked={filter.packageManagers.has(m)}
                      onChange={() =>
                        setFilter({ ...filter, packageManagers: toggle(filter.packageManagers, m) })
                      }
                    />
                    {m}
                  </label>
                ))}
              </fieldset>
            )}
          </ListToolbar>
          {layerFilter !== null && (
            <p className="findings-layer-filter">
              Showing the findings {layerName(layerFilter)} brought in.{' '}
              <button type="button" onClick={() => setParam('findingsLayer', null)}>
                Show all layers
              </button>
            </p>
          )}
          {exportFindings.isSuccess && (
            <p role="status">
              Wrote {exportFindings.data.rows} findings to {exportFindings.data.path}
            </p>
          )}
          <MutationErrorPanel mutation={exportFindings} />
          <VirtualTable
            label="Findings"
            className="findings-table"
            rows={rows}
            columns={columns}
            rowKey={(r) => r.key}
            rowPath={rowPath}
          />
          {selected && (
            <FindingDetail
              row={selected}
              repositoryName={repositoryName}
              manifestDigest={scan.imageDigest}
              layers={layers}
              layerName={layerName}
              onClose={() => setParam('finding', null)}
            />
          )}
          {summary && (
            <FindingsCompare
              repositoryName={repositoryName}
              summary={summary}
              scan={scan}
              chosen={param('findingsWith')}
              onChoose={(ref) => setParam('findingsWith', ref)}
            />
          )}
        </>
      )}
    </div>
  )
}

/** The scan status in words: its catalog entry when there are no findings to show. */
function ScanStatusLine({ scan }: { scan: PlatformScan }) {
  if (scan.problem) {
    const words = describeError(scan.problem)
    return (
      <section className="findings-status" role="status" aria-label="Scan status">
        <h3>{words.title}</h3>
        <p>{words.explanation}</p>
        {scan.statusDescription && <p>ECR says: {scan.statusDescription}</p>}
        <p className="next-step">{words.nextStep}</p>
      </section>
    )
  }
  return (
    <p className="findings-status" role="status" aria-label="Scan status">
      {scan.status === 'ACTIVE' ? 'Enhanced scanning (Amazon Inspector), continuous' : 'Basic scan'}
      {scan.completedAt ? `, completed ${formatDate(scan.completedAt)}` : ''}
      {scan.statusDescription ? ` — ${scan.statusDescription}` : ''}
    </p>
  )
}

function FindingDetail({
  row,
  repositoryName,
  manifestDigest,
  layers,
  layerName,
  onClose,
}: {
  row: FindingRow
  repositoryName: string
  manifestDigest: string
  layers: readonly { digest: string }[]
  layerName: (digest: string) => string
  onClose: () => void
}) {
  const f = row.finding
  const connection = useConnection()
  const [prefix] = useState(newOperationPrefix)
  const withFiles = f.packages.some((p) => p.filePath && p.sourceLayerHash)
  // The merged filesystem says whether a later layer deleted or replaced a finding's file.
  const merged = useQuery({
    ...imageFilesystemQuery(connection, repositoryName, manifestDigest, null, prefix),
    enabled: withFiles,
  })
  const fateOf = (filePath: string, source: string) => {
    if (!merged.data) return null
    const path = normalisePath(filePath)
    const entry = merged.data.entries.find((e) => normalisePath(e.path) === path)
    const from = layers.findIndex((l) => l.digest === source)
    if (!entry) return null
    return fateSentence(entry, from) ?? 'The file is in the final image.'
  }
  return (
    <section className="finding-detail" aria-label={`Finding ${f.id}`}>
      <header>
        <h3>{f.title ?? f.id}</h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {f.url && (
        <p>
          <button
            type="button"
            onClick={() => void invoke('dialogs:open-external', { url: f.url! })}
          >
            Open {f.id} advisory
          </button>
        </p>
      )}
      {f.description && <p className="description">{f.description}</p>}
      <dl className="facts">
        <dt>Severity</dt>
        <dd>{f.severity}</dd>
        {f.cvss && (
          <>
            <dt>CVSS</dt>
            <dd>
              {f.cvss.score.toFixed(1)} (CVSS {f.cvss.version ?? '?'}, source{' '}
              {f.cvss.source ?? 'unknown'}) <code>{f.cvss.vector}</code>
            </dd>
          </>
        )}
        <dt>Fix available</dt>
        <dd>{yesNo(f.fixAvailable)}</dd>
        <dt>Exploit available</dt>
        <dd>{yesNo(f.exploitAvailable)}</dd>
        {f.remediation && (
          <>
            <dt>Remediation</dt>
            <dd>{f.remediation}</dd>
          </>
        )}
      </dl>
      <h4>Affected packages</h4>
      <ul className="finding-packages">
        {f.packages.map((p) => {
          const index = p.sourceLayerHash
            ? layers.findIndex((l) => l.digest === p.sourceLayerHash)
            : -1
          return (
            <li key={`${p.name}|${p.filePath ?? ''}`}>
              <strong>{p.name}</strong> {p.version}
              {p.release ? `-${p.release}` : ''}
              {p.fixedInVersion ? `, fixed in ${p.fixedInVersion}` : ''}
              {p.packageManager ? ` (${p.packageManager})` : ''}
              {p.filePath && (
                <div>
                  File <code>{p.filePath}</code>
                  {p.sourceLayerHash && <> in {layerName(p.sourceLayerHash)}</>}
                  {index !== -1 && (
                    <>
                      {' '}
                      <Link to={fileInImagePath(repositoryName, manifestDigest, index, p.filePath)}>
                        Show in layer
                      </Link>{' '}
                      <Link to={fileInImagePath(repositoryName, manifestDigest, null, p.filePath)}>
                        Show in final image
                      </Link>
                      {p.sourceLayerHash && (
                        <p className="file-fate">
                          {merged.isPending
                            ? 'Checking the later layers…'
                            : (fateOf(p.filePath, p.sourceLayerHash) ?? '')}
                        </p>
                      )}
                    </>
                  )}
                </div>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
