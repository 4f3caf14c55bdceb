import { useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import type { FormEvent } from 'react'
import { dockerArchiveLimits, onePlatformOnly } from '../../../../shared/docker-limits'
import type { ExportFormat } from '../../../../shared/models/export'
import type { PlatformEntry } from '../../../../shared/models/image'
import { downloadFolderQuery } from '../../api/downloads'
import { manifestQuery } from '../../api/queries'
import { useConnection } from '../connection/use-connection'
import { Dialog } from '../../components/dialog'
import { joinPath } from '../downloads/download-format'
import { useDownloads } from '../downloads/downloads-context'
import { exportStore } from './export-store'
import './export.css'
import { shortHex } from '../images/labels'

interface SaveImageDialogProps {
  repositoryName: string
  imageDigest: string
  tag: string | null
  /** The index's platforms, or null for a single-platform image. */
  platforms: readonly PlatformEntry[] | null
  /** The platform on screen, offered first when saving one. */
  current: string | null
  onClose: () => void
}

const FORMATS: { value: ExportFormat; label: string; hint: string }[] = [
  {
    value: 'oci-dir',
    label: 'OCI layout (folder)',
    hint: 'skopeo copy oci:…, umoci, oras, regctl. Keeps every digest.',
  },
  {
    value: 'oci-tar',
    label: 'OCI layout (.tar)',
    hint: 'podman load, skopeo copy oci-archive:…, docker load (Docker Engine 25 and later). Keeps every digest.',
  },
  {
    value: 'docker-archive',
    label: 'docker-archive (.tar, one platform)',
    hint: 'docker load, podman load, skopeo copy docker-archive:…; also an OCI layout. The loaders rebuild the manifest.',
  },
]

/** A name for the saved image: the repository's last part and the tag, safe on every OS. */
function defaultName(repositoryName: string, tag: string | null, digest: string): string {
  const base = repositoryName.split('/').at(-1) ?? 'image'
  return `${base}-${(tag ?? shortHex(digest)).replace(/[^a-zA-Z0-9._-]/g, '_')}`
}

/**
 * "Save image…": the format, one platform or all of them, the referrers, and where. The export
 * runs in main; its progress and Cancel are in the downloads tray, which opens.
 */
export function SaveImageDialog({
  repositoryName,
  imageDigest,
  tag,
  platforms,
  current,
  onClose,
}: SaveImageDialogProps) {
  const folder = useQuery(downloadFolderQuery())
  const downloads = useDownloads()
  const [format, setFormat] = useState<ExportFormat>('oci-dir')
  const runnable = (platforms ?? []).filter((p) => !p.attestation)
  const [platform, setPlatform] = useState<string>(platforms ? 'all' : imageDigest)
  const [includeReferrers, setIncludeReferrers] = useState(true)
  const [target, setTarget] = useState<string | null>(null)
  const targetId = useId()
  const platformId = useId()

  const oneOnly = format === 'docker-archive'
  const chosenPlatform =
    oneOnly && platform === 'all' ? (current ?? runnable[0]?.digest ?? 'all') : platform
  const name = defaultName(repositoryName, tag, imageDigest)
  const suggested = folder.data
    ? joinPath(folder.data.path, format === 'oci-dir' ? name : `${name}.tar`)
    : ''
  const shownTarget = target ?? suggested

  // A docker-archive's limits are said before anything is written, from the chosen manifest.
  const connection = useConnection()
  const dockerSource = useQuery({
    ...manifestQuery(connection, repositoryName, platforms ? chosenPlatform : imageDigest),
    enabled: oneOnly && (platforms === null || chosenPlatform !== 'all'),
  })
  const limits = oneOnly
    ? [
        onePlatformOnly(runnable.length),
        ...(dockerSource.data?.kind === 'image' ? dockerArchiveLimits(dockerSource.data) : []),
      ].filter((l): l is string => l !== null)
    : []

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (shownTarget.trim() === '') return
    void exportStore.start({
      repositoryName,
      ...(tag ? { imageTag: tag } : { imageDigest }),
      platform: platforms ? chosenPlatform : 'all',
      includeReferrers,
      format,
      target: shownTarget.trim(),
    })
    downloads.setPanelOpen(true)
    onClose()
  }

  return (
    <Dialog title="Save image" onClose={onClose} className="save-image-dialog">
      <form onSubmit={submit} className="dialog-form">
        <fieldset>
          <legend>Format</legend>
          {FORMATS.map((f) => (
            <label key={f.value} className="radio">
              <input
                type="radio"
                name="format"
                value={f.value}
                checked={format === f.value}
                onChange={() => {
                  setFormat(f.value)
                  setTarget(null)
                }}
              />
              {f.label} <span className="hint">{f.hint}</span>
            </label>
          ))}
        </fieldset>
        {platforms && (
          <>
            <label htmlFor={platformId}>Platforms</label>
            <select
              id={platformId}
              value={chosenPlatform}
              onChange={(event) => setPlatform(event.target.value)}
            >
              {!oneOnly && <option value="all">All platforms (the index as it is)</option>}
              {runnable.map((p) => (
                <option key={p.digest} value={p.digest}>
                  {[p.os, p.architecture, p.variant].filter(Boolean).join('/')}
                </option>
              ))}
            </select>
          </>
        )}
        {limits.length > 0 && (
          <div className="docker-limits">
            <ul aria-label="What won’t load where">
              {limits.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
            <button
              type="button"
              onClick={() => {
                setFormat('oci-dir')
                setTarget(null)
              }}
            >
              Use an OCI layout instead
            </button>
          </div>
        )}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeReferrers}
            onChange={(event) => setIncludeReferrers(event.target.checked)}
          />
          Include referrers (signatures, SBOMs, attestations)
        </label>
        <label htmlFor={targetId}>Save to</label>
        <input
          id={targetId}
          type="text"
          value={shownTarget}
          onChange={(event) => setTarget(event.target.value)}
          spellCheck={false}
          autoComplete="off"
          required
        />
        <p className="hint">
          {format === 'oci-dir'
            ? 'A new or empty folder. An unfinished export of the same image there is resumed.'
            : 'A new .tar file; it appears only once every blob is verified.'}
        </p>
        <div className="dialog-actions">
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </Dialog>
  )
}
