import { compress as zstdCompress, init as initZstd } from '@bokuweb/zstd-wasm'
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import tarStream from 'tar-stream'

/** One entry of a layer tarball, in the terms tar-stream writes. */
export interface TarEntrySpec {
  /** The path inside the archive, without a leading slash, as `docker build` writes it. */
  name: string
  type?: 'file' | 'directory' | 'symlink' | 'link'
  mode?: number
  uid?: number
  gid?: number
  uname?: string
  gname?: string
  mtime?: Date
  /** The target of a symlink, or the archive path a hardlink points at. */
  linkname?: string
  content?: Buffer | string
  /** Extra PAX records; setting any forces a PAX header even for a short name. */
  pax?: Record<string, string>
}

/** How a layer blob is compressed, which decides its media type's suffix. */
export type LayerCompression = 'gzip' | 'zstd' | 'none'

/** A finished layer: the blob as stored and the digest of its uncompressed tar (the diff_id). */
export interface BuiltLayer {
  readonly blob: Buffer
  readonly digest: string
  readonly size: number
  readonly diffId: string
  readonly compression: LayerCompression
}

/** `sha256:<hex>` of the bytes, the form every OCI descriptor uses. */
export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** Writes a tarball in memory; tar-stream picks ustar, ustar+prefix or PAX per entry as tar does. */
export async function buildTar(entries: readonly TarEntrySpec[]): Promise<Buffer> {
  const pack = tarStream.pack()
  const chunks: Buffer[] = []
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer)
  })()
  for (const entry of entries) {
    const type = entry.type ?? 'file'
    const raw = entry.content ?? ''
    const content =
      type !== 'file' ? Buffer.alloc(0) : typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw
    await new Promise<void>((resolve, reject) => {
      pack.entry(
        {
          name: entry.name,
          type,
          mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
          uid: entry.uid ?? 0,
          gid: entry.gid ?? 0,
          uname: entry.uname ?? 'root',
          gname: entry.gname ?? 'root',
          mtime: entry.mtime ?? new Date(0),
          size: content.length,
          ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }),
          ...(entry.pax ? { pax: entry.pax } : {}),
        },
        content,
        (error) => (error ? reject(error) : resolve()),
      )
    })
  }
  pack.finalize()
  await collected
  return Buffer.concat(chunks)
}

let zstdReady: Promise<void> | undefined

/** Compresses a tar the way the media type says and records both digests. */
export async function buildLayer(
  entries: readonly TarEntrySpec[],
  compression: LayerCompression,
): Promise<BuiltLayer> {
  const tar = await buildTar(entries)
  let blob: Buffer
  if (compression === 'gzip') {
    blob = gzipSync(tar, { level: 6 })
  } else if (compression === 'zstd') {
    // The wasm module loads once per process; every later layer reuses it.
    zstdReady ??= initZstd()
    await zstdReady
    blob = Buffer.from(zstdCompress(tar, 10))
  } else {
    blob = tar
  }
  return {
    blob,
    digest: sha256Digest(blob),
    size: blob.length,
    diffId: sha256Digest(tar),
    compression,
  }
}
