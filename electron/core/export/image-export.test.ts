import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import type { Result } from '../../../shared/ipc/result'
import type { ExportProgress, ExportResult, LayoutCheck } from '../../../shared/models/export'
import { createApp, type App } from '../create-app'
import { Logger } from '../services/logger'
import { fakePlatform, startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'
import { fillDiskAfter } from '../testing/full-disk'

// "Save image…" through the real app against the demo registry, and the files it writes checked
// by tools that share no code with it: skopeo (which re-verifies every digest it copies), umoci,
// and podman where it runs (as root here, with its own storage in a temporary folder).

const run = promisify(execFile)
const AWS = { connection: { kind: 'aws' as const, profile: null, region: 'us-east-1' } }

let harness: Harness | null = null
let restoreEnv: (() => void) | null = null
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
  restoreEnv?.()
  restoreEnv = null
  await harness?.close()
  harness = null
})

async function start(): Promise<Harness> {
  harness = await startHarness({ settings: AWS })
  restoreEnv = stubProcessEnv(harness.env)
  return harness
}

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

const downloads = (h: Harness) => join(h.dataDir, 'downloads')
const sha256 = (bytes: string | Buffer) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

async function skopeo(...args: string[]): Promise<string> {
  const { stdout } = await run('skopeo', ['--insecure-policy', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  })
  return stdout
}

async function save(app: App, request: Record<string, unknown>): Promise<ExportResult> {
  return value<ExportResult>(
    await app.dispatch('export:save-image', { operationId: `export-${Date.now()}`, ...request }),
  )
}

describe('Save image as an OCI layout', () => {
  it('keeps demo/multi-arch:latest whole and byte-exact: the index, every platform, the attestation; skopeo copies it with every digest re-verified', async () => {
    const h = await start()
    const { index, amd64, arm64, attestation } = h.registry.samples().multiArch
    const target = join(downloads(h), 'multi-arch')
    const result = await save(h.app, {
      repositoryName: 'demo/multi-arch',
      imageTag: 'latest',
      platform: 'all',
      includeReferrers: true,
      format: 'oci-dir',
      target,
    })
    expect(result.status).toBe('done')
    expect(result.digest).toBe(index.imageDigest)
    expect(result.verified?.ok).toBe(true)
    expect(result.verified?.summary).toMatch(/^verified: \d+ blobs, \d+ bytes$/)

    // Manifests are the bytes ECR served, under their digests; no reformatting.
    for (const record of [index, amd64, arm64, attestation]) {
      const bytes = await readFile(
        join(target, 'blobs', 'sha256', record.imageDigest.slice(7)),
        'utf8',
      )
      expect(bytes).toBe(record.imageManifest)
      expect(sha256(bytes)).toBe(record.imageDigest)
    }
    const layoutIndex = JSON.parse(await readFile(join(target, 'index.json'), 'utf8')) as {
      manifests: { digest: string; annotations?: Record<string, string> }[]
    }
    expect(layoutIndex.manifests[0]?.digest).toBe(index.imageDigest)
    expect(layoutIndex.manifests[0]?.annotations?.['org.opencontainers.image.ref.name']).toBe(
      'latest',
    )
    expect(JSON.parse(await readFile(join(target, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    })
    // Nothing of the export's own is left: no marker, no partial files.
    expect(await readdir(target)).toEqual(expect.not.arrayContaining(['.ecr-export.json']))
    const names = await readdir(join(target, 'blobs', 'sha256'))
    expect(names.filter((n) => n.includes('.'))).toEqual([])
    // Blobs shared by platforms are fetched once: one blob request per distinct blob.
    const fetched = h.registry.blobRequestLog().filter((e) => e.status === 200)
    expect(new Set(fetched.map((e) => e.digest)).size).toBe(fetched.length)

    // skopeo: the raw index is ECR's, and a copy of every platform re-verifies every digest.
    expect(await skopeo('inspect', '--raw', `oci:${target}:latest`)).toBe(index.imageManifest)
    const out = await mkdtemp(join(tmpdir(), 'elb-skopeo-'))
    cleanups.push(() => rm(out, { recursive: true, force: true }))
    await skopeo('copy', '--all', `oci:${target}:latest`, `dir:${out}`)
    expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(index.imageManifest)
    const inspect = JSON.parse(
      await skopeo(
        'inspect',
        '--override-arch',
        'arm64',
        '--override-variant',
        'v8',
        `oci:${target}:latest`,
      ),
    ) as { Digest: string; Architecture: string }
    expect(inspect.Architecture).toBe('arm64')

    // The end check re-stat'ed the blobs this export fetched and verified itself, and re-hashed
    // the rest (the manifests); "Verify a layout…" re-hashes every one and gives the same answer.
    expect(result.verified?.restated).toBe(result.fetched)
    const again = value<LayoutCheck>(await h.app.dispatch('export:verify-layout', { path: target }))
    expect(again.summary).toBe(result.verified?.summary)
    expect(again.restated).toBe(0)
  })

  it('saves one platform of an index with its attestation; umoci unpacks it to the files the app merges', async () => {
    const h = await start()
    const { amd64, attestation } = h.registry.samples().multiArch
    const target = join(downloads(h), 'amd64')
    const result = await save(h.app, {
      repositoryName: 'demo/multi-arch',
      imageTag: 'latest',
      platform: amd64.imageDigest,
      includeReferrers: true,
      format: 'oci-dir',
      target,
    })
    expect(result.digest).toBe(amd64.imageDigest)
    const refs = result.verified?.refs ?? []
    expect(refs.map((r) => r.digest)).toEqual([amd64.imageDigest, attestation.imageDigest])
    expect(refs[0]?.name).toBe('latest')

    const bundle = await mkdtemp(join(tmpdir(), 'elb-umoci-'))
    cleanups.push(() => rm(bundle, { recursive: true, force: true }))
    await rm(bundle, { recursive: true })
    await run('umoci', ['unpack', '--rootless', '--image', `${target}:latest`, bundle])
    const merged = value<{ entries: { path: string; type: string; size: number }[] }>(
      await h.app.dispatch('contents:image-filesystem', {
        operationId: `merge-${Date.now()}`,
        repositoryName: 'demo/multi-arch',
        imageDigest: amd64.imageDigest,
      }),
    )
    const files = merged.entries.filter(
      (e) => e.type === 'file' && (e as { change?: string }).change !== 'deleted',
    )
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const path = file.path.replace(/^\/+/, '')
      expect((await stat(join(bundle, 'rootfs', path))).size, path).toBe(file.size)
    }
  })

  it('keeps the OCI 1.1 referrers of demo/signed:1.0 (and the signature on its SBOM) beside it, each naming its subject', async () => {
    const h = await start()
    const signed = h.registry.samples().signed.signed
    const target = join(downloads(h), 'signed')
    const result = await save(h.app, {
      repositoryName: 'demo/signed',
      imageTag: '1.0',
      includeReferrers: true,
      format: 'oci-dir',
      target,
    })
    expect(result.verified?.ok).toBe(true)
    const refs = result.verified?.refs ?? []
    expect(refs[0]?.digest).toBe(signed.imageDigest)
    const others = refs.slice(1)
    expect(others.length).toBeGreaterThanOrEqual(5)
    const subjects = new Set([signed.imageDigest, ...others.map((r) => r.digest)])
    let nested = 0
    for (const ref of others) {
      const bytes = await readFile(join(target, 'blobs', 'sha256', ref.digest.slice(7)), 'utf8')
      expect(sha256(bytes)).toBe(ref.digest)
      const subject = (JSON.parse(bytes) as { subject?: { digest: string } }).subject?.digest
      // Either a referrer of the image, or of one of its referrers (the SBOM's signature), or the
      // legacy cosign tag's manifest, which has no subject.
      if (subject) expect(subjects.has(subject)).toBe(true)
      if (subject && subject !== signed.imageDigest) nested++
    }
    expect(nested).toBeGreaterThan(0)
    const out = await mkdtemp(join(tmpdir(), 'elb-skopeo-'))
    cleanups.push(() => rm(out, { recursive: true, force: true }))
    await skopeo('copy', `oci:${target}:1.0`, `dir:${out}`)
    expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(signed.imageManifest)
  })

  it('refuses a folder that holds something else, and leaves it as it was', async () => {
    const h = await start()
    const target = join(downloads(h), 'busy')
    await mkdir(target, { recursive: true })
    await writeFile(join(target, 'notes.txt'), 'mine')
    const result = await h.app.dispatch('export:save-image', {
      operationId: 'export-busy-1',
      repositoryName: 'demo/multi-arch',
      imageTag: 'latest',
      format: 'oci-dir',
      target,
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('ExportTargetNotEmpty')
    expect(await readdir(target)).toEqual(['notes.txt'])
  })

  it('stops on a blob that fails verification, naming its digest, and keeps no damaged file', async () => {
    const h = await start()
    const { amd64 } = h.registry.samples().multiArch
    const layer = (JSON.parse(amd64.imageManifest) as { layers: { digest: string }[] }).layers[1]!
    h.registry.injectBlobFault({ kind: 'corrupt', offset: 10, digest: layer.digest, times: 20 })
    const target = join(downloads(h), 'corrupt')
    const result = await h.app.dispatch('export:save-image', {
      operationId: 'export-corrupt-1',
      repositoryName: 'demo/multi-arch',
      imageDigest: amd64.imageDigest,
      platform: 'all',
      format: 'oci-dir',
      target,
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('DigestMismatch')
    expect(result.error.message).toContain(layer.digest)
    const names = await readdir(join(target, 'blobs', 'sha256'))
    expect(names).not.toContain(layer.digest.slice(7))
    expect(names).not.toContain(`${layer.digest.slice(7)}.partial`)
    expect(await readdir(target)).not.toContain('index.json')
  })

  it('"Verify a layout…" names a damaged blob of a layout another tool could have written', async () => {
    const h = await start()
    const { amd64 } = h.registry.samples().multiArch
    const target = join(downloads(h), 'damaged')
    await save(h.app, {
      repositoryName: 'demo/multi-arch',
      imageDigest: amd64.imageDigest,
      format: 'oci-dir',
      target,
    })
    const layer = (JSON.parse(amd64.imageManifest) as { layers: { digest: string }[] }).layers[0]!
    const path = join(target, 'blobs', 'sha256', layer.digest.slice(7))
    const bytes = await readFile(path)
    bytes[5] = bytes[5]! ^ 0xff
    await writeFile(path, bytes)
    const check = value<LayoutCheck>(await h.app.dispatch('export:verify-layout', { path: target }))
    expect(check.ok).toBe(false)
    expect(check.problems).toEqual([
      `Blob ${layer.digest} does not match its digest: it is damaged.`,
    ])
  })

  it('re-uses a layer already downloaded and verified instead of fetching it again, and says how', async () => {
    const h = await start()
    const { amd64 } = h.registry.samples().multiArch
    const layer = (
      JSON.parse(amd64.imageManifest) as {
        layers: { digest: string; size: number; mediaType: string }[]
      }
    ).layers[1]!
    value(
      await h.app.dispatch('downloads:start', {
        operationId: 'download-reuse-1',
        repositoryName: 'demo/multi-arch',
        digest: layer.digest,
        mediaType: layer.mediaType,
        size: layer.size,
        onExisting: 'replace',
      }),
    )
    h.registry.clearBlobRequestLog()
    const result = await save(h.app, {
      repositoryName: 'demo/multi-arch',
      imageDigest: amd64.imageDigest,
      format: 'oci-dir',
      target: join(downloads(h), 'reuse'),
    })
    const reused = Object.values(result.reused).reduce((a, b) => a + (b ?? 0), 0)
    expect(reused).toBe(1)
    expect(Object.keys(result.reused)[0]).toMatch(/^(reflink|hardlink|copy)$/)
    expect(h.registry.blobRequestLog().map((e) => e.digest)).not.toContain(layer.digest)
    expect(result.verified?.ok).toBe(true)
    // A re-used blob is re-hashed by the end check: only the fetched ones are re-stat'ed.
    expect(result.verified?.restated).toBe(result.fetched)
    expect(result.verified?.blobs).toBeGreaterThan(result.fetched + reused)
  })
})

describe('Save image as a tar', () => {
  it('writes a docker-archive that is also an OCI layout: skopeo reads it both ways, podman loads it', async () => {
    const h = await start()
    const { amd64 } = h.registry.samples().multiArch
    const target = join(downloads(h), 'multi-arch-amd64.tar')
    const result = await save(h.app, {
      repositoryName: 'demo/multi-arch',
      imageTag: 'latest',
      platform: amd64.imageDigest,
      format: 'docker-archive',
      target,
    })
    expect(result.status).toBe('done')
    expect(result.path).toBe(target)
    expect(result.verified?.ok).toBe(true)
    expect(result.warnings.join(' ')).toContain('not ECR')
    expect(await readdir(downloads(h))).toEqual(['multi-arch-amd64.tar'])

    const config = (JSON.parse(amd64.imageManifest) as { config: { digest: string } }).config
    const asDocker = JSON.parse(await skopeo('inspect', `docker-archive:${target}`)) as {
      Layers: string[]
    }
    expect(asDocker.Layers).toHaveLength(2)
    const dir1 = await mkdtemp(join(tmpdir(), 'elb-skopeo-'))
    const dir2 = await mkdtemp(join(tmpdir(), 'elb-skopeo-'))
    cleanups.push(() => rm(dir1, { recursive: true, force: true }))
    cleanups.push(() => rm(dir2, { recursive: true, force: true }))
    await skopeo('copy', `docker-archive:${target}`, `dir:${dir1}`)
    await skopeo('copy', `oci-archive:${target}:latest`, `dir:${dir2}`)
    // Through the OCI side the manifest is ECR's own bytes.
    expect(await readFile(join(dir2, 'manifest.json'), 'utf8')).toBe(amd64.imageManifest)
    expect(await readdir(dir1)).toContain(config.digest.slice(7))

    const root = await mkdtemp(join(tmpdir(), 'elb-podman-'))
    cleanups.push(() => rm(root, { recursive: true, force: true }))
    const podman = (...args: string[]) =>
      run('podman', [
        '--root',
        join(root, 'storage'),
        '--runroot',
        join(root, 'run'),
        '--storage-driver',
        'vfs',
        ...args,
      ])
    await podman('load', '-i', target)
    const { stdout } = await podman(
      'image',
      'inspect',
      '--format',
      '{{.Id}}',
      `demo/multi-arch:latest`,
    ).catch(() => podman('images', '--format', '{{.Id}}', '--no-trunc'))
    expect(stdout.trim()).toContain(config.digest.slice(7))
  })

  it('writes an OCI layout tar of the whole index that skopeo copies with every digest re-verified and podman loads', async () => {
    const h = await start()
    const { index } = h.registry.samples().multiArch
    const target = join(downloads(h), 'multi-arch.tar')
    const result = await save(h.app, {
      repositoryName: 'demo/multi-arch',
      imageTag: 'latest',
      format: 'oci-tar',
      target,
    })
    expect(result.verified?.ok).toBe(true)
    expect(result.digest).toBe(index.imageDigest)
    const out = await mkdtemp(join(tmpdir(), 'elb-skopeo-'))
    cleanups.push(() => rm(out, { recursive: true, force: true }))
    await skopeo('copy', '--all', `oci-archive:${target}:latest`, `dir:${out}`)
    expect(await readFile(join(out, 'manifest.json'), 'utf8')).toBe(index.imageManifest)

    // podman loads the OCI archive too (it picks the platform of this machine out of the index).
    const root = await mkdtemp(join(tmpdir(), 'elb-podman-'))
    cleanups.push(() => rm(root, { recursive: true, force: true }))
    const podman = (...args: string[]) =>
      run('podman', [
        '--root',
        join(root, 'storage'),
        '--runroot',
        join(root, 'run'),
        '--storage-driver',
        'vfs',
        ...args,
      ])
    await podman('load', '-i', target)
    const { amd64, arm64 } = h.registry.samples().multiArch
    const mine = process.arch === 'arm64' ? arm64 : amd64
    const config = (JSON.parse(mine.imageManifest) as { config: { digest: string } }).config
    const { stdout } = await podman('images', '--format', '{{.Id}}', '--no-trunc')
    expect(stdout).toContain(config.digest.slice(7))
  })

  it('a full disk says so, and leaves nothing at the tar’s name, while fetching blobs or while assembling the tar', async () => {
    const h = await start()
    const { amd64 } = h.registry.samples().multiArch
    const parsed = JSON.parse(amd64.imageManifest) as {
      config: { size: number }
      layers: { size: number }[]
    }
    const blobs =
      parsed.config.size +
      parsed.layers.reduce((sum, l) => sum + l.size, 0) +
      amd64.imageManifest.length
    for (const [name, room] of [
      ['while-fetching.tar', 10_000],
      ['while-assembling.tar', blobs + 4_000],
    ] as const) {
      const target = join(downloads(h), name)
      const restore = await fillDiskAfter(room)
      let result: Result<unknown>
      try {
        result = await h.app.dispatch('export:save-image', {
          operationId: `export-full-${room}`,
          repositoryName: 'demo/multi-arch',
          imageDigest: amd64.imageDigest,
          format: 'oci-tar',
          target,
        })
      } finally {
        restore()
      }
      expect(result.ok, name).toBe(false)
      if (result.ok) return
      expect(result.error.code, name).toBe('DiskFull')
      expect(result.error.message).toContain('the disk is full')
      const names = await readdir(downloads(h))
      expect(names, name).not.toContain(name)
      expect(names, name).not.toContain(`${name}.partial`)
      // The layout folder the tar is assembled from is kept for the next run: finished in the
      // second case (the tar was what failed), unfinished in the first.
      const work = await readdir(join(downloads(h), `${name}.export`))
      expect(work.includes('index.json'), name).toBe(name === 'while-assembling.tar')
      // With room again, the same request finishes from what was kept.
      const again = await save(h.app, {
        repositoryName: 'demo/multi-arch',
        imageDigest: amd64.imageDigest,
        format: 'oci-tar',
        target,
      })
      expect(again.verified?.ok, name).toBe(true)
      // Once every blob was in the layout (the tar was what failed), none is fetched again. While
      // fetching, which of the concurrent writes took the 10,000 bytes is the scheduler's choice,
      // so what was kept varies; resuming the blob in flight is 'an export cut off halfway'.
      if (name === 'while-assembling.tar') {
        expect(again.reused['in-layout'] ?? 0, name).toBeGreaterThan(0)
        expect(again.fetched, name).toBe(0)
      }
    }
    expect((await readdir(downloads(h))).sort()).toEqual([
      'while-assembling.tar',
      'while-fetching.tar',
    ])
  })

  it('refuses a docker-archive of a whole index: it holds one platform', async () => {
    const h = await start()
    const result = await h.app.dispatch('export:save-image', {
      operationId: 'export-docker-all',
      repositoryName: 'demo/multi-arch',
      imageTag: 'latest',
      platform: 'all',
      format: 'docker-archive',
      target: join(downloads(h), 'all.tar'),
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toContain('A docker-archive holds one platform')
  })
})

describe('an export cut off halfway', () => {
  it('is cancelled with its finished blobs kept, and the next run resumes the blob in flight with Range', async () => {
    const first = await start()
    const { amd64 } = first.registry.samples().multiArch
    const layers = (JSON.parse(amd64.imageManifest) as { layers: { digest: string }[] }).layers
    const slowLayer = layers[1]!.digest
    first.registry.injectBlobFault({
      kind: 'slow',
      bytesPerSecond: 4096,
      digest: slowLayer,
      times: 1,
    })
    // The app is built here so the progress events can cancel it: the first bytes of the slow
    // layer are the cue, not a timer.
    const dataDir = await mkdtemp(join(tmpdir(), 'elb-export-cancel-'))
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify(AWS))
    let cancelled = false
    const app: App = createApp({
      dataDir,
      env: first.env,
      platform: fakePlatform(join(dataDir, 'downloads')),
      log: new Logger(join(dataDir, 'logs', 'main.log')),
      emit: (channel, payload) => {
        if (channel !== 'export:progress' || cancelled) return
        const progress = payload as ExportProgress
        if (progress.inFlight.some((b) => b.digest === slowLayer && b.receivedBytes > 0)) {
          cancelled = true
          void app.dispatch('operations:cancel', { operationId: progress.operationId })
        }
      },
    })
    cleanups.push(() => app.dispose())
    const target = join(dataDir, 'downloads', 'resumed')
    const request = {
      repositoryName: 'demo/multi-arch',
      imageDigest: amd64.imageDigest,
      format: 'oci-dir',
      target,
    }
    const stopped = await save(app, request)
    expect(stopped.status).toBe('cancelled')
    expect(await readdir(target)).not.toContain('index.json')
    const partial = join(target, 'blobs', 'sha256', `${slowLayer.slice(7)}.partial`)
    const kept = (await stat(partial)).size
    expect(kept).toBeGreaterThan(0)
    const unfinished = value<{ path: string }[]>(await app.dispatch('export:list-unfinished', {}))
    expect(unfinished.map((u) => u.path)).toEqual([target])

    first.registry.clearBlobRequestLog()
    const resumed = await save(app, request)
    expect(resumed.status).toBe('done')
    expect(resumed.verified?.ok).toBe(true)
    expect(resumed.reused['in-layout']).toBeGreaterThan(0)
    const log = first.registry.blobRequestLog().filter((e) => e.digest === slowLayer)
    expect(log.map((e) => e.range)).toEqual([`bytes=${kept}-`])
    expect(value<unknown[]>(await app.dispatch('export:list-unfinished', {}))).toEqual([])
  })
})
