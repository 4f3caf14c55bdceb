import { decompress as zstdDecompress } from 'fzstd'
import { createHash } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import tarStream from 'tar-stream'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  buildSamples,
  loadSamples,
  WEB_APP_LONG_NAME,
  WEB_APP_VERY_LONG_PATH,
} from './samples/index'
import {
  DemoRegistry,
  MEDIA_TYPES,
  SAMPLE_REPOSITORIES as REPOS,
  SAMPLE_TAGS as TAGS,
  type BlobRef,
  type ImageRecord,
} from './server'

const sha256 = (bytes: Uint8Array | string) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

interface TarEntry {
  header: tarStream.Header
  content: Buffer
}

async function readTar(tar: Buffer): Promise<TarEntry[]> {
  const extract = tarStream.extract()
  const entries: TarEntry[] = []
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = []
      for await (const chunk of entry) chunks.push(chunk as Buffer)
      entries.push({ header: entry.header, content: Buffer.concat(chunks) })
    }
  })()
  extract.end(tar)
  await done
  return entries
}

function uncompress(ref: BlobRef, blob: Buffer): Buffer {
  if (ref.mediaType.endsWith('+zstd')) return Buffer.from(zstdDecompress(blob))
  if (ref.mediaType.endsWith('gzip')) return gunzipSync(blob)
  return blob
}

interface ConfigJson {
  architecture: string
  os: string
  variant?: string
  rootfs: { type: string; diff_ids: string[] }
  history: { created: string; created_by: string; empty_layer?: boolean }[]
  config: Record<string, unknown>
}

describe('sample images', () => {
  const registry = new DemoRegistry({ repositoryCount: 40 })
  const repositories = [
    REPOS.webApp,
    REPOS.ociZstd,
    REPOS.multiArch,
    REPOS.untagged,
    REPOS.windows,
    REPOS.alpine,
    REPOS.hostile,
  ]
  let all: ImageRecord[]
  const blob = (digest: string) => {
    const bytes = registry.blob(digest)
    if (!bytes) throw new Error(`blob ${digest} is not stored`)
    return bytes
  }
  const layerTar = async (ref: BlobRef) => readTar(uncompress(ref, blob(ref.digest)))

  beforeAll(async () => {
    await registry.prepare()
    all = repositories.flatMap((r) => registry.images(r))
  })

  it('stores every manifest as text whose sha256 is the image digest', () => {
    expect(all.length).toBeGreaterThan(15)
    for (const image of all) {
      expect(sha256(image.imageManifest)).toBe(image.imageDigest)
      const parsed = JSON.parse(image.imageManifest) as { mediaType: string; schemaVersion: number }
      expect(parsed.schemaVersion).toBe(2)
      expect(parsed.mediaType).toBe(image.imageManifestMediaType)
    }
  })

  it('references config and layer blobs whose digests and sizes match the stored bytes', () => {
    for (const image of all.filter((i) => i.children.length === 0)) {
      const manifest = JSON.parse(image.imageManifest) as { config: BlobRef; layers: BlobRef[] }
      expect(manifest.config).toEqual(image.config)
      const plain = ({ mediaType, size, digest, urls }: BlobRef) =>
        urls ? { mediaType, size, digest, urls } : { mediaType, size, digest }
      expect(manifest.layers.map(plain)).toEqual(image.layers)
      for (const ref of [manifest.config, ...manifest.layers]) {
        if (ref.urls) continue
        const bytes = blob(ref.digest)
        expect(sha256(bytes)).toBe(ref.digest)
        expect(bytes.length).toBe(ref.size)
      }
      const total = manifest.layers.reduce((sum, l) => sum + l.size, manifest.config.size)
      expect(image.imageSizeInBytes).toBe(total)
    }
  })

  it('has configs whose diff_ids hash the uncompressed tars and whose history lines up', () => {
    for (const image of all.filter((i) => i.config)) {
      const config = JSON.parse(blob(image.config?.digest ?? '').toString('utf8')) as ConfigJson
      expect(config.rootfs.type).toBe('layers')
      expect(config.rootfs.diff_ids).toHaveLength(image.layers.length)
      expect(config.history.filter((h) => !h.empty_layer)).toHaveLength(image.layers.length)
      image.layers.forEach((ref, i) => {
        if (ref.urls) return
        expect(sha256(uncompress(ref, blob(ref.digest)))).toBe(config.rootfs.diff_ids[i])
      })
    }
  })

  it('gives web-app a runtime config with empty-layer history entries between layers', () => {
    const { current } = registry.samples().webApp
    const config = JSON.parse(blob(current.config?.digest ?? '').toString()) as ConfigJson
    expect(config.config).toMatchObject({
      Entrypoint: ['/usr/bin/app'],
      Cmd: ['serve', '--port', '8080'],
      WorkingDir: '/usr/lib/app',
      User: 'app',
      Labels: expect.objectContaining({ 'org.opencontainers.image.version': '1.2.0' }) as unknown,
      Env: expect.arrayContaining(['APP_VERSION=1.2.0']) as unknown,
    })
    const flags = config.history.map((h) => h.empty_layer === true)
    expect(flags.slice(0, 5)).toEqual([false, true, true, false, false])
    expect(flags.filter(Boolean).length).toBeGreaterThanOrEqual(5)
  })

  it('resolves every child of the index and the manifest list, sized as ECR reports', () => {
    const { index, dockerList, amd64, arm64, attestation } = registry.samples().multiArch
    for (const parent of [index, dockerList]) {
      const body = JSON.parse(parent.imageManifest) as {
        manifests: (BlobRef & { platform: Record<string, string> })[]
      }
      const children = body.manifests.map((m) => {
        const child = registry.image(REPOS.multiArch, m.digest)
        expect(child?.imageTags).toEqual([])
        expect(child?.imageManifestMediaType).toBe(m.mediaType)
        expect(Buffer.byteLength(child?.imageManifest ?? '')).toBe(m.size)
        return child as ImageRecord
      })
      expect(parent.imageSizeInBytes).toBe(Math.max(...children.map((c) => c.imageSizeInBytes)))
    }
    const body = JSON.parse(index.imageManifest) as {
      manifests: { digest: string; platform: Record<string, string>; annotations?: object }[]
    }
    expect(body.manifests.map((m) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
      { architecture: 'unknown', os: 'unknown' },
    ])
    expect(body.manifests[2]?.annotations).toEqual({
      'vnd.docker.reference.digest': amd64.imageDigest,
      'vnd.docker.reference.type': 'attestation-manifest',
    })
    expect(attestation.layers.map((l) => l.mediaType)).toEqual([MEDIA_TYPES.inToto])
    expect(amd64.layers.map((l) => l.digest)).not.toEqual(arm64.layers.map((l) => l.digest))
    const armConfig = JSON.parse(blob(arm64.config?.digest ?? '').toString()) as ConfigJson
    expect(armConfig.variant).toBe('v8')
    expect(armConfig.history.map((h) => h.created_by)).toContain(
      'RUN /bin/sh -c apk add --no-cache curl # arm64',
    )
    expect(dockerList.imageManifestMediaType).toBe(MEDIA_TYPES.dockerManifestList)
    expect(registry.image(REPOS.multiArch, TAGS.multiArch.v2)).toBe(
      registry.image(REPOS.multiArch, TAGS.multiArch.latest),
    )
  })

  it('decompresses the zstd layers of demo/oci-zstd to valid tars, beside gzip and plain ones', async () => {
    const { latest } = registry.samples().ociZstd
    expect(latest.imageManifestMediaType).toBe(MEDIA_TYPES.ociManifest)
    expect(latest.artifactMediaType).toBe(MEDIA_TYPES.ociConfig)
    expect(latest.layers.map((l) => l.mediaType)).toEqual([
      MEDIA_TYPES.ociLayerZstd,
      MEDIA_TYPES.ociLayerZstd,
      MEDIA_TYPES.ociLayerGzip,
      MEDIA_TYPES.ociLayerTar,
    ])
    const [base] = latest.layers
    // A zstd frame starts with the magic 28 b5 2f fd.
    expect(blob(base?.digest ?? '').subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))
    const names = await Promise.all(
      latest.layers.map(async (l) => (await layerTar(l)).map((e) => e.header.name)),
    )
    expect(names[0]).toContain('bin/busybox')
    expect(names[1]).toContain('opt/tool/bin/tool')
    expect(names[3]).toEqual(['opt/tool/VERSION'])
  })

  it('puts symlinks, a hardlink, PAX names and owners in the web-app base layer', async () => {
    const { current } = registry.samples().webApp
    const entries = await layerTar(current.layers[0] as BlobRef)
    const byName = new Map(entries.map((e) => [e.header.name, e]))

    const app = byName.get('usr/bin/app')?.header
    expect(app?.type).toBe('file')
    expect(app?.mode).toBe(0o755)
    expect(byName.get('usr/bin/app-link')?.header).toMatchObject({
      type: 'symlink',
      linkname: 'app',
    })
    expect(byName.get('etc/localtime')?.header).toMatchObject({
      type: 'symlink',
      linkname: '/usr/share/zoneinfo/UTC',
    })
    expect(byName.get('usr/bin/app-hardlink')?.header).toMatchObject({
      type: 'link',
      linkname: 'usr/bin/app',
    })
    expect(byName.get('etc/app/config.yaml')?.header).toMatchObject({
      uid: 1000,
      gid: 1000,
      uname: 'app',
      gname: 'app',
      mode: 0o640,
    })
    expect(byName.get('etc/os-release')?.header.mtime.getTime()).toBeGreaterThan(
      Date.UTC(2024, 0, 1),
    )

    // Its last segment alone is over 100 bytes, so no ustar prefix split can hold it.
    expect(WEB_APP_LONG_NAME.split('/').at(-1)?.length).toBeGreaterThan(100)
    expect(WEB_APP_VERY_LONG_PATH.length).toBeGreaterThan(255)
    for (const name of [
      WEB_APP_LONG_NAME,
      WEB_APP_VERY_LONG_PATH,
      'usr/share/doc/app/café-menü.txt',
    ]) {
      const header = byName.get(name)?.header
      // tar-stream fills `pax` only when the entry really came with a PAX extended header.
      expect((header?.pax as Record<string, string> | undefined)?.['path']).toBe(name)
    }
  })

  it('overwrites, whites out, makes opaque and wastes space in the later web-app layers', async () => {
    const { current } = registry.samples().webApp
    const [base, wasteful, update] = await Promise.all(current.layers.map((l) => layerTar(l)))
    const find = (entries: TarEntry[] | undefined, name: string) =>
      entries?.find((e) => e.header.name === name)

    const cache = find(wasteful, 'tmp/build-cache.bin')
    expect(cache?.content.length).toBe(200 * 1024)
    expect(find(update, 'tmp/.wh.build-cache.bin')).toBeDefined()

    const before = find(base, 'etc/app/config.yaml')?.content.length ?? 0
    const after = find(update, 'etc/app/config.yaml')?.content.length ?? 0
    expect(after).toBeGreaterThan(before)
    expect(find(base, 'etc/app/old.conf')).toBeDefined()
    expect(find(update, 'etc/app/.wh.old.conf')).toBeDefined()
    expect(find(base, 'var/cache/app/stale-1.bin')).toBeDefined()
    expect(find(update, 'var/cache/app/.wh..wh..opq')).toBeDefined()
    expect(find(update, 'var/cache/app/fresh.json')).toBeDefined()
  })

  it('gives 1.1.0 its own second layer and reports it archived', () => {
    const { current, previous, archivedLayerDigest, orphanBlobDigest } = registry.samples().webApp
    expect(previous.imageTags).toEqual([TAGS.webApp.previous])
    expect(previous.layers[0]?.digest).toBe(current.layers[0]?.digest)
    expect(previous.layers[1]?.digest).toBe(archivedLayerDigest)
    expect(current.layers.map((l) => l.digest)).not.toContain(archivedLayerDigest)
    expect(registry.blob(orphanBlobDigest)).toBeDefined()
    expect(all.some((i) => i.layers.some((l) => l.digest === orphanBlobDigest))).toBe(false)
  })

  it('keeps the Windows foreign layer out of the registry', () => {
    const { latest, foreignLayer } = registry.samples().windows
    expect(latest.layers[0]).toEqual(foreignLayer)
    expect(foreignLayer.mediaType).toBe(MEDIA_TYPES.dockerForeignLayer)
    expect(foreignLayer.urls?.[0]).toMatch(/^https:\/\/mcr\.microsoft\.com\//)
    expect(registry.blob(foreignLayer.digest)).toBeUndefined()
  })

  it('stores nothing of the uncached pull-through image', () => {
    const { uncached, cached } = registry.samples().alpine
    expect(cached.imageTags).toEqual([TAGS.alpine.cached])
    expect(registry.image(REPOS.alpine, uncached.tag)).toBeUndefined()
    expect(sha256(uncached.manifest)).toBe(uncached.digest)
    for (const digest of uncached.layerDigests) expect(registry.blob(digest)).toBeUndefined()
  })

  it('builds the same bytes every time', async () => {
    const [first, again] = [await loadSamples(), await buildSamples()]
    expect(again).not.toBe(first)
    expect([...again.blobs.keys()].sort()).toEqual([...first.blobs.keys()].sort())
    for (const repository of repositories) {
      const digests = (set: typeof first) =>
        (set.images.get(repository) ?? []).map((i) => i.imageDigest)
      expect(digests(again)).toEqual(digests(first))
    }
  })
})
