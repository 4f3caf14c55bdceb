import type { ConnectionState } from '../../../shared/models/connection'

/** What identifies a registry: data fetched under one connection never shows under another. */
export interface ConnectionKey {
  kind: ConnectionState['kind']
  profile: string | null
  region: string
  endpoint: string | null
}

/** Reduces a connection to the fields that decide which registry answers. */
export function connectionKey(connection: ConnectionState): ConnectionKey {
  return {
    kind: connection.kind,
    profile: connection.kind === 'demo' ? null : connection.profile,
    region: connection.region,
    endpoint: connection.endpoint,
  }
}

/** The one query-key factory. Everything read from a registry sits under ['registry', key]. */
export const queryKeys = {
  connection: () => ['connection'] as const,
  profiles: () => ['profiles'] as const,
  settings: () => ['settings'] as const,
  registry: (connection: ConnectionKey) => ['registry', connection] as const,
  identity: (connection: ConnectionKey) => ['registry', connection, 'identity'] as const,
  callerIdentity: (connection: ConnectionKey) =>
    ['registry', connection, 'caller-identity'] as const,
  repositories: (connection: ConnectionKey) => ['registry', connection, 'repositories'] as const,
  repository: (connection: ConnectionKey, repositoryName: string) =>
    ['registry', connection, 'repository', repositoryName] as const,
}
