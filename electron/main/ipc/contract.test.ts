import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  EVENT_CHANNELS,
  eventMethodOf,
  INVOKE_CHANNELS,
  methodOf,
} from '../../../shared/ipc/channels'
import { eventContract, invokeChannels, invokeContract } from '../../../shared/ipc/contract'
import { createApp } from '../../core/create-app'
import { Logger } from '../../core/services/logger'
import { fakePlatform } from '../../core/testing/app-harness'
import { registerIpc } from './register'

const exposed = vi.hoisted(() => ({ api: {} }))
const ipcRenderer = vi.hoisted(() => ({
  invoke: vi.fn((..._args: unknown[]) => Promise.resolve({ ok: true, value: null })),
  on: vi.fn(),
  removeListener: vi.fn(),
}))
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: Record<string, unknown>) => {
      if (key === 'ecr') exposed.api = api
    },
  },
  ipcRenderer,
}))

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('the IPC surface', () => {
  it('lists the same channels in the contract, the preload API and the registered handlers', async () => {
    await import('../../preload/index')

    // The names-only table the preload uses lists exactly the contract's channels, in order.
    expect([...INVOKE_CHANNELS]).toEqual(Object.keys(invokeContract))
    expect([...EVENT_CHANNELS]).toEqual(Object.keys(eventContract))
    const contractMethods = [
      ...invokeChannels.map((c) => methodOf(c)),
      ...EVENT_CHANNELS.map((e) => eventMethodOf(e)),
    ]
    expect(Object.keys(exposed.api).sort()).toEqual([...contractMethods].sort())
    expect(new Set(contractMethods).size).toBe(contractMethods.length)

    const registered: string[] = []
    registerIpc({ handle: (channel: string) => void registered.push(channel) }, vi.fn(), () => true)
    expect(registered.sort()).toEqual([...invokeChannels].sort())

    const dataDir = await mkdtemp(join(tmpdir(), 'elb-contract-'))
    dirs.push(dataDir)
    const app = createApp({
      dataDir,
      env: {},
      platform: fakePlatform(dataDir),
      emit: vi.fn(),
      log: new Logger(null),
    })
    expect(app.channels.sort()).toEqual([...invokeChannels].sort())
    // Each channel is answered exactly once, by the table of the service its prefix names.
    const answered = Object.entries(app.tables).flatMap(([prefix, channels]) =>
      channels.map((channel) => {
        expect(channel.startsWith(`${prefix}:`), `${channel} in the ${prefix} table`).toBe(true)
        return channel
      }),
    )
    expect(answered.sort()).toEqual([...invokeChannels].sort())
    expect(Object.keys(app.tables).sort()).toEqual(
      [...new Set(invokeChannels.map((channel) => channel.split(':')[0]))].sort(),
    )
    await app.dispose()
  })

  it('sends each preload method on its own channel and drops the IPC event from events', async () => {
    await import('../../preload/index')
    const api = exposed.api as Record<string, (arg: unknown) => unknown>
    for (const channel of invokeChannels) {
      ipcRenderer.invoke.mockClear()
      await api[methodOf(channel)]!({})
      expect(ipcRenderer.invoke).toHaveBeenCalledWith(channel, {})
    }

    const listener = vi.fn()
    const unsubscribe = api.onConnectionChanged!(listener) as () => void
    const [channel, wrapped] = ipcRenderer.on.mock.calls.at(-1) as [
      string,
      (event: unknown, payload: unknown) => void,
    ]
    expect(channel).toBe('connection:changed')
    wrapped({ sender: 'secret-sender' }, { kind: 'demo' })
    expect(listener).toHaveBeenCalledWith({ kind: 'demo' })
    unsubscribe()
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('connection:changed', wrapped)
  })

  it('answers Forbidden to a sender that is not our window, without dispatching', async () => {
    const handlers = new Map<string, (event: unknown, request: unknown) => unknown>()
    const dispatch = vi.fn()
    registerIpc(
      { handle: (channel: string, fn: never) => void handlers.set(channel, fn) },
      dispatch,
      () => false,
    )
    const result = await handlers.get('ecr:list-repositories')!({}, {})
    expect(result).toMatchObject({ ok: false, error: { code: 'Forbidden' } })
    expect(dispatch).not.toHaveBeenCalled()
  })
})
