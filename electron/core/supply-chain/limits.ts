// Everything a registry hands us is hostile: these caps bound what one document may cost.

/** The largest SBOM, provenance or signature document read into memory. */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
/** The largest referrer manifest read into memory. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024
/** Packages kept from one SBOM; the rest are counted, never trusted from the document's own counts. */
export const MAX_PACKAGES = 200_000
/** Files kept per package (for the link into the layer tree). */
export const MAX_FILES_PER_PACKAGE = 2_000
/** Materials, parameters and subjects kept from one provenance statement. */
export const MAX_LIST_ITEMS = 1_000
/** Longest string kept from a document field; longer ones are cut with an ellipsis. */
export const MAX_TEXT = 2_048

/** Cuts a hostile string to a length the UI can show. */
export function clip(value: string, max = MAX_TEXT): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value
}

/** A parse that failed says why, in words; callers map it to a catalog error. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string }

/** Parses JSON bytes under a size cap, without trusting anything inside. */
export function parseJsonBytes(bytes: Uint8Array, limit = MAX_DOCUMENT_BYTES): Parsed<unknown> {
  if (bytes.byteLength > limit) {
    return {
      ok: false,
      problem: `The document is ${bytes.byteLength} bytes, over the ${limit}-byte limit.`,
    }
  }
  try {
    return {
      ok: true,
      value: JSON.parse(
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
      ) as unknown,
    }
  } catch (e) {
    return { ok: false, problem: `The document is not JSON: ${clip((e as Error).message, 200)}` }
  }
}
