import { timingSafeEqual } from 'node:crypto'

// The text both SigV4 verifiers (header-signed API calls in sigv4.ts, pre-signed blob URLs in
// presign.ts) read off the wire, decoded and compared one way.

/** RFC 3986 encoding as SigV4 requires: everything but unreserved characters. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** Percent-decodes `text`; malformed escapes are left as sent, so they cannot match a signature. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** A raw path (as sent, percent-encoded) decoded segment by segment; `%2F` stays inside its segment. */
export function decodePathSegments(rawPath: string): string[] {
  return rawPath.split('/').map(safeDecode)
}

/**
 * A raw query string's pairs in the order sent, duplicates kept; `+` is a space, as S3 and AWS's
 * query APIs read it.
 */
export function parseQuery(rawQuery: string): [string, string][] {
  const decode = (text: string) => safeDecode(text.replace(/\+/g, '%20'))
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=')
      return eq < 0 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))]
    })
}

/** Query pairs in the shape @smithy/signature-v4 signs: one key, one value or several. */
export function queryRecord(
  pairs: readonly (readonly [string, string])[],
): Record<string, string | string[]> {
  // No prototype: a hostile `__proto__` key is just another key.
  const query = Object.create(null) as Record<string, string | string[]>
  for (const [key, value] of pairs) {
    const existing = query[key]
    if (existing === undefined) query[key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else query[key] = [existing, value]
  }
  return query
}

/** Compares a computed signature with the one sent, in time independent of where they differ. */
export function sameSignature(expected: string, provided: string): boolean {
  const left = Buffer.from(expected, 'utf8')
  const right = Buffer.from(provided, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}
