import { useQuery } from '@tanstack/react-query'
import { startTransition, useId, useOptimistic, useState } from 'react'
import type { ReactNode } from 'react'
import { Link, useSearchParams } from 'react-router'
import {
  configQuery,
  imageQuery,
  layerAvailabilityQuery,
  manifestQuery,
  pullThroughRulesQuery,
  repositoryQuery,
} from '../../api/queries'
import { thrownAppError } from '../../api/ecr'
import { Breadcrumbs } from '../../components/breadcrumbs'
import { ErrorPanel } from '../../components/error-panel'
import { ArchivedNotice } from '../images/archived-notice'
import { formatBytes, formatRelative } from '../../components/format'
import { usePageReady } from '../../components/page-ready'
import { useNow } from '../../components/use-now'
import { imageTabPath, repositoryPath } from '../../routes'
import { useConnection } from '../connection/use-connection'
import { manifestTypeLabel, shortDigest } from '../images/labels'
import { archivedReason, ImageDownloads } from '../downloads/layer-actions'
import { LayersTable } from '../layers/layers-table'
import { findPullThroughRule } from '../repositories/pull-through'
import { HistoryList } from './history-list'
import {
  choosePlatform,
  isImageConfig,
  platformLabel,
  type ImageManifestOnly,
} from './image-detail'
import { ImageSummary } from './image-summary'
import { visibleTabs, type ImageTabContext } from './image-tabs'
import { Tabs } from '../../components/tabs'
import { SaveImageDialog } from '../export/save-image-dialog'
import { PlatformPicker } from './platform-picker'
import '../../components/page-header.css'
import './image.css'

interface ImagePageProps {
  repositoryName: string
  imageDigest: string
}

/**
 * One image: BatchGetImage by digest; for an index, the platform in ?platform= (or the first
 * runnable one); then the config blob and layer availability of the image on screen.
 */
export function ImagePage({ repositoryName, imageDigest }: ImagePageProps) {
  const connection = useConnection()
  const [searchParams, setSearchParams] = useSearchParams()
  const now = useNow()
  const repository = useQuery(repositoryQuery(connection, repositoryName))
  const rules = useQuery(pullThroughRulesQuery(connection))
  const summary = useQuery(imageQuery(connection, repositoryName, imageDigest))
  const manifest = useQuery(manifestQuery(connection, repositoryName, imageDigest))

  const index = manifest.data?.kind === 'index' ? manifest.data : null
  // The router commits navigations in a transition, so a controlled radio would snap back to the
  // old platform until the URL update lands; the optimistic value shows the pick at once.
  const [platformParam, showPlatform] = useOptimistic(searchParams.get('platform'))
  const pickPlatform = (digest: string) =>
    startTransition(() => {
      showPlatform(digest)
      setSearchParams({ platform: digest }, { replace: true })
    })
  const platform = index ? choosePlatform(index.platforms, platformParam) : null
  const child = useQuery({
    ...manifestQuery(connection, repositoryName, platform?.digest ?? ''),
    enabled: platform !== null,
  })
  const image: ImageManifestOnly | null =
    manifest.data?.kind === 'image'
      ? manifest.data
      : platform && child.data?.kind === 'image'
        ? child.data
        : null

  const readsConfig = image !== null && isImageConfig(image.config.mediaType)
  const config = useQuery({
    ...configQuery(connection, repositoryName, image?.config.digest ?? '', image?.digest),
    enabled: readsConfig,
  })
  // Foreign layers are not in ECR: asking about them would only report them missing.
  const inRegistry = image?.layers.filter((layer) => !layer.foreign) ?? []
  const availability = useQuery({
    ...layerAvailabilityQuery(
      connection,
      repositoryName,
      image?.digest ?? '',
      inRegistry.slice(0, 1000).map((layer) => layer.digest),
    ),
    enabled: inRegistry.length > 0,
  })

  usePageReady(
    !manifest.isPending &&
      !summary.isPending &&
      !repository.isPending &&
      !child.isLoading &&
      !config.isLoading,
  )

  const rule = findPullThroughRule(rules.data, repositoryName)
  const [saving, setSaving] = useState(false)
  const title = summary.data?.tags[0]
    ? `${repositoryName}:${summary.data.tags[0]}`
    : `${repositoryName}@${shortDigest(imageDigest)}`

  // An archived or restoring image's layers cannot be read: their actions say so instead.
  const archived = archivedReason(summary.data?.imageStatus)
  // The config of an archived image fails for the same reason, which the archive note already
  // gives with the restore command; a second panel with Retry would only repeat it.
  const configArchived =
    archived !== null && config.isError && thrownAppError(config.error).code === 'ImageArchived'

  // Tabs of the image (one entry each in IMAGE_TABS): Overview holds what the page always showed.
  const overviewNode = manifest.data ? (
    <>
      {image && (
        <Section title={platform ? `Layers (${platformLabel(platform)})` : 'Layers'}>
          {image.artifactType && <p className="hint">{`Artifact type: ${image.artifactType}`}</p>}
          <ImageDownloads repositoryName={repositoryName} image={image} archived={archived} />
          <LayersTable
            repositoryName={repositoryName}
            imageDigest={image.digest}
            layers={image.layers}
            history={config.data?.history ?? null}
            historyLoading={config.isLoading}
            availability={availability.data}
            availabilityLoading={availability.isLoading}
            archived={archived}
          />
          {availability.isError && (
            <ErrorPanel
              error={availability.error}
              retrying={availability.isFetching}
              onRetry={() => void availability.refetch()}
            />
          )}
        </Section>
      )}

      {summary.data && <ArchivedNotice repositoryName={repositoryName} image={summary.data} />}

      <Section title="Summary">
        {summary.isError && (
          <ErrorPanel
            error={summary.error}
            retrying={summary.isFetching}
            onRetry={() => void summary.refetch()}
          />
        )}
        <ImageSummary
          digest={imageDigest}
          manifest={manifest.data}
          summary={summary.data}
          repositoryUri={repository.data?.repositoryUri ?? null}
          platform={platform}
          image={image}
          config={config.data}
          now={now}
        />
      </Section>

      {config.data && (
        <Section title="History">
          <HistoryList history={config.data.history} now={now} />
        </Section>
      )}
    </>
  ) : null
  const tabContext: ImageTabContext = {
    repositoryName,
    imageDigest,
    image,
    index,
    platform,
    config: config.data,
    summary: summary.data,
    raw: manifest.data?.raw ?? '',
    overview: overviewNode,
    param: (name) => searchParams.get(name),
    tabHref: (tab, params = {}) =>
      imageTabPath(repositoryName, imageDigest, tab, {
        platform: searchParams.get('platform'),
        ...params,
      }),
  }
  const { tabs, selected } = visibleTabs(tabContext, searchParams.get('tab'))

  return (
    <main className="image-page">
      <header className="page-header">
        <Breadcrumbs
          items={[
            { label: 'All repositories', to: '/' },
            { label: repositoryName, to: repositoryPath(repositoryName) },
            { label: shortDigest(imageDigest), title: imageDigest },
          ]}
        />
        <div className="page-title-row">
          <h1 className="page-title">{title}</h1>
          {manifest.data && (
            <button type="button" onClick={() => setSaving(true)}>
              Save image…
            </button>
          )}
        </div>
        {summary.data && (
          <p className="subtitle">
            {[
              manifestTypeLabel(summary.data.manifestMediaType),
              summary.data.sizeInBytes === null ? null : formatBytes(summary.data.sizeInBytes),
              summary.data.pushedAt ? `pushed ${formatRelative(summary.data.pushedAt, now)}` : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
        )}
        {rule && (
          <p className="pull-through">
            Pull-through cache of <code>{rule.upstreamRegistryUrl}</code>
          </p>
        )}
      </header>
      {saving && manifest.data && (
        <SaveImageDialog
          repositoryName={repositoryName}
          imageDigest={imageDigest}
          tag={summary.data?.tags[0] ?? null}
          platforms={index?.platforms ?? null}
          current={platform?.digest ?? null}
          onClose={() => setSaving(false)}
        />
      )}

      {manifest.isPending ? (
        <p className="hint">Loading the manifest…</p>
      ) : manifest.isError ? (
        <ErrorPanel
          actions={
            <Link className="button primary" to={repositoryPath(repositoryName)}>
              {`All images of ${repositoryName}`}
            </Link>
          }
          error={manifest.error}
          retrying={manifest.isFetching}
          onRetry={() => {
            void manifest.refetch()
            if (summary.isError) void summary.refetch()
          }}
        />
      ) : (
        <>
          {index && (
            <PlatformPicker
              platforms={index.platforms}
              selected={platform}
              onSelect={(picked) => pickPlatform(picked.digest)}
            />
          )}

          {index && platform === null && (
            <p className="empty-state">This index has no runnable platform to show.</p>
          )}
          {platform && child.isPending && (
            <p className="hint">{`Loading the ${platformLabel(platform)} manifest…`}</p>
          )}
          {platform && child.isError && (
            <ErrorPanel
              error={child.error}
              retrying={child.isFetching}
              onRetry={() => void child.refetch()}
            />
          )}
          {platform && child.data?.kind === 'index' && (
            <p className="empty-state">
              This platform entry is itself an index; open it by its digest to browse it.
            </p>
          )}

          {config.isError && !configArchived && (
            <ErrorPanel
              error={config.error}
              retrying={config.isFetching}
              onRetry={() => void config.refetch()}
            />
          )}

          <Tabs
            label="Image views"
            tabs={tabs.map((tab) => ({
              id: tab.id,
              label: tab.label,
              ...(tab.badge ? { badge: tab.badge(tabContext) } : {}),
            }))}
            selected={selected.id}
            onSelect={(id) =>
              startTransition(() => {
                const next = new URLSearchParams()
                const keep = searchParams.get('platform')
                if (keep) next.set('platform', keep)
                next.set('tab', id)
                setSearchParams(next)
              })
            }
          >
            {selected.render(tabContext)}
          </Tabs>
        </>
      )}
    </main>
  )
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId()
  return (
    <section className="image-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  )
}
