import type { ReactNode } from 'react'
import type {
  ImageConfig,
  ImageManifest,
  ImageSummary,
  PlatformEntry,
} from '../../../../shared/models/image'
import { JsonViewer } from '../../components/json-viewer'
import { FindingsTab } from '../findings/findings-tab'
import { CompareForm } from '../layer-contents/compare-form'
import { archivedReason } from '../downloads/layer-actions'
import { ArchivedNotice } from '../images/archived-notice'
import { ImageFiles } from '../layer-contents/image-files'
import { ReferrerCount, SupplyChainTab } from '../supply-chain/supply-chain-tab'
import type { ImageManifestOnly } from './image-detail'

/** What every tab of the image page can read: the image on screen and what the page loaded. */
export interface ImageTabContext {
  repositoryName: string
  /** The digest in the URL: the image, or the index whose platform is on screen. */
  imageDigest: string
  /** The manifest on screen (the picked platform's, for an index), once loaded. */
  image: ImageManifestOnly | null
  index: Extract<ImageManifest, { kind: 'index' }> | null
  platform: PlatformEntry | null
  config: ImageConfig | undefined
  summary: ImageSummary | undefined
  /** The manifest or index as the registry sent it. */
  raw: string
  /** The Overview tab's content: the page builds it, since it needs the page's queries. */
  overview: ReactNode
  /** The tab's own URL state (`?layer=`, `?path=`…), beside `tab` and `platform`. */
  param: (name: string) => string | null
  /** The URL of a tab of this image with its state (the platform kept). */
  tabHref: (tab: string, params?: Record<string, string | number | null>) => string
}

/** One tab of the image page. Adding a tab is one entry in IMAGE_TABS. */
export interface ImageTab {
  /** Its id in `?tab=`; keep it stable, links use it. */
  id: string
  label: string
  /** The tab's panel. */
  render: (context: ImageTabContext) => ReactNode
  /** Hidden when this says so (e.g. Files for an artifact with no layers). */
  hidden?: (context: ImageTabContext) => boolean
  badge?: (context: ImageTabContext) => ReactNode
}

/** The image to browse the files of: the platform's manifest digest for an index. */
const contentsDigest = (context: ImageTabContext) =>
  context.image?.digest ?? context.platform?.digest ?? context.imageDigest

export const IMAGE_TABS: readonly ImageTab[] = [
  { id: 'overview', label: 'Overview', render: (context) => context.overview },
  {
    id: 'layers',
    label: 'Layers',
    hidden: (context) => context.image === null || context.image.layers.length === 0,
    badge: (context) => context.image?.layers.length,
    render: (context) => <FilesTab context={context} stepping />,
  },
  {
    id: 'files',
    label: 'Files',
    hidden: (context) => context.image === null || context.image.layers.length === 0,
    render: (context) => <FilesTab context={context} stepping={false} />,
  },
  {
    id: 'compare',
    label: 'Compare',
    hidden: (context) => context.image === null,
    render: (context) => (
      <CompareForm
        repositoryName={context.repositoryName}
        reference={contentsDigest(context)}
        referenceTags={context.summary?.tags ?? []}
        layers={(context.image?.layers ?? []).map((layer, index) => ({
          index,
          digest: layer.digest,
          mediaType: layer.mediaType,
          size: layer.size,
        }))}
      />
    ),
  },
  {
    id: 'findings',
    label: 'Findings',
    render: (context) => (
      <FindingsTab
        repositoryName={context.repositoryName}
        imageDigest={context.imageDigest}
        manifestDigest={context.image?.digest ?? context.platform?.digest ?? null}
        layers={context.image?.layers ?? []}
        summary={context.summary}
        param={context.param}
        tabHref={context.tabHref}
      />
    ),
  },
  {
    id: 'supply-chain',
    label: 'Supply chain',
    badge: (context) => (
      <ReferrerCount
        repositoryName={context.repositoryName}
        imageDigest={context.imageDigest}
        index={context.index}
      />
    ),
    render: (context) => (
      <SupplyChainTab
        repositoryName={context.repositoryName}
        imageDigest={context.imageDigest}
        index={context.index}
        param={context.param}
        tabHref={context.tabHref}
      />
    ),
  },
  {
    id: 'manifest',
    label: 'Manifest & config',
    render: (context) => (
      <div className="manifest-tab">
        <JsonViewer title={context.index ? 'Index JSON' : 'Manifest JSON'} raw={context.raw} />
        {context.index && context.image && (
          <JsonViewer title="Manifest JSON" raw={context.image.raw} />
        )}
        {context.config && <JsonViewer title="Config JSON" raw={context.config.raw} />}
      </div>
    ),
  },
]

/**
 * Files (merged) and Layers (stepping as dive does) are one view: a step moves to the Layers tab,
 * "All layers (merged)" to Files, each step a URL of the image page.
 */
function FilesTab({ context, stepping }: { context: ImageTabContext; stepping: boolean }) {
  // An archived or restoring image's layers cannot be read: say so rather than fail on each one.
  const archived = archivedReason(context.summary?.imageStatus)
  if (archived !== null) {
    return context.summary ? (
      <ArchivedNotice repositoryName={context.repositoryName} image={context.summary} />
    ) : null
  }
  const layerParam = context.param('layer')
  const parsed = layerParam === null ? NaN : Number(layerParam)
  const count = context.image?.layers.length ?? 0
  const step = stepping
    ? Number.isInteger(parsed) && parsed >= 0 && parsed < count
      ? parsed
      : 0
    : null
  return (
    <ImageFiles
      repositoryName={context.repositoryName}
      reference={contentsDigest(context)}
      step={step}
      only={stepping && context.param('only') === '1'}
      selectPath={context.param('path')}
      href={(next, only, path) =>
        next === null
          ? context.tabHref('files', { path: path ?? null })
          : context.tabHref('layers', { layer: next, only: only ? 1 : null, path: path ?? null })
      }
    />
  )
}

/** The tabs to show for this image, and which one is selected (Overview when none or unknown). */
export function visibleTabs(context: ImageTabContext, requested: string | null) {
  const tabs = IMAGE_TABS.filter((tab) => !tab.hidden?.(context))
  const selected = tabs.find((tab) => tab.id === requested) ?? tabs[0]!
  return { tabs, selected }
}
