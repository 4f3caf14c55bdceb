import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { blobFileName } from '../../../shared/file-names'
import { AppErrorException, type Result } from '../../../shared/ipc/result'
import type {
  ContentsDiff,
  ExtractResult,
  LayerIndex,
  PageCursor,
  Paged,
} from '../../../shared/models/layer-contents'
import { Operations } from '../operations/operations'
import { fakePlatform, startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'
import { entryBomb, nameBomb } from './layer-bombs'
import { ENTRY_OVERHEAD_BYTES, indexTooLargeMessage } from './layer-reader'
import { LayerContentsService } from './layer-contents-service'
import { PAGE_BYTES, PAGE_ENTRIES } from './reply-pages'
import { tarBytes } from './tar-builder'

// Long replies cross IPC in pages, and a layer whose index would not fit the budget is refused
// with LayerIndexTooLarge but can still be extracted whole. The layers are generated and put in
// the download folder, where the service finds (and verifies) a blob before it would fetch one.

const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'
const REPO = 'demo/paged'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

let ids = 0
const op = () => `op-pages-${String(++ids).padStart(4, '0')}`

/** Writes a layer into the download folder as a verified download would have left it. */
async function plant(downloads: string, tar: Buffer) {
  const blob = gzipSync(tar, { level: 1 })
  const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`
  await mkdir(downloads, { recursive: true })
  await writeFile(join(downloads, blobFileName(REPO, digest, GZIP)), blob)
  return { repositoryName: REPO, digest, mediaType: GZIP, size: blob.length }
}

const tar = (chunks: Iterable<Buffer>) => Buffer.concat([...chunks])

function ok<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

async function harness(): Promise<Harness> {
  const h = await startHarness({
    settings: { connection: { kind: 'aws', profile: null, region: 'us-east-1' } },
  })
  const restore = stubProcessEnv(h.env)
  cleanups.push(() => h.close(), restore)
  return h
}

// A service on its own, with a small index budget, that must never reach a registry.
async function service(maxIndexBytes: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'elb-pages-'))
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
  const downloads = join(dataDir, 'downloads')
  const events: { channel: string; payload: unknown }[] = []
  const offline = () => Promise.reject(new Error('no registry in this test'))
  const contents = new LayerContentsService({
    operations: new Operations(),
    dataDir,
    downloader: { download: offline } as never,
    getUrl: offline,
    getManifest: offline,
    downloadFolder: () => Promise.resolve(downloads),
    platform: fakePlatform(downloads),
    emit: (channel, payload) => void events.push({ channel, payload }),
    limits: { maxIndexBytes },
  })
  return { contents, downloads, indexing: () => reads(events) }
}

/** How many operations read a layer: each one that did reported indexing a blob of known size. */
function reads(events: readonly { channel: string; payload: unknown }[]): number {
  const ids = new Set<string>()
  for (const { channel, payload } of events) {
    const progress = payload as { operationId: string; phase: string; totalBytes: number | null }
    if (
      channel === 'contents:progress' &&
      progress.phase === 'indexing' &&
      progress.totalBytes !== null
    ) {
      ids.add(progress.operationId)
    }
  }
  return ids.size
}

/** Every page of a reply, fetched the way the renderer's allPages does. */
async function pages<T extends { entries: readonly unknown[] }>(
  fetchPage: (page: PageCursor | undefined) => Promise<Paged<T>>,
): Promise<Paged<T>[]> {
  const all = [await fetchPage(undefined)]
  while (all.at(-1)!.next) all.push(await fetchPage(all.at(-1)!.next!))
  return all
}

describe('paged replies across IPC', () => {
  it('pages a 12,000-entry index in pages of 5,000 through dispatch, reading the layer once', async () => {
    const h = await harness()
    const layer = await plant(join(h.dataDir, 'downloads'), tar(entryBomb(12_000)))
    const indexing = () => reads(h.events)
    const replies = await pages((page) =>
      h.app
        .dispatch('contents:index', { operationId: op(), ...layer, ...(page ? { page } : {}) })
        .then((result) => ok<Paged<LayerIndex>>(result)),
    )
    expect(replies.map((r) => r.entries.length)).toEqual([5_000, 5_000, 2_000])
    expect(replies.every((r) => r.entryCount === 12_000 && r.complete)).toBe(true)
    expect(replies.at(-1)!.next).toBeNull()
    const paths = replies.flatMap((r) => r.entries.map((e) => e.path))
    expect(paths).toEqual(Array.from({ length: 12_000 }, (_, i) => `d/${i}`))
    // The first page read the layer; the others came from the reply main held.
    expect(indexing()).toBe(1)
  })

  it('refuses a page cursor that is not one main could have made', async () => {
    const h = await harness()
    const result = await h.app.dispatch('contents:index', {
      operationId: op(),
      repositoryName: REPO,
      digest: `sha256:${'a'.repeat(64)}`,
      mediaType: GZIP,
      size: null,
      page: { cursor: '../../etc', offset: 0 },
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('InvalidParameter')
  })

  it('ends a page early on long names, so no reply carries more than a few MB', async () => {
    const { contents, downloads } = await service(64 * 1024 * 1024)
    const layer = await plant(downloads, tar(nameBomb(3_000, 3_000)))
    const replies = await pages((page) =>
      contents.index({ operationId: op(), ...layer, ...(page ? { page } : {}) }),
    )
    expect(replies.length).toBeGreaterThan(2)
    for (const reply of replies) {
      expect(reply.entries.length).toBeLessThan(PAGE_ENTRIES)
      expect(JSON.stringify(reply).length).toBeLessThan(PAGE_BYTES + 64 * 1024)
    }
    expect(replies.reduce((sum, r) => sum + r.entries.length, 0)).toBe(3_000)
  })

  it('pages a diff of two layers, computing it once', async () => {
    const { contents, downloads, indexing } = await service(64 * 1024 * 1024)
    const before = await plant(downloads, tar(entryBomb(7_000)))
    const after = await plant(downloads, tar([tarBytes([{ name: 'only-after' }])]))
    const ref = (layer: typeof before) => ({ kind: 'layer' as const, ...layer })
    const replies = await pages((page) =>
      contents.diff({
        operationId: op(),
        repositoryName: REPO,
        from: ref(before),
        to: ref(after),
        ...(page ? { page } : {}),
      }),
    )
    const entries = replies.flatMap((r) => r.entries)
    expect(replies[0]!.entryCount).toBe(7_001)
    expect(entries).toHaveLength(7_001)
    expect(replies.every((r) => (r as ContentsDiff).counts.deleted === 7_000)).toBe(true)
    expect(new Set(entries.map((e) => e.path)).size).toBe(7_001)
    // One operation read both layers; the later pages read nothing.
    expect(replies.length).toBeGreaterThan(1)
    expect(indexing()).toBe(1)
  })
})

describe('a layer whose index is over the budget', () => {
  const budget = 256 * 1024

  it('is refused with LayerIndexTooLarge and its message, and not read again on a second look', async () => {
    const { contents, downloads, indexing } = await service(budget)
    const layer = await plant(downloads, tar(nameBomb(20_000, 4_000)))
    const first = await contents.index({ operationId: op(), ...layer }).catch((e: unknown) => e)
    expect(first).toBeInstanceOf(AppErrorException)
    const kept = Math.floor(budget / (4_000 + ENTRY_OVERHEAD_BYTES))
    expect((first as AppErrorException).error).toEqual({
      code: 'LayerIndexTooLarge',
      message: indexTooLargeMessage(kept, (kept + 1) * 4_000),
    })
    const reads = indexing()
    const again = await contents.index({ operationId: op(), ...layer }).catch((e: unknown) => e)
    expect((again as AppErrorException).error.code).toBe('LayerIndexTooLarge')
    expect(indexing()).toBe(reads)
  })

  it('can still be extracted whole: the extraction reads it without an index', async () => {
    const { contents, downloads } = await service(budget / 2)
    const files = Array.from({ length: 1_200 }, (_, i) => ({
      name: `data/${i % 20}/${'f'.repeat(80)}-${i}.txt`,
      content: `file ${i}\n`,
    }))
    const layer = await plant(downloads, tarBytes(files))
    await expect(contents.index({ operationId: op(), ...layer })).rejects.toMatchObject({
      error: { code: 'LayerIndexTooLarge' },
    })
    const result = await contents.extract({ operationId: op(), ...layer, path: '' })
    expect(result).toMatchObject({ status: 'extracted', files: 1_200, skipped: [] })
    const root = result.path
    expect(await readdir(join(root, 'data'))).toHaveLength(20)
    expect(await readFile(join(root, 'data', '7', `${'f'.repeat(80)}-1147.txt`), 'utf8')).toBe(
      'file 1147\n',
    )
  })

  it('still refuses to extract one path of it, since that needs the index', async () => {
    const { contents, downloads } = await service(budget)
    const layer = await plant(downloads, tar(nameBomb(2_000, 1_000)))
    await expect(
      contents.extract({ operationId: op(), ...layer, path: 'n' }),
    ).rejects.toMatchObject({ error: { code: 'LayerIndexTooLarge' } })
  })
})

describe('the demo/hostile name bomb (20,000 entries of 4,000-byte names)', () => {
  it('is refused with the message, named by layer in the image view, and not read twice', async () => {
    const h = await harness()
    const image = h.registry.samples().hostile.nameBomb
    const layer = image.layers[0]!
    const request = {
      repositoryName: 'demo/hostile',
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
    }
    const index = await h.app.dispatch('contents:index', { operationId: op(), ...request })
    expect(index.ok).toBe(false)
    if (index.ok) return
    expect(index.error.code).toBe('LayerIndexTooLarge')
    expect(index.error.message).toMatch(
      /^This layer's index is too large to show \(more than 15,\d{3} entries, 6\d\.\d MB of names\); extract it instead\.$/,
    )
    const before = reads(h.events)
    const merged = await h.app.dispatch('contents:image-filesystem', {
      operationId: op(),
      repositoryName: 'demo/hostile',
      imageTag: 'name-bomb',
    })
    expect(merged.ok).toBe(false)
    if (merged.ok) return
    expect(merged.error).toMatchObject({ code: 'LayerIndexTooLarge' })
    expect(merged.error.message).toBe(
      `Layer 1 of 1 (${layer.digest.slice(0, 19)}…): ${index.error.message} Open that layer on its own to extract it.`,
    )
    expect(reads(h.events)).toBe(before)
  })

  it('can be extracted whole all the same, without its index', async () => {
    const h = await harness()
    const layer = h.registry.samples().hostile.nameBomb.layers[0]!
    const result = ok<ExtractResult>(
      await h.app.dispatch('contents:extract', {
        operationId: op(),
        repositoryName: 'demo/hostile',
        digest: layer.digest,
        mediaType: layer.mediaType,
        size: layer.size,
        path: '',
      }),
    )
    // Main read the layer without listing it: every name is too long to write, and says so.
    expect(result).toMatchObject({ status: 'extracted', files: 0, bytes: 0 })
    expect(result.skipped.length).toBeGreaterThan(0)
    for (const skip of result.skipped) expect(skip.reason).toMatch(/longer than the 255 bytes/)
    expect(await readdir(join(h.dataDir, 'downloads'))).toEqual([basename(result.path)])
  })
})
