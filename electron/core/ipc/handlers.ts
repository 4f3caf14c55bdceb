import { INVOKE_CHANNELS } from '../../../shared/ipc/channels'
import type { InvokeChannel, ParsedRequestOf, ResponseOf } from '../../../shared/ipc/contract'

/** The answer to one channel: its parsed request in (the contract's type), its result out. */
export type Handler<C extends InvokeChannel> = (
  request: ParsedRequestOf<C>,
) => Promise<ResponseOf<C>>

/** One implementation per contract channel; the type makes a missing one a compile error. */
export type Handlers = { [C in InvokeChannel]: Handler<C> }

/** The service a channel belongs to: the part of its name before the colon. */
export type PrefixOf<C extends string> = C extends `${infer P}:${string}` ? P : never

/** Every service prefix of the contract (`connection`, `ecr`, `downloads`, …). */
export type ServicePrefix = PrefixOf<InvokeChannel>

/** The channels of one service: those named `<prefix>:…`. */
export type ChannelsOf<P extends ServicePrefix> = Extract<InvokeChannel, `${P}:${string}`>

/**
 * What a service registers: a handler for each channel of its own prefix, and no other. A
 * service's `handlers()` returns this, so a channel added to the contract under its prefix is a
 * compile error there until the service answers it.
 */
export type HandlersOf<P extends ServicePrefix> = HandlersFor<ChannelsOf<P>>

/** Handlers for exactly these channels. */
export type HandlersFor<C extends InvokeChannel> = { [K in C]: Handler<K> }

/** Every service's table, by prefix: what the composition root hands to the dispatcher. */
export type HandlerTables = { [P in ServicePrefix]: HandlersOf<P> }

/**
 * Merges the services' tables into one channel → handler map. Each channel must sit in the table
 * of its own prefix and be answered exactly once, and every contract channel must be answered:
 * the types say so, and this checks it again at start, where a cast could have hidden a slip.
 */
export function mergeHandlers(tables: HandlerTables): Handlers {
  const merged = new Map<string, unknown>()
  for (const [prefix, table] of Object.entries(tables) as [string, Record<string, unknown>][]) {
    for (const [channel, handler] of Object.entries(table)) {
      if (!channel.startsWith(`${prefix}:`)) {
        throw new Error(`${channel} is answered by the ${prefix} service, not by its own`)
      }
      if (merged.has(channel)) throw new Error(`${channel} is answered twice`)
      if (typeof handler !== 'function') throw new Error(`${channel} has no handler`)
      merged.set(channel, handler)
    }
  }
  const known = new Set<string>(INVOKE_CHANNELS)
  for (const channel of merged.keys()) {
    if (!known.has(channel)) throw new Error(`${channel} is not a contract channel`)
  }
  const missing = INVOKE_CHANNELS.filter((channel) => !merged.has(channel))
  if (missing.length > 0) throw new Error(`no handler for ${missing.join(', ')}`)
  return Object.fromEntries(merged) as Handlers
}
