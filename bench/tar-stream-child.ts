import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { extract } from 'tar-stream'

// The library the layer reader's own tar parser (electron/core/layers/tar-parser.ts) is measured
// against: tar-stream listing the same gzip layer into the same index (path, type, size, mode,
// owner, mtime, link target, sha256 of files up to 1 MiB), in a process of its own. Prints one
// JSON line: `node --import tsx bench/tar-stream-child.ts <file.tar.gz>`.
const HASH_LIMIT = 1024 * 1024
const [file] = process.argv.slice(2)
if (!file) {
  console.error('usage: tar-stream-child.ts <file.tar.gz>')
  process.exit(2)
}
interface Entry {
  path: string
  type: string
  size: number
  mode: number
  uid: number
  gid: number
  mtime: number
  linkTarget: string | null
  sha256: string | null
}
const entries: Entry[] = []
let tarBytes = 0
const started = performance.now()
const reader = extract()
reader.on('entry', (header, stream, next) => {
  const hash =
    header.type === 'file' && (header.size ?? 0) <= HASH_LIMIT ? createHash('sha256') : null
  stream.on('data', (chunk: unknown) => {
    const bytes = chunk as Buffer
    tarBytes += bytes.length
    hash?.update(bytes)
  })
  stream.on('end', () => {
    // The archive's root ('./') is no entry of the layer, as the reader sees it.
    if (header.name === '.' || header.name === './') return next()
    entries.push({
      path: header.name,
      type: header.type ?? 'file',
      size: header.size ?? 0,
      mode: header.mode ?? 0,
      uid: header.uid ?? 0,
      gid: header.gid ?? 0,
      mtime: header.mtime?.getTime() ?? 0,
      linkTarget: header.linkname ?? null,
      sha256: hash?.digest('hex') ?? null,
    })
    next()
  })
  stream.resume()
})
await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), createGunzip(), reader)
const ms = performance.now() - started
console.log(
  JSON.stringify({
    ms,
    entries: entries.length,
    complete: true,
    problem: null,
    decoder: 'gzip',
    tarBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
)
