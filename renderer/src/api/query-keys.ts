import type { ConnectionState } from '../../../shared/models/connection'
import type { TagStatus } from '../../../shared/models/image'

/** What identifies a registry: data fetched under one connection never shows under another. */
export interface ConnectionKey {
  kind: ConnectionState['kind']
  profile: string | null
  region: string
  endpoint: string | null
  /** Another account's registry, or null for the caller's own. */
  registryId: string | null
}

/** Reduces a connection to the fields that decide which registry answers. */
export function connectionKey(connection: ConnectionState): ConnectionKey {
  return {
    kind: connection.kind,
    profile: connection.kind === 'demo' ? null : connection.profile,
    region: connection.region,
    endpoint: connection.endpoint,
    registryId: connection.registryId,
  }
}

/** The one query-key factory. Everything read from a registry sits under ['registry', key]. */
export const queryKeys = {
  connection: () => ['connection'] as const,
  profiles: () => ['profiles'] as const,
  settings: () => ['settings'] as const,
  /** What main has to tell the user once about settings.json. */
  settingsNotice: () => ['settings-notice'] as const,
  /** Where downloads go now (the override, the setting or the OS folder). */
  downloadFolder: () => ['download-folder'] as const,
  /** The downloads of this and earlier runs, kept in the data folder. */
  downloadHistory: () => ['download-history'] as const,
  /** What the shell can do (file manager, folder and file dialogs). */
  capabilities: () => ['capabilities'] as const,
  /** .partial files an earlier run left behind. */
  partials: () => ['partials'] as const,
  registry: (connection: ConnectionKey) => ['registry', connection] as const,
  identity: (connection: ConnectionKey) => ['registry', connection, 'identity'] as const,
  callerIdentity: (connection: ConnectionKey) =>
    ['registry', connection, 'caller-identity'] as const,
  repositories: (connection: ConnectionKey) => ['registry', connection, 'repositories'] as const,
  repository: (connection: ConnectionKey, repositoryName: string) =>
    ['registry', connection, 'repository', repositoryName] as const,
  pullThroughRules: (connection: ConnectionKey) =>
    ['registry', connection, 'pull-through-rules'] as const,
  images: (connection: ConnectionKey, repositoryName: string, tagStatus: TagStatus) =>
    ['registry', connection, 'repository', repositoryName, 'images', tagStatus] as const,
  image: (connection: ConnectionKey, repositoryName: string, imageDigest: string) =>
    ['registry', connection, 'repository', repositoryName, 'image', imageDigest] as const,
  // Manifests, configs and layer digests are content-addressed: a digest always names the same
  // bytes, so these never go stale; they are still per registry (access can differ).
  manifest: (connection: ConnectionKey, repositoryName: string, digest: string) =>
    ['registry', connection, 'repository', repositoryName, 'manifest', digest] as const,
  config: (connection: ConnectionKey, repositoryName: string, digest: string) =>
    ['registry', connection, 'repository', repositoryName, 'config', digest] as const,
  layerAvailability: (connection: ConnectionKey, repositoryName: string, manifestDigest: string) =>
    ['registry', connection, 'repository', repositoryName, 'layers', manifestDigest] as const,
  /** An image's scan findings (DescribeImageScanFindings, every page, per platform child). */
  findings: (connection: ConnectionKey, repositoryName: string, imageDigest: string) =>
    ['registry', connection, 'repository', repositoryName, 'findings', imageDigest] as const,
  /** An image manifest's findings by severity only, for the images list's Findings column. */
  scanCounts: (connection: ConnectionKey, repositoryName: string, imageDigest: string) =>
    ['registry', connection, 'repository', repositoryName, 'scan-counts', imageDigest] as const,
  /** A pre-signed blob URL: it expires, so it is fetched fresh each time it is shown. */
  downloadUrl: (connection: ConnectionKey, repositoryName: string, digest: string) =>
    ['registry', connection, 'repository', repositoryName, 'download-url', digest] as const,
  /** Layer contents (indexes, merged filesystems, diffs): keyed by digests, so never stale. */
  contents: (
    connection: ConnectionKey,
    repositoryName: string,
    ...what: readonly (string | number | null)[]
  ) => ['registry', connection, 'repository', repositoryName, 'contents', ...what] as const,
}
