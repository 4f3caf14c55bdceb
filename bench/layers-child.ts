import { createReadStream } from 'node:fs'
import { readLayer } from '../electron/core/layers/layer-reader'

// One measured read of a layer, in a process of its own so its peak RSS is the reader's alone:
// `node --import tsx bench/layers-child.ts <file> <mediaType>` prints one JSON line.
const [file, mediaType] = process.argv.slice(2)
if (!file || !mediaType) {
  console.error('usage: layers-child.ts <file> <mediaType>')
  process.exit(2)
}
const started = performance.now()
const result = await readLayer(createReadStream(file, { highWaterMark: 1024 * 1024 }), {
  mediaType,
})
const ms = performance.now() - started
console.log(
  JSON.stringify({
    ms,
    entries: result.entries.length,
    complete: result.complete,
    problem: result.problem?.message ?? null,
    decoder: result.decoder,
    tarBytes: result.tarBytes,
    // KiB on Linux.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
)
