import { describe, expect, it } from 'vitest'
import { decodePathSegments, parseQuery, queryRecord, sameSignature, uriEncode } from './sigv4-text'

describe('the text SigV4 covers', () => {
  it('reads query pairs in order, duplicates kept, `+` as a space, bad escapes as sent', () => {
    expect(parseQuery('a=1&b=x+y&a=2&flag&&c=%E0%A4%A')).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['a', '2'],
      ['flag', ''],
      ['c', '%E0%A4%A'],
    ])
  })

  it('groups duplicates for the signer, and a `__proto__` key is only a key', () => {
    const query = queryRecord([
      ['a', '1'],
      ['a', '2'],
      ['__proto__', 'x'],
    ])
    expect(query.a).toEqual(['1', '2'])
    expect(Object.getPrototypeOf(query)).toBeNull()
    expect(Object.keys(query)).toEqual(['a', '__proto__'])
  })

  it('decodes a path per segment, keeping `+` and an encoded slash inside its segment', () => {
    expect(decodePathSegments('/blobs/a%2Fb/sha256+x%3A00')).toEqual([
      '',
      'blobs',
      'a/b',
      'sha256+x:00',
    ])
    expect(uriEncode("sha256+x:00!'()*")).toBe('sha256%2Bx%3A00%21%27%28%29%2A')
  })

  it('compares signatures of any length without throwing', () => {
    expect(sameSignature('abc', 'abc')).toBe(true)
    expect(sameSignature('abc', 'abd')).toBe(false)
    expect(sameSignature('abc', 'ab')).toBe(false)
  })
})
