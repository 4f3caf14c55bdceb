import type { ReferrerBlob } from '../../../shared/models/supply-chain'
import type { ReferrerBlobText as BlobText } from '../../../shared/models/supply-chain-raw'

/** The largest referrer blob shown as text in "View raw"; larger ones are downloaded instead. */
export const MAX_RAW_TEXT_BYTES = 4 * 1024 * 1024

/** Finds `blobDigest` among a referrer's own blobs: "View raw" reads nothing the referrer does not list. */
export function listedBlob(
  blobs: readonly ReferrerBlob[],
  blobDigest: string,
): ReferrerBlob | null {
  return blobs.find((b) => b.digest === blobDigest) ?? null
}

/** Whether a blob is worth reading as text before fetching it: small enough to show. */
export function tooLargeToShow(blob: ReferrerBlob): BlobText | null {
  if (blob.size <= MAX_RAW_TEXT_BYTES) return null
  return {
    digest: blob.digest,
    mediaType: blob.mediaType,
    size: blob.size,
    text: null,
    reason: `The blob is ${blob.size} bytes, over the ${MAX_RAW_TEXT_BYTES}-byte limit for showing it here: download it instead.`,
  }
}

/** Decodes verified bytes as text when they are UTF-8 without NUL bytes; otherwise says it is binary. */
export function blobText(blob: ReferrerBlob, bytes: Uint8Array): BlobText {
  const base = { digest: blob.digest, mediaType: blob.mediaType, size: blob.size }
  let text: string | null
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    text = null
  }
  if (text === null || text.includes('\u0000')) {
    return {
      ...base,
      text: null,
      reason: 'The blob is binary, not text: download it to look at it with another tool.',
    }
  }
  return { ...base, text, reason: null }
}
