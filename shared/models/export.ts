/** The three files "Save image…" can write. */
export type ExportFormat = 'oci-dir' | 'oci-tar' | 'docker-archive'

/** How a blob that was already on this machine reached the layout, instead of the network. */
export type ReuseMethod = 'in-layout' | 'reflink' | 'hardlink' | 'copy'

/** Progress of one image export: overall bytes and blobs, and the blobs in flight. */
export interface ExportProgress {
  operationId: string
  phase: 'queued' | 'planning' | 'fetching' | 'assembling' | 'verifying'
  receivedBytes: number
  totalBytes: number | null
  blobsDone: number
  blobsTotal: number
  /** The blobs being fetched now, with their own bytes. */
  inFlight: { digest: string; receivedBytes: number; totalBytes: number }[]
  bytesPerSecond: number
}

/** What an export wrote, and how each blob got there. */
export interface ExportResult {
  status: 'done' | 'cancelled'
  /** The folder or tar file at its final name. */
  path: string
  format: ExportFormat
  /** The digest index.json names: the index kept as it is, or the one platform's manifest. */
  digest: string
  /** The end check: what re-reading the written layout found. */
  verified: LayoutCheck | null
  /** Blobs fetched over the network in this run. */
  fetched: number
  /** Blobs not fetched, by how they reached the layout. */
  reused: Partial<Record<ReuseMethod, number>>
  /** Bytes that came over the network in this run (less after a resume). */
  bytesTransferred: number
  /** What will not load where, in words (docker-archive limits and the like). */
  warnings: string[]
}

/**
 * The outcome of checking an OCI layout: every manifest re-read, every blob re-hashed (except, in
 * an export's own end check, the blobs it fetched and verified itself, which are re-stat'ed).
 */
export interface LayoutCheck {
  ok: boolean
  blobs: number
  bytes: number
  /** Of `blobs`, those an export's end check re-stat'ed instead of re-hashing (0 for "Verify a layout…"). */
  restated: number
  /** "verified: N blobs, X bytes", or what was wrong. */
  summary: string
  /** Each problem found: a missing or damaged blob, a manifest that does not parse. */
  problems: string[]
  /** The names index.json gives (org.opencontainers.image.ref.name) with their digests. */
  refs: { name: string | null; digest: string; mediaType: string }[]
}

/** An export an earlier run did not finish, found at its target. */
export interface UnfinishedExport {
  path: string
  format: ExportFormat
  repositoryName: string
  /** The tag, or the digest when the export named the image by digest. */
  reference: string
  platform: string
  includeReferrers: boolean
  blobsPresent: number
}
