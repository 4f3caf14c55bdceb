import { spawn, execFile } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { createHash } from 'node:crypto'
import { ECRClient, GetDownloadUrlForLayerCommand } from '@aws-sdk/client-ecr'
import { build } from 'esbuild'
import { request } from 'undici'
import { lastJsonLine, stats, table, type Suite, type SuiteResult } from './suite'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '..')
const MiB = 1024 * 1024
const SIZES = [256 * MiB, 1024 * MiB]
const RUNS = 7
// Linux's USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on every mainstream build).
const CLOCK_TICKS = 100

interface RegistryInfo {
  endpoint: string
  region: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  repositoryName: string
  warmUp: { digest: string; size: number }
  blobs: { digest: string; size: number }[]
}

interface Row {
  size: number
  ours: number
  /** Ours with every body read by undici instead of the app's own blob HTTP. */
  oursUndici: number
  curl: number
  curlSha: number
  /** `curl -o FILE URL && sync FILE`: curl with the same durability as ours. */
  curlSync: number
  skopeo: number | null
  /** Writing the same number of bytes with dd and fdatasync: the disk's durable-write floor. */
  ddSync: number
  /** The same HTTP client fetching the same URL into nothing: no hash, no file. */
  floor: number
  /** CPU seconds the registry process spent serving one `curl -o`, when /proc shows it. */
  serverCpu: number | null
  /** CPU accounting of ours and of the durable curl (median CPU-seconds per run), when /proc shows it. */
  cpu: CpuRow | null
  rss: number
}

/** Where the CPU went: user + system seconds of the client and of the server, per download. */
interface CpuRow {
  /** Ours: the client process over the timed download (every thread, the hash worker's too). */
  oursClient: number
  oursServer: number
  /** `curl -o FILE URL && sync FILE`: curl and sync together. */
  curlClient: number
  curlServer: number
}

/** Issue 4's download benchmark: our download-and-verify path against curl, sha256sum and skopeo. */
export const download: Suite = {
  id: 'download',
  title: 'Layer download and verification (issue 4)',
  async run(): Promise<SuiteResult> {
    const work = await mkdtemp(join(tmpdir(), 'elb-bench-download-'))
    const client = await bundle(work, 'download-client')
    const floorClient = await bundle(work, 'download-floor')
    const registry = await startRegistry()
    const skopeo = await startDistribution(work).catch((error: Error) => {
      console.log(`skopeo peer unavailable: ${error.message}`)
      return null
    })
    const rows: Row[] = []
    try {
      const ecr = new ECRClient({
        endpoint: registry.info.endpoint,
        region: registry.info.region,
        credentials: registry.info.credentials,
      })
      const { downloadUrl: warmUrl } = await ecr.send(
        new GetDownloadUrlForLayerCommand({
          repositoryName: registry.info.repositoryName,
          layerDigest: registry.info.warmUp.digest,
        }),
      )
      for (const blob of registry.info.blobs) {
        const { downloadUrl } = await ecr.send(
          new GetDownloadUrlForLayerCommand({
            repositoryName: registry.info.repositoryName,
            layerDigest: blob.digest,
          }),
        )
        const file = join(work, 'peer.bin')
        // The blob's own bytes, for the disk floor: random data, as the disk sees from us (some
        // virtual disks write zeros far faster than anything else).
        const source = join(work, 'source.bin')
        await run('curl', ['-sS', '-o', source, downloadUrl!])
        const image = skopeo ? await skopeo.push(blob, downloadUrl!) : null
        const ours: number[] = []
        const oursUndici: number[] = []
        const rss: number[] = []
        const curl: number[] = []
        const curlSha: number[] = []
        const curlSync: number[] = []
        const skopeoTimes: number[] = []
        const ddSync: number[] = []
        const floor: number[] = []
        const serverCpu: number[] = []
        const cpu = { oursClient: [], oursServer: [], curlClient: [], curlServer: [] } as Record<
          keyof CpuRow,
          number[]
        >
        // Ours and its peer, the durable curl, take turns going first: whatever one leaves behind
        // (page cache, writeback, a warm server) falls on each as often.
        const oursRun = async () => {
          // Each command starts with no dirty pages left by the one before (sync is not timed).
          await quiesce()
          const oursServerBefore = await cpuSeconds(registry.pid)
          const result = await oursOnce(client, registry.info, blob)
          const oursServerAfter = await cpuSeconds(registry.pid)
          ours.push(result.seconds)
          rss.push(result.maxRssBytes)
          cpu.oursClient.push(result.userSeconds + result.systemSeconds)
          if (oursServerBefore !== null && oursServerAfter !== null)
            cpu.oursServer.push(oursServerAfter - oursServerBefore)
        }
        const curlSyncRun = async () => {
          await quiesce()
          const curlServerBefore = await cpuSeconds(registry.pid)
          const curlClientBefore = await childrenCpuSeconds()
          curlSync.push(
            await timed('sh', [
              '-c',
              'curl -sS -o "$1" "$2" && sync "$1"',
              'sh',
              file,
              downloadUrl!,
            ]),
          )
          const curlClientAfter = await childrenCpuSeconds()
          const curlServerAfter = await cpuSeconds(registry.pid)
          if (curlClientBefore !== null && curlClientAfter !== null)
            cpu.curlClient.push(curlClientAfter - curlClientBefore)
          if (curlServerBefore !== null && curlServerAfter !== null)
            cpu.curlServer.push(curlServerAfter - curlServerBefore)
          await rm(file, { force: true })
        }
        for (let i = 0; i < RUNS; i++) {
          for (const turn of i % 2 === 0 ? [oursRun, curlSyncRun] : [curlSyncRun, oursRun]) {
            await turn()
          }
          await quiesce()
          oursUndici.push((await oursOnce(client, registry.info, blob, 'undici')).seconds)
          await quiesce()
          floor.push(await floorOnce(floorClient, downloadUrl!, warmUrl!, blob.size))
          await quiesce()
          const cpuBefore = await cpuSeconds(registry.pid)
          curl.push(await timed('curl', ['-sS', '-o', file, downloadUrl!]))
          const cpuAfter = await cpuSeconds(registry.pid)
          if (cpuBefore !== null && cpuAfter !== null) serverCpu.push(cpuAfter - cpuBefore)
          await rm(file, { force: true })
          await quiesce()
          curlSha.push(
            await timed('sh', [
              '-c',
              `curl -sS -o "$1" "$2" && sha256sum "$1" >/dev/null`,
              'sh',
              file,
              downloadUrl!,
            ]),
          )
          await rm(file, { force: true })
          if (skopeo && image) {
            const out = join(work, 'skopeo-out')
            await rm(out, { recursive: true, force: true })
            await quiesce()
            skopeoTimes.push(
              await timed('skopeo', [
                'copy',
                '--quiet',
                '--insecure-policy',
                '--src-tls-verify=false',
                image,
                `dir:${out}`,
              ]),
            )
            await rm(out, { recursive: true, force: true })
          }
          await quiesce()
          ddSync.push(
            await timed('dd', [
              `if=${source}`,
              `of=${file}`,
              'bs=1M',
              'conv=fdatasync',
              'status=none',
            ]),
          )
          await rm(file, { force: true })
        }
        await rm(source, { force: true })
        rows.push({
          size: blob.size,
          ours: stats(ours).median,
          oursUndici: stats(oursUndici).median,
          curl: stats(curl).median,
          curlSha: stats(curlSha).median,
          curlSync: stats(curlSync).median,
          skopeo: skopeoTimes.length ? stats(skopeoTimes).median : null,
          ddSync: stats(ddSync).median,
          floor: stats(floor).median,
          serverCpu: serverCpu.length ? stats(serverCpu).median : null,
          cpu: Object.values(cpu).every((values) => values.length > 0)
            ? {
                oursClient: stats(cpu.oursClient).median,
                oursServer: stats(cpu.oursServer).median,
                curlClient: stats(cpu.curlClient).median,
                curlServer: stats(cpu.curlServer).median,
              }
            : null,
          rss: Math.max(...rss),
        })
        console.log(`${blob.size / MiB} MiB done`)
      }
      ecr.destroy()
    } finally {
      registry.stop()
      skopeo?.stop()
      await rm(work, { recursive: true, force: true })
    }
    return report(rows, skopeo !== null)
  },
}

function report(rows: Row[], haveSkopeo: boolean): SuiteResult {
  const missed: string[] = []
  const fmt = (s: number) => `${s.toFixed(2)} s`
  const rate = (row: Row) => `${(row.size / MiB / row.ours).toFixed(0)} MiB/s`
  const lines = rows.map((row) => {
    const vsCurl = row.ours / row.curl
    const vsSha = row.ours / row.curlSha
    const vsSkopeo = row.skopeo ? row.ours / row.skopeo : null
    const label = `${row.size / MiB} MiB`
    if (vsCurl > 1.1) missed.push(`${label}: ${vsCurl.toFixed(2)}× curl (goal ≤ 1.10×)`)
    if (vsSha > 0.5) missed.push(`${label}: ${vsSha.toFixed(2)}× curl+sha256sum (goal ≤ 0.50×)`)
    if (vsSkopeo !== null && vsSkopeo > 1)
      missed.push(`${label}: ${vsSkopeo.toFixed(2)}× skopeo (goal ≤ 1.00×)`)
    const vsSync = row.ours / row.curlSync
    if (vsSync > 1) missed.push(`${label}: ${vsSync.toFixed(2)}× curl -o && sync (goal ≤ 1.00×)`)
    return [
      label,
      `${fmt(row.ours)} (${rate(row)})`,
      `${fmt(row.curl)} → **${vsCurl.toFixed(2)}×** (≤ 1.10×)`,
      `${fmt(row.curlSha)} → **${vsSha.toFixed(2)}×** (≤ 0.50×)`,
      row.skopeo ? `${fmt(row.skopeo)} → **${vsSkopeo!.toFixed(2)}×** (≤ 1.00×)` : 'not run',
      `${fmt(row.curlSync)} → **${vsSync.toFixed(2)}×** (≤ 1.00×)`,
      `${fmt(row.oursUndici)} (${versus(row.ours, row.oursUndici)})`,
      `${fmt(row.floor)} (${(row.floor / row.curl).toFixed(2)}× curl)`,
      `${fmt(row.ddSync)}`,
      `${(row.rss / MiB).toFixed(0)} MiB`,
    ]
  })
  const [small, large] = rows
  const rssRatio = small && large ? large.rss / small.rss : NaN
  if (!(rssRatio <= 1.1))
    missed.push(`peak RSS grew ${rssRatio.toFixed(2)}× from 256 MiB to 1 GiB (goal ≤ 1.10×)`)
  if (large && large.rss > 150 * MiB)
    missed.push(`peak RSS ${(large.rss / MiB).toFixed(0)} MiB (goal ≤ 150 MiB)`)
  const markdown = [
    `Random blobs served on loopback by the demo registry (in its own process) through pre-signed URLs from GetDownloadUrlForLayer. Median of ${RUNS} runs each; ours and \`curl -o FILE URL && sync FILE\` take turns going first, round by round. "Ours" is the app's DownloadService in a fresh Node process, timed after one 16 MiB warm-up download (the app's main process is long-running, so its download path is compiled by then): it asks ECR for the URL while it writes the partial file's sidecar, reads the body over a connection of its own (\`BlobHttp\`) straight into the file sink's 1 MiB batches in shared memory, which a worker thread hashes where they lie, off the event loop, while they are written in order (\`fdatasync\` every 8 MiB while bytes arrive, so the last one has little left), checks size and sha256, fsyncs and renames. Peers get the same URL (skopeo pulls the same bytes as a one-layer image from Debian's docker-registry on loopback into a \`dir:\` target, which verifies the digest).`,
    '',
    table(
      [
        'Blob',
        'Ours',
        'vs `curl -o`',
        'vs `curl -o && sha256sum`',
        'vs `skopeo copy`',
        'vs `curl -o && sync FILE`',
        'Ours, bodies through undici',
        'HTTP floor',
        'Same bytes, `dd conv=fdatasync`',
        'Our peak RSS',
      ],
      lines,
    ),
    '',
    `Peak RSS, 1 GiB vs 256 MiB: **${rssRatio.toFixed(2)}×** (goal ≤ 1.10×, and ≤ 150 MiB).`,
    '',
    cpuTable(rows),
    '',
    "**`curl -o && sync FILE`** is curl made as durable as ours (GNU `sync FILE` fsyncs that file): issue 11's peer, goal ≤ 1.00×. **Ours, bodies through undici**: the same download with every body read by undici (what a URL behind a proxy uses), in the same run; the percentage is how much faster the app's own `BlobHttp` path is, the reason it is kept beside undici. **HTTP floor**: the app's own blob HTTP path fetching the same URL in a fresh, warmed-up Node process and discarding the bytes — no hash, no file, no fsync; its ratio to `curl -o` is what receiving alone costs, and ours cannot be faster. **`dd conv=fdatasync`**: the same blob bytes copied from the page cache to a new file and flushed at the end, for a sense of this disk's durable-write speed in the run (ours flushes as it goes, overlapping the disk with the network, so it can finish sooner). Ours fsyncs before the rename, as the issue asks and as containerd and skopeo do, so a verified file survives a crash; `curl -o` leaves its bytes in the page cache.",
    '',
    whyFloor(rows),
    haveSkopeo
      ? ''
      : '\nskopeo or docker-registry is not installed here (`apt-get install skopeo docker-registry`); that peer was not run.',
  ].join('\n')
  const cpuLines = rows.flatMap((row) =>
    row.cpu
      ? [
          `${row.size / MiB} MiB CPU-s: ours ${row.cpu.oursClient.toFixed(2)} + server ${row.cpu.oursServer.toFixed(2)}, durable curl ${row.cpu.curlClient.toFixed(2)} + server ${row.cpu.curlServer.toFixed(2)} (${availableParallelism()} cores)`,
        ]
      : [],
  )
  const consoleText = [
    ...lines.map((l) => l.join('  ')),
    ...cpuLines,
    `RSS ratio ${rssRatio.toFixed(2)}×`,
  ].join('\n')
  return { markdown, console: consoleText.replaceAll('**', ''), missed }
}

// The machine's CPU as a limit: client and server share its cores, so no run can take less wall
// time than their CPU-seconds spread over every core. A floor near the wall time means CPU-bound.
function cpuTable(rows: Row[]): string {
  const cores = availableParallelism()
  const measured = rows.filter((row) => row.cpu !== null)
  if (measured.length === 0) return 'CPU accounting needs /proc (Linux); not measured here.'
  const s = (x: number) => `${x.toFixed(2)} s`
  const side = (client: number, server: number, wall: number) => {
    const floor = (client + server) / cores
    return [
      s(client),
      s(server),
      `${s(floor)} (${((floor / wall) * 100).toFixed(0)}% of its wall time)`,
    ]
  }
  const lines = measured.map((row) => {
    const cpu = row.cpu!
    return [
      `${row.size / MiB} MiB`,
      ...side(cpu.oursClient, cpu.oursServer, row.ours),
      ...side(cpu.curlClient, cpu.curlServer, row.curlSync),
      `${(cpu.oursClient - cpu.curlClient).toFixed(2)} s`,
    ]
  })
  return [
    `CPU accounting, median user + system CPU-seconds per download in the same runs. Client: ours is the download process over the timed download (every thread: the hash worker's too); the durable curl is curl and \`sync FILE\` together. Server: the demo registry process serving it. CPU floor on ${cores} cores = (client + server) / ${cores}: the least wall time the CPU allows; near 100% of the wall time, the run is CPU-bound on this machine.`,
    '',
    table(
      [
        'Blob',
        'Ours: client CPU',
        'server CPU',
        `CPU floor on ${cores} cores`,
        'Durable curl: client CPU',
        'server CPU',
        `CPU floor on ${cores} cores`,
        'Ours − curl, client CPU',
      ],
      lines,
    ),
  ].join('\n')
}

/** "ours 12% faster" or "ours 5% slower": our own blob HTTP against undici in the same run. */
function versus(ours: number, undici: number): string {
  const change = Math.round((undici / ours - 1) * 100)
  return change >= 0 ? `ours ${change}% faster` : `ours ${-change}% slower`
}

// What ours does that `curl -o` does not, from this run's numbers.
function whyFloor(rows: Row[]): string {
  const notes: string[] = []
  for (const row of rows) {
    if (row.floor > 1.1 * row.curl) {
      notes.push(
        `At ${row.size / MiB} MiB receiving alone (the HTTP floor, ${row.floor.toFixed(2)} s) is over the \`curl\` goal (${(1.1 * row.curl).toFixed(2)} s).`,
      )
    }
  }
  const large = rows.at(-1)
  if (large) {
    const rate = sha256Rate()
    notes.push(
      `Beyond what \`curl -o\` does, ours hashes every byte (sha256 runs at ${rate.toFixed(0)} MiB/s here: ${((large.size / MiB / rate) * 1000).toFixed(0)} ms of CPU for ${large.size / MiB} MiB) and makes the file durable before renaming it.` +
        (large.serverCpu !== null
          ? ` The demo registry serving it is a Node process on the same machine: it spent ${large.serverCpu.toFixed(2)} CPU-seconds on each ${large.size / MiB} MiB \`curl -o\` of ${large.curl.toFixed(2)} s (${((large.serverCpu / large.curl) * 100).toFixed(0)}% of a core, of ${availableParallelism()}).`
          : ''),
    )
  }
  return notes.join(' ')
}

export async function bundle(work: string, name: string): Promise<string> {
  // Bundled once so the measured process does not pay for a TypeScript loader in time or memory.
  const outfile = join(work, `${name}.mjs`)
  await build({
    entryPoints: [join(ROOT, 'bench', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  })
  return outfile
}

/** Writes out every dirty page, so the next timed command does not pay for the last one's. */
export async function quiesce(): Promise<void> {
  await run('sync', [])
}

/** A process's name, parent and user + system CPU seconds so far, from /proc (Linux). */
export async function procStat(
  pid: number,
): Promise<{ name: string; parent: number; cpuSeconds: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'latin1')
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    parent: Number(fields[1]),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
  }
}

/** User + system CPU seconds of a process so far, from /proc (Linux); null elsewhere. */
export async function cpuSeconds(pid: number): Promise<number | null> {
  return procStat(pid).then(
    (stat) => stat.cpuSeconds,
    () => null,
  )
}

/** User + system CPU seconds of this process's waited-for children so far (Linux); null elsewhere. */
export async function childrenCpuSeconds(): Promise<number | null> {
  try {
    const stat = await readFile('/proc/self/stat', 'latin1')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // cutime and cstime, fields 16 and 17: a shell's children count once the shell is waited for.
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS
  } catch {
    return null
  }
}

/** sha256 throughput of this machine's Node, in MiB/s, over 256 MiB in 1 MiB updates. */
function sha256Rate(): number {
  const chunk = Buffer.alloc(MiB, 7)
  const hash = createHash('sha256')
  const started = performance.now()
  for (let i = 0; i < 256; i++) hash.update(chunk)
  hash.digest()
  return 256 / ((performance.now() - started) / 1000)
}

async function floorOnce(client: string, url: string, warmUrl: string, size: number) {
  const { stdout } = await run(process.execPath, [client, url, warmUrl])
  const result = lastJsonLine<{ seconds: number; bytes: number }>(stdout)
  if (result.bytes !== size) throw new Error(`the floor run read ${result.bytes} of ${size} bytes`)
  return result.seconds
}

async function oursOnce(
  client: string,
  info: RegistryInfo,
  blob: { digest: string; size: number },
  via: 'own' | 'undici' = 'own',
) {
  const { stdout } = await run(process.execPath, [
    client,
    info.endpoint,
    info.region,
    info.credentials.accessKeyId,
    info.credentials.secretAccessKey,
    info.repositoryName,
    blob.digest,
    String(blob.size),
    info.warmUp.digest,
    String(info.warmUp.size),
    via,
  ])
  const result = lastJsonLine<{
    seconds: number
    status: string
    size: number
    maxRssBytes: number
    userSeconds: number
    systemSeconds: number
  }>(stdout)
  if (result.status !== 'downloaded' || result.size !== blob.size) {
    throw new Error(`our download did not verify: ${JSON.stringify(result)}`)
  }
  return result
}

async function timed(command: string, args: string[]): Promise<number> {
  const started = performance.now()
  await run(command, args, { maxBuffer: 1024 * 1024 })
  return (performance.now() - started) / 1000
}

async function startRegistry(): Promise<{ info: RegistryInfo; pid: number; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'download-registry.ts'), ...SIZES.map(String)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once('line', resolveLine)
    child.once('exit', (code) => reject(new Error(`registry exited with ${code}`)))
  })
  return {
    info: JSON.parse(line) as RegistryInfo,
    pid: child.pid!,
    stop: () => child.kill('SIGTERM'),
  }
}

/** Debian's docker-registry on loopback, for skopeo; pushes a one-layer image of a blob. */
export async function startDistribution(work: string) {
  await run('skopeo', ['--version'])
  const port = await freePort()
  const root = join(work, 'distribution')
  await mkdir(root, { recursive: true })
  const config = join(work, 'registry.yml')
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${root}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  )
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' })
  const base = `http://127.0.0.1:${port}`
  await untilUp(`${base}/v2/`, child)
  return {
    base,
    stop: () => child.kill('SIGTERM'),
    async push(blob: { digest: string; size: number }, url: string): Promise<string> {
      const name = 'bench/blob'
      const local = join(work, 'push.bin')
      await run('curl', ['-sS', '-o', local, url])
      await upload(base, name, blob.digest, blob.size, () => createReadStream(local))
      await rm(local, { force: true })
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [blob.digest] },
        }),
      )
      const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`
      await upload(base, name, configDigest, config.length, () => config)
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: blob.digest,
            size: blob.size,
          },
        ],
      })
      const tag = `s${blob.size}`
      const put = await request(`${base}/v2/${name}/manifests/${tag}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        body: manifest,
      })
      await put.body.dump()
      if (put.statusCode !== 201) throw new Error(`manifest push answered ${put.statusCode}`)
      return `docker://127.0.0.1:${port}/${name}:${tag}`
    },
  }
}

/** Pushes one blob to a docker-registry with a monolithic upload. */
export async function upload(
  base: string,
  name: string,
  digest: string,
  size: number,
  body: () => NodeJS.ReadableStream | Buffer,
): Promise<void> {
  const start = await request(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST' })
  await start.body.dump()
  const location = new URL(String(start.headers.location), base)
  location.searchParams.set('digest', digest)
  const put = await request(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: body() as Buffer,
  })
  await put.body.dump()
  if (put.statusCode !== 201) throw new Error(`blob push answered ${put.statusCode}`)
}

async function untilUp(url: string, child: ReturnType<typeof spawn>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error('docker-registry exited')
    try {
      const response = await request(url)
      await response.body.dump()
      if (response.statusCode === 200) return
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('docker-registry did not start')
}

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolvePort(port))
    })
  })
}
