// The names of every IPC channel, with no schemas: what the sandboxed preload needs, so its bundle
// carries no zod. The contract (contract.ts) gives each channel its request schema and response
// type; `satisfies` there makes a channel missing on either side a compile error, and the contract
// test checks the order too.

/** Every request channel, as `service:action`; the prefix is the service that answers it. */
export const INVOKE_CHANNELS = [
  'connection:get',
  'connection:set',
  'connection:list-profiles',
  'connection:identity',
  'connection:caller-identity',
  'ecr:list-repositories',
  'ecr:describe-repository',
  'connection:set-registry',
  'ecr:list-images',
  'ecr:describe-image',
  'ecr:list-referrers',
  'ecr:signing-status',
  'supply-chain:referrers',
  'supply-chain:sbom',
  'supply-chain:provenance',
  'supply-chain:notation',
  'supply-chain:demo-key',
  'supply-chain:verify',
  'supply-chain:blob',
  'supply-chain:keyless',
  'ecr:get-manifest',
  'ecr:get-config',
  'ecr:check-layers',
  'ecr:list-pull-through-rules',
  'downloads:start',
  'operations:cancel',
  'downloads:url',
  'downloads:verify-file',
  'downloads:list-partials',
  'downloads:discard-partial',
  'dialogs:show-in-folder',
  'dialogs:choose-folder',
  'dialogs:choose-file',
  'downloads:folder',
  'contents:index',
  'contents:index-file',
  'contents:image-filesystem',
  'contents:diff',
  'contents:extract',
  'contents:preview',
  'contents:cache',
  'contents:clear-cache',
  'downloads:history',
  'downloads:clear-history',
  'ecr:scan-findings',
  'ecr:scan-counts',
  'findings:export',
  'export:save-image',
  'export:verify-layout',
  'export:list-unfinished',
  'settings:get',
  'settings:notice',
  'settings:dismiss-notice',
  'settings:add-trusted-key',
  'settings:remove-trusted-key',
  'settings:update',
  'dialogs:capabilities',
  'dialogs:open-external',
] as const

/** Every event from main to the renderer. */
export const EVENT_CHANNELS = [
  'connection:changed',
  'downloads:progress',
  'contents:progress',
  'export:progress',
] as const

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number]
export type EventChannel = (typeof EVENT_CHANNELS)[number]

type CamelCase<S extends string> = S extends `${infer H}:${infer T}`
  ? `${H}${Capitalize<CamelCase<T>>}`
  : S extends `${infer H}-${infer T}`
    ? `${H}${Capitalize<CamelCase<T>>}`
    : S

/** The window.ecr method of a channel: `ecr:list-images` is `ecrListImages`. */
export type MethodOf<C extends string> = CamelCase<C>
/** The window.ecr subscription of an event: `downloads:progress` is `onDownloadsProgress`. */
export type EventMethodOf<E extends string> = `on${Capitalize<CamelCase<E>>}`

const camelCase = (name: string): string =>
  name.replace(/[:-]([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())

/** The window.ecr method of a channel, derived the same way as MethodOf. */
export function methodOf<C extends string>(channel: C): MethodOf<C> {
  return camelCase(channel) as MethodOf<C>
}

/** The window.ecr subscription of an event, derived the same way as EventMethodOf. */
export function eventMethodOf<E extends string>(event: E): EventMethodOf<E> {
  const name = camelCase(event)
  return `on${name.charAt(0).toUpperCase()}${name.slice(1)}` as EventMethodOf<E>
}

/**
 * Builds the window.ecr object from two transports. The preload passes ipcRenderer-based ones, the
 * web bridge passes HTTP/SSE-based ones; both expose exactly one method per channel and event.
 */
export function buildApi(
  invoke: (channel: InvokeChannel, request: unknown) => Promise<unknown>,
  subscribe: (channel: EventChannel, listener: (payload: unknown) => void) => () => void,
): Readonly<Record<string, unknown>> {
  const api: Record<string, unknown> = {}
  for (const channel of INVOKE_CHANNELS) {
    api[methodOf(channel)] = (request: unknown) => invoke(channel, request ?? {})
  }
  for (const event of EVENT_CHANNELS) {
    api[eventMethodOf(event)] = (listener: (payload: unknown) => void) => subscribe(event, listener)
  }
  return Object.freeze(api)
}
