import { describe, expect, it } from 'vitest'
import { INVOKE_CHANNELS } from '../../../shared/ipc/channels'
import { mergeHandlers, type HandlerTables } from './handlers'

// A full set of tables, each answering its own prefix's channels with a handler that names it.
function tables(): Record<string, Record<string, () => Promise<string>>> {
  const byPrefix: Record<string, Record<string, () => Promise<string>>> = {}
  for (const channel of INVOKE_CHANNELS) {
    const prefix = channel.slice(0, channel.indexOf(':'))
    byPrefix[prefix] ??= {}
    byPrefix[prefix][channel] = () => Promise.resolve(channel)
  }
  return byPrefix
}

const merge = (t: Record<string, Record<string, unknown>>) =>
  mergeHandlers(t as unknown as HandlerTables)

describe('mergeHandlers', () => {
  it('answers every contract channel exactly once, with the handler its own service gave', async () => {
    const handlers = merge(tables())
    expect(Object.keys(handlers).sort()).toEqual([...INVOKE_CHANNELS].sort())
    for (const channel of INVOKE_CHANNELS) {
      const handler = handlers[channel] as unknown as () => Promise<string>
      expect(await handler()).toBe(channel)
    }
  })

  it('refuses a channel in the table of another prefix', () => {
    const t = tables()
    const stray = t.ecr!['ecr:list-images']!
    delete t.ecr!['ecr:list-images']
    t.downloads!['ecr:list-images'] = stray
    expect(() => merge(t)).toThrow('ecr:list-images is answered by the downloads service')
  })

  it('refuses a contract channel left unanswered, naming it', () => {
    const t = tables()
    delete t.settings!['settings:get']
    expect(() => merge(t)).toThrow('no handler for settings:get')
  })

  it('refuses a channel the contract does not have, and a handler that is not a function', () => {
    const t = tables()
    t.ecr!['ecr:delete-everything'] = () => Promise.resolve('')
    expect(() => merge(t)).toThrow('ecr:delete-everything is not a contract channel')
    const u: Record<string, Record<string, unknown>> = tables()
    u.connection!['connection:get'] = null
    expect(() => merge(u)).toThrow('connection:get has no handler')
  })
})
