// Resolves a symlink's target the way the OS would, but relative to an extraction root that it
// may never leave. Unlike `path.normalize('/' + …)`, `..` is never clamped at the root: a target
// that climbs above it is outside, however far it comes back down. Links met on the way are
// followed (as the OS follows them), with a bound on hops so that loops end.

/** The target of the link at `segments` (relative to the root), or null if there is none. */
export type LinkLookup = (segments: readonly string[]) => string | null | Promise<string | null>

/** Where a link leads: inside the root (at `segments`), or outside, with why in words. */
export type Resolution =
  | { inside: true; segments: string[] }
  | { inside: false; reason: string; via?: { path: string; target: string } }

/** Linux gives up after 40 links in one lookup; so do we. */
export const MAX_LINK_HOPS = 40

/** Whether a link target is absolute on POSIX or Windows (`/x`, `\x`, `C:…`). */
export function isAbsoluteTarget(target: string): boolean {
  return target.startsWith('/') || target.startsWith('\\') || /^[a-zA-Z]:/.test(target)
}

function segmentsOf(target: string, windows: boolean): string[] {
  return target.split(windows ? /[\\/]/ : '/')
}

/**
 * Resolves `target`, the target of a link in the folder `from` (segments relative to the root),
 * segment by segment. Depth below the root going negative means outside; so does an absolute
 * target, or one reached through another link. `lookup` says which paths are links.
 */
export async function resolveLink(
  from: readonly string[],
  target: string,
  lookup: LinkLookup,
  options: { windows?: boolean; maxHops?: number } = {},
): Promise<Resolution> {
  const windows = options.windows ?? false
  const maxHops = options.maxHops ?? MAX_LINK_HOPS
  if (isAbsoluteTarget(target)) return { inside: false, reason: 'absolute' }
  const stack = [...from]
  // Segments still to walk, last one first, so a link's target can be pushed in front.
  const pending = segmentsOf(target, windows).reverse()
  let hops = 0
  let via: { path: string; target: string } | undefined
  while (pending.length > 0) {
    const segment = pending.pop()!
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (stack.length === 0) {
        return via ? { inside: false, reason: 'climbs', via } : { inside: false, reason: 'climbs' }
      }
      stack.pop()
      continue
    }
    stack.push(segment)
    const link = await lookup(stack)
    if (link === null) continue
    via = { path: stack.join('/'), target: link }
    if (++hops > maxHops) return { inside: false, reason: 'loop', via }
    if (isAbsoluteTarget(link)) return { inside: false, reason: 'absolute', via }
    stack.pop()
    pending.push(...segmentsOf(link, windows).reverse())
  }
  return { inside: true, segments: stack }
}

/** The words for a link that resolves outside: "symlink to X points outside the folder (…)". */
export function outsideReason(target: string, resolution: Resolution): string {
  const base = `symlink to ${target} points outside the folder`
  if (resolution.inside || !resolution.via) return base
  if (resolution.reason === 'loop') {
    return `${base}: it goes round a loop of links (through ${resolution.via.path} -> ${resolution.via.target})`
  }
  return `${base} (through the link ${resolution.via.path} -> ${resolution.via.target})`
}
