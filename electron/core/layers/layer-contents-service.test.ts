import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ErrorCode } from '../../../shared/errors'
import type { Result } from '../../../shared/ipc/result'
import type {
  ContentsCacheInfo,
  ContentsDiff,
  ContentsProgress,
  ExtractResult,
  FilePreview,
  ImageFilesystem,
  LayerIndex,
} from '../../../shared/models/layer-contents'
import {
  deterministicBytes,
  WEB_APP_LONG_NAME,
  WEB_APP_VERY_LONG_PATH,
} from '../../demo-registry/testing'
import { startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'

// The real app against the demo registry: GetDownloadUrlForLayer, the download engine, the
// reader, the caches and the merge, through the same dispatch the IPC and the bridge use.

let harness: Harness | null = null
let restoreEnv: (() => void) | null = null
afterEach(async () => {
  restoreEnv?.()
  restoreEnv = null
  await harness?.close()
  harness = null
})

async function start(): Promise<Harness> {
  harness = await startHarness({
    settings: { connection: { kind: 'aws', profile: null, region: 'us-east-1' } },
  })
  restoreEnv = stubProcessEnv(harness.env)
  return harness
}

let ids = 0
const op = () => `op-test-${String(++ids).padStart(4, '0')}`

function ok<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

function expectError(result: Result<unknown>, code: ErrorCode) {
  expect(result.ok, JSON.stringify(result)).toBe(false)
  if (result.ok) throw new Error('unreachable')
  expect(result.error.code).toBe(code)
  return result.error
}

const WEB_APP = 'demo/web-app'

function webAppLayers(h: Harness) {
  const { current } = h.registry.samples().webApp
  return current.layers
}

describe('layer contents through the real services and the demo registry', () => {
  it('merges demo/web-app:1.2.0: the deleted build cache, its wasted bytes, and who wrote what', async () => {
    const h = await start()
    const fs = ok<ImageFilesystem>(
      await h.app.dispatch('contents:image-filesystem', {
        operationId: op(),
        repositoryName: WEB_APP,
        imageTag: '1.2.0',
      }),
    )
    expect(fs.layers).toHaveLength(3)
    expect(fs.complete).toBe(true)
    const byPath = new Map(fs.entries.map((e) => [e.path, e]))
    expect(byPath.get('tmp/build-cache.bin')).toMatchObject({
      change: 'deleted',
      layer: 1,
      deletedBy: 2,
      size: 200 * 1024,
    })
    expect(byPath.get('etc/app/old.conf')).toMatchObject({
      change: 'deleted',
      layer: 0,
      deletedBy: 2,
    })
    expect(byPath.get('var/cache/app/stale-1.bin')).toMatchObject({
      change: 'deleted',
      deletedBy: 2,
    })
    expect(byPath.get('var/cache/app/fresh.json')).toMatchObject({ change: 'added', layer: 2 })
    expect(byPath.get('etc/app/config.yaml')).toMatchObject({ change: 'modified', layer: 2 })
    expect(byPath.get('etc/localtime')).toMatchObject({
      type: 'symlink',
      linkTarget: '/usr/share/zoneinfo/UTC',
    })
    expect(byPath.get('usr/bin/app-hardlink')).toMatchObject({
      type: 'hardlink',
      linkTarget: 'usr/bin/app',
    })
    expect(byPath.get(WEB_APP_LONG_NAME)?.type).toBe('file')
    expect(byPath.get(WEB_APP_VERY_LONG_PATH)?.type).toBe('file')
    expect(byPath.get('usr/share/doc/app/café-menü.txt')?.type).toBe('file')
    expect(byPath.get('usr/bin/app')?.mtime).toBeCloseTo(
      Number(String(byPath.get('usr/bin/app')!.mtime)),
      6,
    )
    expect([...byPath.keys()].some((p) => p.includes('.wh.'))).toBe(false)
    // 200 KiB of build cache plus the shadowed config and the three deleted small files.
    expect(fs.wastedBytes).toBeGreaterThanOrEqual(200 * 1024)
    expect(fs.layers[1]!.wastedBytes).toBe(200 * 1024)
    expect(fs.wasted[0]).toEqual({ path: 'tmp/build-cache.bin', bytes: 200 * 1024, layers: [1] })
  })

  it('verifies, indexes and caches each layer: reopening fetches nothing', async () => {
    const h = await start()
    const layers = webAppLayers(h)
    const layer = layers[1]!
    const request = {
      repositoryName: WEB_APP,
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
    }
    const first = ok<LayerIndex>(
      await h.app.dispatch('contents:index', { operationId: op(), ...request }),
    )
    expect(first).toMatchObject({ complete: true, fromCache: false, compression: 'gzip' })
    expect(first.entries.map((e) => e.path)).toContain('tmp/build-cache.bin')
    const urlsAfterFirst = h.registry.requestCount('GetDownloadUrlForLayer')
    expect(urlsAfterFirst).toBe(1)

    const again = ok<LayerIndex>(
      await h.app.dispatch('contents:index', { operationId: op(), ...request }),
    )
    expect(again.fromCache).toBe(true)
    expect(again.entries).toEqual(first.entries)
    expect(h.registry.requestCount('GetDownloadUrlForLayer')).toBe(urlsAfterFirst)

    const progress = h.events
      .filter((e) => e.channel === 'contents:progress')
      .map((e) => (e.payload as ContentsProgress).phase)
    expect(progress).toContain('downloading')
    expect(progress).toContain('indexing')
    expect(progress.filter((p) => p === 'done')).toHaveLength(2)
  })

  it('reads the zstd layers of demo/oci-zstd and its plain tar layer', async () => {
    const h = await start()
    const fs = ok<ImageFilesystem>(
      await h.app.dispatch('contents:image-filesystem', {
        operationId: op(),
        repositoryName: 'demo/oci-zstd',
        imageTag: 'latest',
      }),
    )
    expect(fs.complete).toBe(true)
    const paths = fs.entries.map((e) => e.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'bin/busybox',
        'opt/tool/bin/tool',
        'etc/tool/settings.toml',
        'opt/tool/VERSION',
      ]),
    )
    const zstdLayer = ok<LayerIndex>(
      await h.app.dispatch('contents:index', {
        operationId: op(),
        repositoryName: 'demo/oci-zstd',
        digest: fs.layers[0]!.digest,
        mediaType: fs.layers[0]!.mediaType,
        size: fs.layers[0]!.size,
      }),
    )
    expect(zstdLayer.compression).toBe('zstd')
  })

  it('shows one layer against the layers below it', async () => {
    const h = await start()
    const fs = ok<ImageFilesystem>(
      await h.app.dispatch('contents:image-filesystem', {
        operationId: op(),
        repositoryName: WEB_APP,
        imageTag: '1.2.0',
        layer: 2,
      }),
    )
    expect(fs.layer).toBe(2)
    const byPath = new Map(fs.entries.map((e) => [e.path, e]))
    expect(byPath.get('etc/app/config.yaml')?.change).toBe('modified')
    expect(byPath.get('tmp/build-cache.bin')).toMatchObject({ change: 'deleted', layer: 1 })
    expect(byPath.has('usr/bin/app')).toBe(false)
  })

  it('diffs the two tags, and one path across them', async () => {
    const h = await start()
    const diff = ok<ContentsDiff>(
      await h.app.dispatch('contents:diff', {
        operationId: op(),
        repositoryName: WEB_APP,
        from: { kind: 'image', imageTag: '1.1.0' },
        to: { kind: 'image', imageTag: '1.2.0' },
      }),
    )
    const status = new Map(diff.entries.map((e) => [e.path, e]))
    expect(status.get('etc/app/config.yaml')).toMatchObject({ status: 'modified' })
    expect(status.get('etc/app/config.yaml')?.reasons).toContain('size')
    expect(status.get('usr/lib/app/plugin.so')).toMatchObject({
      status: 'modified',
      reasons: ['content'],
    })
    expect(status.get('var/cache/app/fresh.json')?.status).toBe('added')
    expect(status.get('var/cache/app/stale-1.bin')?.status).toBe('deleted')
    expect(status.get('etc/app/old.conf')?.status).toBe('deleted')
    expect(status.has('tmp/build-cache.bin')).toBe(false)
    expect(diff.counts.added + diff.counts.modified + diff.counts.deleted).toBe(diff.entries.length)

    const scoped = ok<ContentsDiff>(
      await h.app.dispatch('contents:diff', {
        operationId: op(),
        repositoryName: WEB_APP,
        from: { kind: 'image', imageTag: '1.1.0' },
        to: { kind: 'image', imageTag: '1.2.0' },
        path: '/etc/app/config.yaml',
      }),
    )
    expect(scoped.entries.map((e) => [e.path, e.status])).toEqual([
      ['etc/app/config.yaml', 'modified'],
    ])
    expect(scoped.entries[0]!.before?.size).toBeLessThan(scoped.entries[0]!.after!.size)
  })

  it('diffs two layers', async () => {
    const h = await start()
    const [base, wasteful] = webAppLayers(h)
    const diff = ok<ContentsDiff>(
      await h.app.dispatch('contents:diff', {
        operationId: op(),
        repositoryName: WEB_APP,
        from: { kind: 'layer', digest: base!.digest, mediaType: base!.mediaType, size: base!.size },
        to: {
          kind: 'layer',
          digest: wasteful!.digest,
          mediaType: wasteful!.mediaType,
          size: wasteful!.size,
        },
      }),
    )
    const status = new Map(diff.entries.map((e) => [e.path, e.status]))
    expect(status.get('tmp/build-cache.bin')).toBe('added')
    expect(status.get('usr/bin/app')).toBe('deleted')
  })

  it("extracts the deleted build cache's earlier version from its layer, byte for byte", async () => {
    const h = await start()
    const layer = webAppLayers(h)[1]!
    const result = ok<ExtractResult>(
      await h.app.dispatch('contents:extract', {
        operationId: op(),
        repositoryName: WEB_APP,
        digest: layer.digest,
        mediaType: layer.mediaType,
        size: layer.size,
        path: 'tmp/build-cache.bin',
      }),
    )
    expect(result).toMatchObject({ status: 'extracted', files: 1, bytes: 200 * 1024, skipped: [] })
    expect(result.path).toBe(join(h.dataDir, 'downloads', 'build-cache.bin'))
    expect(await readFile(result.path)).toEqual(
      deterministicBytes('web-app:build-cache', 200 * 1024),
    )
  })

  it('refuses to extract an absolute symlink of the demo image', async () => {
    const h = await start()
    const layer = webAppLayers(h)[0]!
    const error = expectError(
      await h.app.dispatch('contents:extract', {
        operationId: op(),
        repositoryName: WEB_APP,
        digest: layer.digest,
        mediaType: layer.mediaType,
        size: layer.size,
        path: 'etc/localtime',
      }),
      'UnsafeEntry',
    )
    expect(error.message).toContain('points outside the folder')
    expect(await readdir(join(h.dataDir, 'downloads')).catch(() => [])).toEqual([])
  })

  it('previews small text files, and says when a file is binary', async () => {
    const h = await start()
    const layer = webAppLayers(h)[2]!
    const request = {
      repositoryName: WEB_APP,
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
    }
    const text = ok<FilePreview>(
      await h.app.dispatch('contents:preview', { ...request, path: 'etc/app/config.yaml' }),
    )
    expect(text.binary).toBe(false)
    expect(text.text).toContain('log_level: debug')
    const base = webAppLayers(h)[0]!
    const binary = ok<FilePreview>(
      await h.app.dispatch('contents:preview', {
        repositoryName: WEB_APP,
        digest: base.digest,
        mediaType: base.mediaType,
        size: base.size,
        path: 'usr/bin/app',
      }),
    )
    expect(binary).toMatchObject({ binary: true, text: null, tooLarge: false })
  })

  it('refuses a corrupted download: the digest is checked before anything is read', async () => {
    const h = await start()
    const layer = webAppLayers(h)[1]!
    h.registry.injectBlobFault({ kind: 'corrupt', offset: 100, times: 20, digest: layer.digest })
    expectError(
      await h.app.dispatch('contents:index', {
        operationId: op(),
        repositoryName: WEB_APP,
        digest: layer.digest,
        mediaType: layer.mediaType,
        size: layer.size,
      }),
      'DigestMismatch',
    )
    const info = ok<ContentsCacheInfo>(await h.app.dispatch('contents:cache', {}))
    expect(info).toMatchObject({ indexCount: 0, blobCount: 0 })
  })

  it('cancels an index while it downloads, through operations:cancel, leaving nothing behind', async () => {
    const h = await start()
    const layer = webAppLayers(h)[1]!
    h.registry.injectBlobFault({ kind: 'slow', bytesPerSecond: 20_000, digest: layer.digest })
    const operationId = op()
    const running = h.app.dispatch('contents:index', {
      operationId,
      repositoryName: WEB_APP,
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
    })
    await vi.waitFor(() =>
      expect(
        h.events.some(
          (e) =>
            e.channel === 'contents:progress' &&
            (e.payload as ContentsProgress).operationId === operationId &&
            (e.payload as ContentsProgress).phase === 'downloading' &&
            (e.payload as ContentsProgress).bytes > 0,
        ),
      ).toBe(true),
    )
    expect(ok(await h.app.dispatch('operations:cancel', { operationId }))).toEqual({
      cancelled: true,
    })
    expectError(await running, 'Cancelled')
    expect(await readdir(join(h.dataDir, 'layer-blobs'))).toEqual([])
    const last = h.events.filter((e) => e.channel === 'contents:progress').at(-1)!.payload
    expect(last).toMatchObject({ operationId, phase: 'cancelled' })
  })

  it('reports and clears the caches', async () => {
    const h = await start()
    const layer = webAppLayers(h)[0]!
    const request = {
      repositoryName: WEB_APP,
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
    }
    ok(await h.app.dispatch('contents:index', { operationId: op(), ...request }))
    const before = ok<ContentsCacheInfo>(await h.app.dispatch('contents:cache', {}))
    expect(before.indexCount).toBe(1)
    expect(before.blobCount).toBe(1)
    expect(before.blobBytes).toBe(layer.size)
    const after = ok<ContentsCacheInfo>(await h.app.dispatch('contents:clear-cache', {}))
    expect(after).toMatchObject({ indexCount: 0, indexBytes: 0, blobCount: 0, blobBytes: 0 })
    const reread = ok<LayerIndex>(
      await h.app.dispatch('contents:index', { operationId: op(), ...request }),
    )
    expect(reread.fromCache).toBe(false)
    expect(h.registry.requestCount('GetDownloadUrlForLayer')).toBe(2)
  })

  it('reads a blob the user already downloaded instead of fetching it again, and indexes files on disk', async () => {
    const h = await start()
    const layer = webAppLayers(h)[0]!
    const request = {
      repositoryName: WEB_APP,
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
    }
    const download = ok<{ status: string; path: string }>(
      await h.app.dispatch('downloads:start', { operationId: op(), ...request }),
    )
    expect(download.status).toBe('downloaded')
    const urls = h.registry.requestCount('GetDownloadUrlForLayer')
    const index = ok<LayerIndex>(
      await h.app.dispatch('contents:index', { operationId: op(), ...request }),
    )
    expect(index.entries.map((e) => e.path)).toContain('usr/bin/app')
    expect(h.registry.requestCount('GetDownloadUrlForLayer')).toBe(urls)

    await h.app.dispatch('contents:clear-cache', {})
    const fromFile = ok<LayerIndex>(
      await h.app.dispatch('contents:index-file', {
        operationId: op(),
        path: download.path,
        mediaType: layer.mediaType,
      }),
    )
    expect(fromFile.digest).toBe(layer.digest)
    expect(fromFile.entries).toEqual(index.entries)
  })

  it('asks for a platform when given an index', async () => {
    const h = await start()
    const error = expectError(
      await h.app.dispatch('contents:image-filesystem', {
        operationId: op(),
        repositoryName: 'demo/multi-arch',
        imageTag: 'latest',
      }),
      'IndexNeedsPlatform',
    )
    expect(error.message).toContain('linux/amd64')
  })
})
