import { join } from 'node:path'
import { SHA256_DIGEST_PATTERN } from '../../../shared/digest'
import { AppErrorException } from '../../../shared/ipc/result'

// The OCI image layout (image-spec's image-layout.md): `oci-layout`, `index.json`, and every
// manifest, config and layer as `blobs/<alg>/<hex>`. Digests come from manifests, which are
// untrusted: only a canonical sha256 or sha512 digest ever becomes a path, so a hostile manifest
// cannot name `../../x` or an upper-case twin of a blob.

/** The media types of the layout's own files and of the descriptors it names. */
export const OCI = {
  layoutFile: 'oci-layout',
  layoutVersion: '1.0.0',
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  refName: 'org.opencontainers.image.ref.name',
} as const

/** An unfinished export's folder holds this file until index.json is written. */
export const MARKER = '.ecr-export.json'

const CANONICAL = new RegExp(`^(?:${SHA256_DIGEST_PATTERN}|sha512:[a-f0-9]{128})$`)

/** True for a digest the layout may turn into a path. */
export function isCanonicalDigest(digest: string): boolean {
  return CANONICAL.test(digest)
}

/** `blobs/<alg>/<hex>`, relative to the layout's root; refuses any other digest. */
export function blobEntry(digest: string): string {
  if (!CANONICAL.test(digest)) {
    throw new AppErrorException({
      code: 'InvalidManifest',
      message: `"${digest.slice(0, 200)}" is not a canonical sha256 or sha512 digest, so it cannot name a blob in an OCI layout.`,
    })
  }
  const [algorithm, hex] = digest.split(':') as [string, string]
  return `blobs/${algorithm}/${hex}`
}

/** The blob's path under a layout folder. */
export function blobPath(root: string, digest: string): string {
  return join(root, ...blobEntry(digest).split('/'))
}

/** One entry of index.json (or of any index): a descriptor with optional platform and annotations. */
export interface IndexEntry {
  mediaType: string
  digest: string
  size: number
  platform?: Record<string, unknown>
  annotations?: Record<string, string>
  artifactType?: string
}

/** index.json's bytes: the entries in order, each one a descriptor the layout holds. */
export function indexJson(entries: IndexEntry[]): string {
  return `${JSON.stringify({ schemaVersion: 2, mediaType: OCI.index, manifests: entries })}\n`
}

/** The `oci-layout` file's bytes. */
export function layoutFileJson(): string {
  return `${JSON.stringify({ imageLayoutVersion: OCI.layoutVersion })}\n`
}
