import { createHash } from 'node:crypto'
import { lstat, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { indexJson, layoutFileJson, OCI } from './layout'
import { verifyLayout, type FileIdentity } from './verify-layout'

// The end check of an export re-stats the blobs that export fetched and verified itself (same
// file, same size) instead of re-hashing them; anything else is re-hashed, and "Verify a
// layout…" (no `verifiedHere`) re-hashes everything.

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

let root: string
let layer: { digest: string; size: number; path: string }
let config: { digest: string; size: number }

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'elb-verify-layout-'))
  await mkdir(join(root, 'blobs', 'sha256'), { recursive: true })
  const put = async (bytes: Buffer) => {
    const digest = sha256(bytes)
    const path = join(root, 'blobs', 'sha256', digest.slice(7))
    await writeFile(path, bytes)
    return { digest, size: bytes.length, path }
  }
  layer = await put(Buffer.alloc(300_000, 'L'))
  config = await put(Buffer.from('{"architecture":"amd64","os":"linux"}'))
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI.manifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: layer.digest,
          size: layer.size,
        },
      ],
    }),
  )
  const m = await put(manifest)
  await writeFile(join(root, OCI.layoutFile), layoutFileJson())
  await writeFile(
    join(root, 'index.json'),
    indexJson([{ mediaType: OCI.manifest, digest: m.digest, size: m.size }]),
  )
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

async function identity(path: string): Promise<FileIdentity> {
  const s = await lstat(path)
  return { size: s.size, dev: s.dev, ino: s.ino, mtimeMs: s.mtimeMs }
}

describe('verifyLayout', () => {
  it('re-stats, not re-hashes, a blob the export verified itself and that is still that file', async () => {
    const verifiedHere = new Map([[layer.digest, await identity(layer.path)]])
    const hashed: number[] = []
    const check = await verifyLayout(root, {
      verifiedHere,
      onBytes: (done) => hashed.push(done),
    })
    expect(check.ok).toBe(true)
    expect(check.summary).toBe(`verified: 3 blobs, ${check.bytes} bytes`)
    expect(check.restated).toBe(1)
    // The same layout checked by "Verify a layout…": every blob re-hashed.
    const full = await verifyLayout(root)
    expect(full.restated).toBe(0)
    expect(full.blobs).toBe(3)
  })

  it('re-hashes a blob replaced by another file of the same size since, and names it damaged', async () => {
    const verifiedHere = new Map([[layer.digest, await identity(layer.path)]])
    // Another file (another inode), same size, other bytes, moved over the verified one.
    const other = join(root, 'other')
    await writeFile(other, Buffer.alloc(layer.size, 'X'))
    await rename(other, layer.path)
    const check = await verifyLayout(root, { verifiedHere })
    expect(check.ok).toBe(false)
    expect(check.restated).toBe(0)
    expect(check.problems).toEqual([
      `Blob ${layer.digest} does not match its digest: it is damaged.`,
    ])
  })

  it('re-hashes a verified blob written to in place since (its mtime moved), and names it damaged', async () => {
    const before = await identity(layer.path)
    const verifiedHere = new Map([[layer.digest, { ...before, mtimeMs: before.mtimeMs - 1000 }]])
    await writeFile(layer.path, Buffer.alloc(layer.size, 'Y'))
    const check = await verifyLayout(root, { verifiedHere })
    expect(check.ok).toBe(false)
    expect(check.problems).toEqual([
      `Blob ${layer.digest} does not match its digest: it is damaged.`,
    ])
  })

  it('reports progress as bytes of the folder’s blobs, up to their total', async () => {
    const seen: [number, number][] = []
    const check = await verifyLayout(root, { onBytes: (done, total) => seen.push([done, total]) })
    expect(check.ok).toBe(true)
    const last = seen.at(-1)!
    expect(last[0]).toBe(check.bytes)
    expect(last[1]).toBe(check.bytes)
    expect(seen.every(([done, total]) => done <= total)).toBe(true)
  })
})
