// The one definition of an image digest, as ECR stores them: sha256 and 64 lower-case hex digits.
// Schemas, the core, the demo registry and the renderer all check digests with this.

/** The pattern's source, to build larger patterns from (no anchors). */
export const SHA256_DIGEST_PATTERN = 'sha256:[a-f0-9]{64}'

/** A whole string that is a sha256 digest. */
export const SHA256_DIGEST = new RegExp(`^${SHA256_DIGEST_PATTERN}$`)

/** Whether a value is a sha256 digest (an image reference that is not one is a tag). */
export function isDigest(value: string): boolean {
  return SHA256_DIGEST.test(value)
}

/** "0123456789ab": the first 12 hex digits without the algorithm, for file names and labels. */
export function shortHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1).slice(0, 12)
}

/** "sha256:0123456789ab": the algorithm and the first 12 hex digits, as docker shows IDs. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':')
  if (colon < 0) return digest.slice(0, 12)
  return digest.slice(0, colon + 1 + 12)
}
