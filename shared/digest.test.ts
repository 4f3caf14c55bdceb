import { describe, expect, it } from 'vitest'
import { SHA256_DIGEST_PATTERN, isDigest, shortDigest, shortHex } from './digest'

const hex = '0123456789abcdef'.repeat(4)

describe('the one image-digest check', () => {
  it('takes sha256 with exactly 64 lower-case hex digits, nothing around it', () => {
    expect(isDigest(`sha256:${hex}`)).toBe(true)
    expect(isDigest(`sha256:${hex.toUpperCase()}`)).toBe(false)
    expect(isDigest(`sha256:${hex.slice(1)}`)).toBe(false)
    expect(isDigest(`sha256:${hex}0`)).toBe(false)
    expect(isDigest(`sha512:${hex}${hex}`)).toBe(false)
    expect(isDigest(` sha256:${hex}`)).toBe(false)
    expect(isDigest(`sha256:${hex}\n`)).toBe(false)
    expect(isDigest('latest')).toBe(false)
  })

  it('gives its unanchored source to larger patterns', () => {
    const inTag = new RegExp(`^(${SHA256_DIGEST_PATTERN})@`)
    expect(inTag.exec(`sha256:${hex}@x`)?.[1]).toBe(`sha256:${hex}`)
  })

  it('shortens a digest to its algorithm and 12 hex digits, as docker shows IDs', () => {
    expect(shortDigest(`sha256:${hex}`)).toBe('sha256:0123456789ab')
    expect(shortDigest('abcdef0123456789')).toBe('abcdef012345')
  })

  it('gives the 12 hex digits alone, for file names and layer labels', () => {
    expect(shortHex(`sha256:${hex}`)).toBe('0123456789ab')
    expect(shortHex('abcdef0123456789')).toBe('abcdef012345')
  })
})
