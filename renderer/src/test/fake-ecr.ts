import type { Settings } from '../../../shared/models/settings'
import { buildApi } from '../../../shared/ipc/contract'
import type {
  EcrApi,
  EventChannel,
  InvokeChannel,
  PayloadOf,
  RequestOf,
  ResponseOf,
} from '../../../shared/ipc/contract'
import { AppErrorException } from '../../../shared/ipc/result'
import type { AppError } from '../../../shared/ipc/result'
import type { ConnectionState } from '../../../shared/models/connection'
import type { Repository } from '../../../shared/models/repository'

/** A fake main process: each channel answers from a handler; throw AppErrorException to fail. */
export type FakeHandlers = {
  [C in InvokeChannel]?: (request: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>
}

export interface FakeEcr {
  api: EcrApi
  /** Every invoke, in order. */
  calls: Array<{ channel: InvokeChannel; request: unknown }>
  /** The requests made on one channel. */
  requests<C extends InvokeChannel>(channel: C): RequestOf<C>[]
  /** Sends an event to the renderer's listeners. */
  emit<E extends EventChannel>(channel: E, payload: PayloadOf<E>): void
  /** How many listeners are subscribed to an event. */
  listenerCount(channel: EventChannel): number
  handlers: FakeHandlers
}

/** Builds window.ecr through the contract's own buildApi, so the fake has exactly its methods. */
export function fakeEcr(handlers: FakeHandlers): FakeEcr {
  const calls: FakeEcr['calls'] = []
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>()
  const api = buildApi(
    async (channel, request) => {
      calls.push({ channel, request })
      const handler = handlers[channel] as ((request: unknown) => unknown) | undefined
      if (!handler) {
        return { ok: false, error: { code: 'Unknown', message: `No fake for ${channel}` } }
      }
      try {
        return { ok: true, value: await handler(request) }
      } catch (error) {
        if (error instanceof AppErrorException) return { ok: false, error: error.error }
        throw error
      }
    },
    (channel, listener) => {
      const set = listeners.get(channel) ?? new Set()
      set.add(listener)
      listeners.set(channel, set)
      return () => set.delete(listener)
    },
  )
  return {
    api,
    calls,
    handlers,
    requests: <C extends InvokeChannel>(channel: C) =>
      calls.filter((call) => call.channel === channel).map((call) => call.request as RequestOf<C>),
    emit: (channel, payload) => listeners.get(channel)?.forEach((listener) => listener(payload)),
    listenerCount: (channel) => listeners.get(channel)?.size ?? 0,
  }
}

/** Throws the AppError the way a handler reports a failure. */
export function fail(error: AppError): never {
  throw new AppErrorException(error)
}

export const awsConnection: ConnectionState = {
  kind: 'aws',
  profile: null,
  region: 'eu-west-1',
  credentialsFound: true,
  showWelcome: false,
  endpoint: null,
  registryId: null,
}

export const demoConnection: ConnectionState = {
  kind: 'demo',
  profile: null,
  region: 'us-east-1',
  credentialsFound: true,
  showWelcome: false,
  endpoint: 'http://127.0.0.1:4510',
  registryId: null,
}

/** `count` repositories named repo-00000…, created one hour apart (repo-00000 oldest). */
export function makeRepositories(count: number, prefix = 'repo'): Repository[] {
  return Array.from({ length: count }, (_, index) => {
    const name = `${prefix}-${String(index).padStart(5, '0')}`
    return {
      repositoryName: name,
      repositoryArn: `arn:aws:ecr:eu-west-1:123456789012:repository/${name}`,
      repositoryUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${name}`,
      registryId: '123456789012',
      createdAt: new Date(Date.UTC(2024, 0, 1) + index * 3_600_000).toISOString(),
      imageTagMutability: index % 2 === 0 ? 'MUTABLE' : 'IMMUTABLE',
      scanOnPush: index % 3 === 0,
      encryptionType: 'AES256',
    }
  })
}

/** A listRepositories handler that pages through `repositories` like ECR, with numeric tokens. */
export function pagedRepositories(repositories: Repository[]) {
  return (request: RequestOf<'ecr:list-repositories'>): ResponseOf<'ecr:list-repositories'> => {
    const start = request.nextToken ? Number(request.nextToken) : 0
    const size = request.maxResults ?? 100
    const end = start + size
    return {
      items: repositories.slice(start, end),
      nextToken: end < repositories.length ? String(end) : null,
    }
  }
}

/**
 * jsdom does no layout, so every element is 0×0 and the virtualizer would render no rows. This
 * gives the table's scroll box a fixed 600×1000 viewport (about 18 rows of 34 px), which is what
 * the virtualizer reads (clientHeight/clientWidth). Returns a restore function.
 */
export function giveTableAViewport(): () => void {
  const height = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight')
  const width = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth')
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('table-scroll') ? 600 : 0
    },
  })
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('table-scroll') ? 1000 : 0
    },
  })
  // jsdom defines both on Element.prototype; the overrides shadow them on HTMLElement.prototype.
  const restore = (name: 'clientHeight' | 'clientWidth', original?: PropertyDescriptor) => {
    if (original) Object.defineProperty(HTMLElement.prototype, name, original)
    else Reflect.deleteProperty(HTMLElement.prototype, name)
  }
  return () => {
    restore('clientHeight', height)
    restore('clientWidth', width)
  }
}

/** Settings as a fresh install has them, with overrides. */
export function defaultSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    connection: null,
    repositorySort: 'name',
    registryByProfile: {},
    tagStatus: 'ANY',
    imageSort: 'pushed',
    downloadDir: null,
    checkForUpdates: true,
    downloadConcurrency: 3,
    pickedFolders: [],
    trustedKeys: [],
    ...overrides,
  }
}
