import { buildApi } from '../../shared/ipc/contract'

// Stands in for the preload in a plain browser: the same buildApi, with HTTP for invokes and one
// EventSource for events. The per-run token comes from the URL the bridge printed.
const token = new URLSearchParams(location.search).get('token') ?? ''
const listeners = new Map<string, Set<(payload: unknown) => void>>()
let source: EventSource | null = null

function events(): void {
  if (source) return
  source = new EventSource(`/__bridge/events?token=${encodeURIComponent(token)}`)
  source.onmessage = (message: MessageEvent<string>) => {
    const { channel, payload } = JSON.parse(message.data) as { channel: string; payload: unknown }
    for (const listener of listeners.get(channel) ?? []) listener(payload)
  }
}

const api = buildApi(
  async (channel, request) => {
    const response = await fetch(`/__bridge/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bridge-token': token },
      body: JSON.stringify(request),
    })
    return response.json()
  },
  (channel, listener) => {
    events()
    const set = listeners.get(channel) ?? new Set()
    listeners.set(channel, set)
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  },
)

Object.defineProperty(window, 'ecr', { value: api, writable: false, configurable: false })
