import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Result } from '../../../shared/ipc/result'
import type { LayerIndex } from '../../../shared/models/layer-contents'
import { startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'

// Layer contents read their blob through the one blob pipeline (electron/core/blob/: source →
// body with resume and retry → verifier → sink), not a road of their own: what the pipeline
// does for downloads (Range resume, URL refresh, digest check) it does for the layer reader too.

let harness: Harness | null = null
let restoreEnv: (() => void) | null = null
afterEach(async () => {
  restoreEnv?.()
  restoreEnv = null
  await harness?.close()
  harness = null
})

async function start() {
  harness = await startHarness({
    settings: { connection: { kind: 'aws', profile: null, region: 'us-east-1' } },
  })
  restoreEnv = stubProcessEnv(harness.env)
  const h = harness
  const layer = h.registry.samples().webApp.current.layers[1]!
  let n = 0
  const list = () =>
    h.app.dispatch('contents:index', {
      operationId: `op-pipeline-${++n}-${Math.random().toString(36).slice(2, 10)}`,
      repositoryName: 'demo/web-app',
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
    })
  const gets = () => h.registry.blobRequestLog().filter((r) => r.digest === layer.digest)
  const urlCalls = () =>
    h.registry.requestLog().filter((r) => r.operation === 'GetDownloadUrlForLayer').length
  return { h, layer, list, gets, urlCalls }
}

function listed(result: Result<unknown>): LayerIndex {
  expect(result.ok, JSON.stringify(result)).toBe(true)
  const index = (result as { ok: true; value: LayerIndex }).value
  expect(index.entries.length).toBeGreaterThan(0)
  return index
}

// The first test also builds the demo samples (once per process): slow on a busy machine.
describe('layer contents fetch their blob through the one pipeline', { timeout: 120_000 }, () => {
  it('resumes with Range after a connection reset mid-body', async () => {
    const { h, layer, list, gets } = await start()
    const half = Math.floor(layer.size / 2)
    h.registry.injectBlobFault({ kind: 'reset', afterBytes: half, digest: layer.digest })
    const index = listed(await list())
    expect(index.compressedBytes).toBe(layer.size)
    const log = gets()
    expect(log[0]).toMatchObject({ fault: 'reset', range: undefined })
    const resumed = log[1]!
    expect(resumed.status).toBe(206)
    // The second request starts where the bytes stopped: the pipeline's resume, not a refetch.
    expect(resumed.range).toMatch(/^bytes=\d+-$/)
    expect(Number(/^bytes=(\d+)-$/.exec(resumed.range!)![1])).toBeGreaterThan(0)
  })

  it('asks for a fresh URL when the pre-signed one has expired', async () => {
    const { h, layer, list, urlCalls } = await start()
    h.registry.injectBlobFault({ kind: 'expired', digest: layer.digest })
    const before = urlCalls()
    listed(await list())
    expect(urlCalls() - before).toBe(2)
  })

  it('refuses bytes that do not match the digest, and caches nothing', async () => {
    const { h, layer, list } = await start()
    h.registry.injectBlobFault({ kind: 'corrupt', offset: 10, digest: layer.digest })
    const result = await list()
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('DigestMismatch')
    const cache = await readdir(join(h.dataDir, 'layer-blobs')).catch(() => [])
    expect(cache).toEqual([])
    // The next try fetches again (nothing wrong was kept) and lists the layer.
    listed(await list())
  })
})
