import { buildApi } from '../../shared/ipc/channels'

// Stands in for the preload in a plain browser: the same buildApi, with HTTP for invokes and one
// EventSource for events. The per-run token never reaches this script: the bridge moved it from
// the URL into an HttpOnly, SameSite=Strict cookie that the browser sends with every same-origin
// request, so injected script cannot read it.
const listeners = new Map<string, Set<(payload: unknown) => void>>()
let source: EventSource | null = null

// Belt and braces: the bridge redirects a `?token=` load to the bare page, but if one ever
// arrives here the token is taken out of the address bar and the history at once.
if (new URLSearchParams(location.search).has('token')) {
  history.replaceState(history.state, '', location.pathname + location.hash)
}

function events(): void {
  if (source) return
  source = new EventSource('/__bridge/events')
  source.onmessage = (message: MessageEvent<string>) => {
    const { channel, payload } = JSON.parse(message.data) as { channel: string; payload: unknown }
    for (const listener of listeners.get(channel) ?? []) listener(payload)
  }
}

const api = buildApi(
  async (channel, request) => {
    const response = await fetch(`/__bridge/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
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
