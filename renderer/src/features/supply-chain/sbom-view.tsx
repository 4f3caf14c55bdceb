import { useQuery } from '@tanstack/react-query'
import { useId, useMemo, useState } from 'react'
import type { CSSProperties } from 'react'
import { Link } from 'react-router'
import type { SbomDocument } from '../../../../shared/models/supply-chain'
import { sbomQuery } from '../../api/supply-chain'
import { formatCount, formatDateTime, pluralize } from '../../components/format'
import { ListToolbar } from '../../components/toolbar'
import { VirtualTable, type Column } from '../../components/virtual-table'
import { useConnection } from '../connection/use-connection'
import { filterPackages, packageRows, type PackageRow } from './sbom-model'
import { ArtifactQueryState } from './artifact-query-state'

// The table is as tall as its rows, up to this many, then scrolls (virtualized).
const VISIBLE_ROWS = 12

interface SbomViewProps {
  repositoryName: string
  digest: string
  /** The package in `?package=`, opened below the table. */
  packageParam: string | null
  packageHref: (key: string) => string
  filesHref: (path: string) => string
}

/** An SBOM: who made it and when, then its packages, searchable, each with its files in the image. */
export function SbomView({
  repositoryName,
  digest,
  packageParam,
  packageHref,
  filesHref,
}: SbomViewProps) {
  const connection = useConnection()
  const query = useQuery(sbomQuery(connection, repositoryName, digest))
  if (!query.isSuccess) return <ArtifactQueryState query={query} reading="Reading the SBOM…" />
  return (
    <SbomDocumentView
      sbom={query.data}
      packageParam={packageParam}
      packageHref={packageHref}
      filesHref={filesHref}
    />
  )
}

const formatName = (sbom: SbomDocument) =>
  sbom.format === 'SPDX'
    ? sbom.specVersion.replace(/^SPDX-/, 'SPDX ')
    : `CycloneDX ${sbom.specVersion}`

function SbomDocumentView({
  sbom,
  packageParam,
  packageHref,
  filesHref,
}: {
  sbom: SbomDocument
  packageParam: string | null
  packageHref: (key: string) => string
  filesHref: (path: string) => string
}) {
  const [search, setSearch] = useState('')
  const all = useMemo(() => packageRows(sbom.packages), [sbom.packages])
  const rows = useMemo(() => filterPackages(all, search), [all, search])
  const opened = all.find((r) => r.key === packageParam) ?? null

  const columns: Column<PackageRow>[] = [
    {
      header: 'Name',
      className: 'cell-name',
      title: (r) => r.pkg.name,
      cell: (r) => (
        <Link to={packageHref(r.key)} aria-label={`${r.pkg.name} ${r.pkg.version ?? ''}`.trim()}>
          {r.pkg.name}
        </Link>
      ),
    },
    {
      header: 'Version',
      title: (r) => r.pkg.version ?? undefined,
      cell: (r) => r.pkg.version ?? '—',
    },
    {
      header: 'Licence',
      title: (r) => r.pkg.licence ?? undefined,
      cell: (r) => r.pkg.licence ?? '—',
    },
    {
      header: 'purl',
      title: (r) => r.pkg.purl ?? undefined,
      cell: (r) => (r.pkg.purl ? <code>{r.pkg.purl}</code> : '—'),
    },
    {
      header: 'Supplier',
      title: (r) => r.pkg.supplier ?? undefined,
      cell: (r) => r.pkg.supplier ?? '—',
    },
    {
      header: 'Files',
      cell: (r) => (r.pkg.files.length === 0 ? '—' : formatCount(r.pkg.files.length)),
    },
  ]
  const height = {
    '--sbom-rows': Math.max(1, Math.min(rows.length, VISIBLE_ROWS)),
  } as CSSProperties

  return (
    <div className="sbom">
      <dl className="facts">
        <dt>Format</dt>
        <dd>{formatName(sbom)}</dd>
        {sbom.name && (
          <>
            <dt>Document</dt>
            <dd>{sbom.name}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>
          {sbom.created ? (
            <time dateTime={sbom.created}>{formatDateTime(sbom.created)}</time>
          ) : (
            'The document does not say'
          )}
        </dd>
        <dt>Creators</dt>
        <dd>
          {sbom.creators.length === 0 ? (
            'The document names none'
          ) : (
            <ul className="plain-list">
              {sbom.creators.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Packages</dt>
        <dd>
          {formatCount(sbom.packageCount)}
          {sbom.truncated &&
            `; the table holds the first ${formatCount(sbom.packages.length)}, the rest are left out to keep the app responsive`}
          {sbom.skipped > 0 &&
            `; ${pluralize(sbom.skipped, 'malformed entry was', 'malformed entries were')} skipped`}
        </dd>
      </dl>
      <ListToolbar
        filter={{
          label: 'Filter packages',
          placeholder: 'Name, licence, purl, file…',
          value: search,
          onChange: setSearch,
        }}
        count={`${formatCount(rows.length)} of ${formatCount(all.length)} packages`}
      />
      {rows.length === 0 ? (
        <p className="empty-state">
          {all.length === 0
            ? 'The SBOM lists no packages.'
            : `No package matches “${search}”. Clear the filter to see all ${formatCount(all.length)}.`}
        </p>
      ) : (
        <div className="sbom-table-box" style={height}>
          <VirtualTable
            label="Packages"
            className="sbom-packages"
            rows={rows}
            columns={columns}
            rowKey={(r) => r.key}
            rowPath={(r) => packageHref(r.key)}
          />
        </div>
      )}
      {opened && <PackageDetail row={opened} filesHref={filesHref} />}
    </div>
  )
}

function PackageDetail({
  row,
  filesHref,
}: {
  row: PackageRow
  filesHref: (path: string) => string
}) {
  const { pkg } = row
  const headingId = useId()
  const title = pkg.version ? `${pkg.name} ${pkg.version}` : pkg.name
  return (
    <section className="sbom-package" aria-labelledby={headingId}>
      <h3 id={headingId}>{`Package ${title}`}</h3>
      <dl className="facts">
        <dt>Licence</dt>
        <dd>{pkg.licence ?? 'Not stated'}</dd>
        <dt>purl</dt>
        <dd>{pkg.purl ? <code>{pkg.purl}</code> : 'Not stated'}</dd>
        <dt>Supplier</dt>
        <dd>{pkg.supplier ?? 'Not stated'}</dd>
      </dl>
      {pkg.files.length === 0 ? (
        <p className="hint">The SBOM lists no files for this package.</p>
      ) : (
        <>
          <p>{`The SBOM says ${pluralize(pkg.files.length, 'file', 'files')} in the image belong to it:`}</p>
          <ul className="sbom-files" aria-label={`Files of ${pkg.name}`}>
            {pkg.files.map((file) => (
              <li key={file}>
                <Link to={filesHref(file)} aria-label={`Show /${file} in the files`}>
                  <code>/{file}</code>
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
