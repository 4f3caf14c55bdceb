import { createReadStream } from 'node:fs'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { nativeZstd } from '../electron/core/layers/decompress'

// Node's zstd decoder alone, made as the reader makes it, decoding a file into nothing: the floor
// under the reader's zstd listing. `node --import tsx bench/zstd-decode-child.ts <file>` prints one
// JSON line; it needs a Node with zlib zstd (22.15+).
const [file] = process.argv.slice(2)
const factory = nativeZstd()
if (!file || !factory) {
  console.error('usage: zstd-decode-child.ts <file>, under a Node with zlib zstd')
  process.exit(2)
}
const started = performance.now()
let bytes = 0
await pipeline(
  createReadStream(file, { highWaterMark: 1024 * 1024 }),
  factory(),
  new Writable({
    highWaterMark: 4 * 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      callback()
    },
  }),
)
console.log(JSON.stringify({ ms: performance.now() - started, bytes }))
