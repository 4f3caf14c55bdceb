import type { ReactNode } from 'react'
import type {
  ImageConfig,
  ImageManifest,
  ImageSummary as ImageSummaryData,
  PlatformEntry,
} from '../../../../shared/models/image'
import { CopyButton } from '../../components/copy-button'
import { formatBytes, formatExactBytes } from '../../components/format'
import { RelativeTime } from '../../components/time-label'
import { artifactTypeLabel, formatScan, isIndexType, manifestTypeLabel } from '../images/labels'
import {
  dockerPullCommand,
  formatCommand,
  imageUri,
  platformLabel,
  type ImageManifestOnly,
} from './image-detail'

interface ImageSummaryProps {
  digest: string
  manifest: ImageManifest
  /** DescribeImages' entry; undefined while it loads or when it failed. */
  summary: ImageSummaryData | undefined
  repositoryUri: string | null
  /** The platform on screen, for an index. */
  platform: PlatformEntry | null
  /** The manifest of the image on screen (the platform's, for an index). */
  image: ImageManifestOnly | null
  config: ImageConfig | undefined
  now: number
}

/** What the image is and how to pull it; then what the config says about the one on screen. */
export function ImageSummary({
  digest,
  manifest,
  summary,
  repositoryUri,
  platform,
  image,
  config,
  now,
}: ImageSummaryProps) {
  const tags = summary?.tags ?? []
  const byDigest = repositoryUri ? imageUri(repositoryUri, { digest }) : null
  const mediaType = summary?.manifestMediaType ?? manifest.mediaType
  const artifact = artifactTypeLabel(summary?.artifactMediaType ?? null)
  const os = config?.os ?? platform?.os ?? null
  const architecture = config?.architecture ?? platform?.architecture ?? null
  const variant = config?.variant ?? platform?.variant ?? null

  return (
    <div className="summary-grid">
      <div>
        <h3>Image</h3>
        <dl className="facts image-summary">
          <Fact term="Digest">
            <code>{digest}</code>
            <CopyButton text={digest} label="Copy digest" />
          </Fact>
          {platform && (
            <Fact term="Platform digest">
              <code>{platform.digest}</code>
              <CopyButton text={platform.digest} label="Copy platform digest" />
            </Fact>
          )}
          <Fact term="Tags">
            {summary === undefined ? (
              '…'
            ) : tags.length === 0 ? (
              <span className="hint">untagged</span>
            ) : (
              <ul className="tag-list">
                {tags.map((tag) => (
                  <li key={tag}>
                    <code className="tag">{tag}</code>
                    {repositoryUri && (
                      <CopyButton
                        text={imageUri(repositoryUri, { tag })}
                        label={`Copy URI with tag ${tag}`}
                      >
                        Copy URI
                      </CopyButton>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </Fact>
          {byDigest && (
            <>
              <Fact term="Image URI">
                <code>{byDigest}</code>
                <CopyButton text={byDigest} label="Copy URI by digest">
                  Copy URI
                </CopyButton>
              </Fact>
              <Fact term="Pull">
                <code>{dockerPullCommand(byDigest, platform)}</code>
                <CopyButton
                  text={dockerPullCommand(byDigest, platform)}
                  label="Copy docker pull command"
                >
                  Copy
                </CopyButton>
              </Fact>
            </>
          )}
          <Fact term="Media type">
            <span title={mediaType}>{manifestTypeLabel(mediaType)}</span>
            {artifact && (
              <span title={summary?.artifactMediaType ?? undefined}>{` · ${artifact}`}</span>
            )}
            {image && image !== manifest && (
              <span title={image.mediaType}>{` → ${manifestTypeLabel(image.mediaType)}`}</span>
            )}
          </Fact>
          <Fact term="Size">
            {summary?.sizeInBytes != null ? (
              <span title={formatExactBytes(summary.sizeInBytes)}>
                {formatBytes(summary.sizeInBytes)}
                {isIndexType(mediaType) ? ' (largest platform, compressed)' : ' compressed'}
              </span>
            ) : image ? (
              <span title={formatExactBytes(manifestSize(image))}>
                {`${formatBytes(manifestSize(image))} compressed`}
              </span>
            ) : (
              '—'
            )}
          </Fact>
          <Fact term="Pushed">
            <RelativeTime iso={summary?.pushedAt ?? null} now={now} />
          </Fact>
          <Fact term="Last pull">
            <RelativeTime
              iso={summary?.lastRecordedPullTime ?? null}
              now={now}
              empty="None recorded"
            />
          </Fact>
          <Fact term="Scan">
            {formatScan(summary?.scanStatus ?? null, summary?.scanFindings ?? null)}
          </Fact>
        </dl>
      </div>
      {(config || platform) && (
        <div>
          <h3>Configuration</h3>
          <dl className="facts image-summary">
            <Fact term="OS/architecture">
              {platformLabel({ os, architecture, variant, osVersion: platform?.osVersion ?? null })}
            </Fact>
            {config && (
              <>
                <Fact term="Created">
                  <RelativeTime iso={config.created} now={now} />
                </Fact>
                <Fact term="Entrypoint">
                  {config.entrypoint?.length ? (
                    <code>{formatCommand(config.entrypoint)}</code>
                  ) : (
                    '—'
                  )}
                </Fact>
                <Fact term="Cmd">
                  {config.cmd?.length ? <code>{formatCommand(config.cmd)}</code> : '—'}
                </Fact>
                <Fact term="Working dir">
                  {config.workingDir ? <code>{config.workingDir}</code> : '—'}
                </Fact>
                <Fact term="User">{config.user ? <code>{config.user}</code> : '—'}</Fact>
                {config.exposedPorts.length > 0 && (
                  <Fact term="Exposed ports">
                    <code>{config.exposedPorts.join(', ')}</code>
                  </Fact>
                )}
                <Fact term="Env">
                  {config.env.length === 0 ? (
                    '—'
                  ) : (
                    <ul className="plain-list">
                      {config.env.map((entry, index) => (
                        <li key={index}>
                          <code>{entry}</code>
                        </li>
                      ))}
                    </ul>
                  )}
                </Fact>
                <Fact term="Labels">
                  {Object.keys(config.labels).length === 0 ? (
                    '—'
                  ) : (
                    <ul className="plain-list">
                      {Object.entries(config.labels).map(([key, value]) => (
                        <li key={key}>
                          <code>{`${key}=${value}`}</code>
                        </li>
                      ))}
                    </ul>
                  )}
                </Fact>
              </>
            )}
          </dl>
        </div>
      )}
    </div>
  )
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  )
}

function manifestSize(image: ImageManifestOnly): number {
  return image.config.size + image.layers.reduce((sum, layer) => sum + layer.size, 0)
}
