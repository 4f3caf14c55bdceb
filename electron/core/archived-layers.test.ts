import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeError, type ErrorCode } from '../../shared/errors'
import type { Result } from '../../shared/ipc/result'
import type { ContentsCacheInfo } from '../../shared/models/layer-contents'
import { SAMPLE_REPOSITORIES, SAMPLE_TAGS } from '../demo-registry/testing'
import { startHarness, stubProcessEnv, type Harness } from './testing/app-harness'

// A layer of an archived image, downloaded or looked inside through the app's channels: the error
// names the image the layer was opened from, so the restore command can be copied as it is.
let harness: Harness
let restoreEnv: () => void
let ids = 0
const op = () => `op-archived-${String(++ids).padStart(4, '0')}`

beforeAll(async () => {
  harness = await startHarness({
    settings: { connection: { kind: 'aws', profile: null, region: 'us-east-1' } },
  })
  restoreEnv = stubProcessEnv(harness.env)
})
afterAll(async () => {
  restoreEnv()
  await harness.close()
})

const repositoryName = SAMPLE_REPOSITORIES.archive

function archivedLayer() {
  const { archived, archivedOnlyLayer } = harness.registry.samples().archive
  return {
    imageDigest: archived.imageDigest,
    layer: {
      repositoryName,
      digest: archivedOnlyLayer.digest,
      mediaType: archivedOnlyLayer.mediaType,
      size: archivedOnlyLayer.size,
    },
  }
}

function expectArchived(result: Result<unknown>, imageDigest: string) {
  expect(result.ok, JSON.stringify(result)).toBe(false)
  if (result.ok) throw new Error('unreachable')
  expect(result.error).toMatchObject({
    code: 'ImageArchived' satisfies ErrorCode,
    repositoryName,
    imageDigest,
  })
  const { nextStep } = describeError(result.error)
  expect(nextStep).toContain(
    `\`aws ecr update-image-storage-class --repository-name ${repositoryName} --image-id imageDigest=${imageDigest} --target-storage-class STANDARD\``,
  )
  expect(nextStep).not.toContain('<digest>')
}

async function filesIn(folder: string): Promise<string[]> {
  return readdir(folder, { recursive: true }).catch(() => [])
}

describe('a layer of an archived image', () => {
  it('ecr:get-config (the image page’s config) fails with ImageArchived naming the image', async () => {
    const { archived } = harness.registry.samples().archive
    const manifest = JSON.parse(archived.imageManifest) as { config: { digest: string } }
    const result = await harness.app.dispatch('ecr:get-config', {
      repositoryName,
      digest: manifest.config.digest,
      imageDigest: archived.imageDigest,
    })
    expectArchived(result, archived.imageDigest)
  })

  it('downloads:start fails with ImageArchived naming the image, and leaves no file behind', async () => {
    const { imageDigest, layer } = archivedLayer()
    const downloads = join(harness.dataDir, 'downloads')
    const before = await filesIn(downloads)
    const result = await harness.app.dispatch('downloads:start', {
      operationId: op(),
      ...layer,
      imageDigest,
    })
    expectArchived(result, imageDigest)
    expect(await filesIn(downloads)).toEqual(before)
  })

  it('downloads:url ("Copy download URL") fails with ImageArchived naming the image', async () => {
    const { imageDigest, layer } = archivedLayer()
    const result = await harness.app.dispatch('downloads:url', {
      repositoryName,
      digest: layer.digest,
      imageDigest,
    })
    expectArchived(result, imageDigest)
  })

  it('contents:index ("Look inside") and contents:preview fail the same way, caching nothing', async () => {
    const { imageDigest, layer } = archivedLayer()
    expectArchived(
      await harness.app.dispatch('contents:index', { operationId: op(), ...layer, imageDigest }),
      imageDigest,
    )
    expectArchived(
      await harness.app.dispatch('contents:preview', {
        ...layer,
        imageDigest,
        path: 'srv/release.bin',
      }),
      imageDigest,
    )
    const cache = (await harness.app.dispatch('contents:cache', {})) as Result<ContentsCacheInfo>
    expect(cache).toMatchObject({ ok: true, value: { blobCount: 0, indexCount: 0 } })
  })

  it("the image's Files view, opened by tag, names the image's digest", async () => {
    const { imageDigest } = archivedLayer()
    const result = await harness.app.dispatch('contents:image-filesystem', {
      operationId: op(),
      repositoryName,
      imageTag: SAMPLE_TAGS.archive.archived,
    })
    expectArchived(result, imageDigest)
  })

  it('opened by digest alone it still fails as ImageArchived, with a placeholder for the image', async () => {
    const { layer } = archivedLayer()
    const result = await harness.app.dispatch('downloads:url', {
      repositoryName,
      digest: layer.digest,
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'ImageArchived' } })
    if (result.ok) throw new Error('unreachable')
    expect(result.error.imageDigest).toBeUndefined()
  })

  it('a malformed image digest is refused before any call to ECR', async () => {
    const { layer } = archivedLayer()
    const calls = harness.registry.requestCount('GetDownloadUrlForLayer')
    const result = await harness.app.dispatch('downloads:url', {
      repositoryName,
      digest: layer.digest,
      imageDigest: 'sha256:not-hex',
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'InvalidParameter' } })
    expect(harness.registry.requestCount('GetDownloadUrlForLayer')).toBe(calls)
  })
})
