import { describe, expect, it } from 'vitest'
import { outsideReason, resolveLink } from './link-resolution'

const links = (map: Record<string, string>) => (segments: readonly string[]) =>
  map[segments.join('/')] ?? null

describe('resolving a link without clamping at the root', () => {
  it('is outside as soon as .. climbs above the root, however far it comes back down', async () => {
    const shadow = `${'../'.repeat(14)}etc/shadow`
    expect(await resolveLink(['etc'], shadow, links({}))).toEqual({
      inside: false,
      reason: 'climbs',
    })
    expect(await resolveLink([], '../etc', links({}))).toMatchObject({ inside: false })
    expect(await resolveLink(['a', 'b'], '../../c', links({}))).toEqual({
      inside: true,
      segments: ['c'],
    })
    expect(await resolveLink(['a'], '..', links({}))).toEqual({ inside: true, segments: [] })
  })

  it('refuses absolute targets, POSIX and Windows', async () => {
    for (const target of ['/etc/passwd', '\\\\server\\share', 'C:\\Windows', 'c:x']) {
      expect(await resolveLink([], target, links({}))).toEqual({
        inside: false,
        reason: 'absolute',
      })
    }
  })

  it('follows links on the way as the OS does: .. after a link is taken from its target', async () => {
    // d/in -> .. is the root; d/in/.. is then above it, though lexically it is d.
    const resolution = await resolveLink([], 'd/in/..', links({ 'd/in': '..' }))
    expect(resolution).toEqual({
      inside: false,
      reason: 'climbs',
      via: { path: 'd/in', target: '..' },
    })
    expect(outsideReason('d/in/..', resolution)).toBe(
      'symlink to d/in/.. points outside the folder (through the link d/in -> ..)',
    )
    expect(await resolveLink([], 'a/x', links({ a: 'b/c', 'b/c': '../d' }))).toEqual({
      inside: true,
      segments: ['d', 'x'],
    })
    expect(await resolveLink([], 'a/x', links({ a: '/etc' }))).toMatchObject({
      inside: false,
      reason: 'absolute',
    })
  })

  it('ends loops after a bounded number of hops', async () => {
    const resolution = await resolveLink([], 'ping', links({ ping: 'pong', pong: 'ping' }))
    expect(resolution).toMatchObject({ inside: false, reason: 'loop' })
    expect(outsideReason('ping', resolution)).toContain('it goes round a loop of links')
    // Forty hops in a row are fine, as on Linux; the forty-first is not.
    const chain = Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`l${i}`, `l${i + 1}`]))
    expect(await resolveLink([], 'l1', links(chain))).toEqual({ inside: true, segments: ['l41'] })
    expect(await resolveLink([], 'l0', links(chain))).toMatchObject({ reason: 'loop' })
  })

  it('splits on backslashes too for Windows', async () => {
    expect(await resolveLink([], '..\\x', links({}), { windows: true })).toMatchObject({
      inside: false,
    })
    expect(await resolveLink(['a'], '..\\x', links({}), { windows: false })).toEqual({
      inside: true,
      segments: ['a', '..\\x'],
    })
  })
})
