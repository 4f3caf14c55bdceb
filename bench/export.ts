import { execFile, spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { request } from 'undici'
import { bundle, quiesce, startDistribution, upload } from './download'
import { lastJsonLine, stats, table, type Suite, type SuiteResult } from './suite'

// Issue 15's benchmark: "Save image…" of a 2-layer image with 1 GiB of layers into an OCI layout
// folder, against `skopeo copy docker://… oci:DIR` of the same image from Debian's docker-registry
// on loopback, in the same run.

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '..')
const SIZES = [512 * 1024 * 1024, 512 * 1024 * 1024]
const RUNS = 3
const GOAL_VS_SKOPEO = 0.8
const GOAL_RSS = 150 * 1024 * 1024

interface RegistryInfo {
  endpoint: string
  region: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  repositoryName: string
  warmUp: { tag: string }
  image: {
    tag: string
    imageDigest: string
    manifest: string
    config: string
    layers: { digest: string; size: number; url: string }[]
  }
}

/** The export benchmark. */
export const exportImage: Suite = {
  id: 'export',
  title: 'Save image (issue 15)',
  async run(): Promise<SuiteResult> {
    const work = await mkdtemp(join(tmpdir(), 'elb-bench-export-'))
    const registry = await startRegistry()
    const distribution = await startDistribution(work).catch((error: Error) => {
      console.log(`skopeo peer unavailable: ${error.message}`)
      return null
    })
    try {
      const { info } = registry
      const client = await bundle(work, 'export-client')
      let source: string | null = null
      if (distribution) source = await push(distribution.base, info, work)
      const ours: { seconds: number; rss: number }[] = []
      const skopeo: number[] = []
      for (let i = 0; i < RUNS; i++) {
        await quiesce()
        ours.push(await oursOnce(client, info))
        if (source) {
          const out = join(work, 'skopeo-out')
          await rm(out, { recursive: true, force: true })
          await quiesce()
          const started = performance.now()
          await run('skopeo', [
            '--insecure-policy',
            'copy',
            '--src-tls-verify=false',
            source,
            `oci:${out}:bench`,
          ])
          skopeo.push((performance.now() - started) / 1000)
          await rm(out, { recursive: true, force: true })
        }
      }
      return report(
        stats(ours.map((o) => o.seconds)).median,
        Math.max(...ours.map((o) => o.rss)),
        skopeo.length ? stats(skopeo).median : null,
      )
    } finally {
      distribution?.stop()
      registry.stop()
      await rm(work, { recursive: true, force: true })
    }
  },
}

function report(ours: number, rss: number, skopeo: number | null): SuiteResult {
  const total = SIZES.reduce((a, b) => a + b, 0)
  const missed: string[] = []
  const vs = skopeo ? ours / skopeo : null
  if (vs !== null && vs > GOAL_VS_SKOPEO) {
    missed.push(`${vs.toFixed(2)}× skopeo (goal ≤ ${GOAL_VS_SKOPEO.toFixed(2)}×)`)
  }
  if (rss > GOAL_RSS) missed.push(`peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB (goal ≤ 150 MiB)`)
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`
  const rate = (s: number) => `${(total / 2 ** 20 / s).toFixed(0)} MiB/s`
  const rows = [
    ['Ours (ImageExporter → OCI layout folder)', `${ours.toFixed(2)} s`, rate(ours), mib(rss)],
    [
      '`skopeo copy docker://… oci:DIR`',
      skopeo ? `${skopeo.toFixed(2)} s` : 'not run',
      skopeo ? rate(skopeo) : '',
      '',
    ],
  ]
  const markdown = [
    `A 2-layer image (${SIZES.map(mib).join(' + ')}, random bytes, uncompressed tar media type) served on loopback: to us by the demo registry (in its own process; BatchGetImage, then GetDownloadUrlForLayer and pre-signed URLs), to skopeo by Debian's docker-registry holding the same manifest, config and layers. Median of ${RUNS} runs each, alternating. Ours is the app's ImageExporter, bundled, in a fresh Node process (no TypeScript loader) after a warm-up export of a small image, at the default download concurrency (3): manifests written as ECR served them, each layer through the blob pipeline into \`blobs/sha256/<hex>.partial\` (hashed as it streams, flushed while it arrives, fsynced, renamed), index.json last, then the end check re-reads index.json and every manifest (re-hashed) and re-stats each layer this export fetched itself (hashed as it streamed, fsynced, renamed: still the same file, size, device, inode and mtime) instead of hashing it again; blobs re-used from elsewhere and every blob in "Verify a layout…" are re-hashed. So ours, like skopeo, hashes the 1 GiB once. Each timed run starts after \`sync\`.`,
    '',
    table(['', 'Time', 'Rate', 'Peak RSS'], rows),
    '',
    vs !== null
      ? `Ours vs skopeo: **${vs.toFixed(2)}×** (goal ≤ ${GOAL_VS_SKOPEO.toFixed(2)}×). Peak RSS **${mib(rss)}** (goal ≤ 150 MiB).`
      : `skopeo or docker-registry is not installed here; that peer was not run. Peak RSS **${mib(rss)}** (goal ≤ 150 MiB).`,
  ].join('\n')
  return {
    markdown,
    console: `ours ${ours.toFixed(2)} s, skopeo ${skopeo?.toFixed(2) ?? '-'} s, peak RSS ${mib(rss)}`,
    missed,
  }
}

async function oursOnce(
  client: string,
  info: RegistryInfo,
): Promise<{ seconds: number; rss: number }> {
  const { stdout } = await run(
    process.execPath,
    [
      client,
      info.endpoint,
      info.region,
      info.credentials.accessKeyId,
      info.credentials.secretAccessKey,
      info.repositoryName,
      info.image.tag,
      info.warmUp.tag,
      '3',
    ],
    { cwd: ROOT, maxBuffer: 1024 * 1024 },
  )
  const result = lastJsonLine<{
    seconds: number
    status: string
    summary: string | null
    maxRssBytes: number
  }>(stdout)
  if (result.status !== 'done' || !result.summary?.startsWith('verified: ')) {
    throw new Error(`our export did not verify: ${JSON.stringify(result)}`)
  }
  return { seconds: result.seconds, rss: result.maxRssBytes }
}

// The same manifest, config and layers into docker-registry, so skopeo copies the same image.
async function push(base: string, info: RegistryInfo, work: string): Promise<string> {
  const name = 'bench/image'
  for (const layer of info.image.layers) {
    const local = join(work, 'push.bin')
    await run('curl', ['-sS', '-o', local, layer.url])
    await upload(base, name, layer.digest, layer.size, () => createReadStream(local))
    await rm(local, { force: true })
  }
  const config = Buffer.from(info.image.config, 'base64')
  const manifest = JSON.parse(info.image.manifest) as { config: { digest: string } }
  await upload(base, name, manifest.config.digest, config.length, () => config)
  const put = await request(`${base}/v2/${name}/manifests/${info.image.tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: info.image.manifest,
  })
  await put.body.dump()
  if (put.statusCode !== 201) throw new Error(`manifest push answered ${put.statusCode}`)
  return `docker://${base.replace(/^http:\/\//, '')}/${name}:${info.image.tag}`
}

async function startRegistry(): Promise<{ info: RegistryInfo; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'export-registry.ts'), ...SIZES.map(String)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once('line', resolveLine)
    child.once('exit', (code) => reject(new Error(`registry exited with ${code}`)))
  })
  return { info: JSON.parse(line) as RegistryInfo, stop: () => child.kill('SIGTERM') }
}
