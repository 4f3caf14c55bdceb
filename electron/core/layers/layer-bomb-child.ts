// One read of a generated bomb layer in a process of its own, so its peak RSS is the reader's
// alone: `node --import tsx layer-bomb-child.ts entries|names [count] [nameLength]` prints one
// JSON line. The layer-reader memory tests run it.
import { isAppError } from '../../../shared/errors'
import { entryBomb, gzipped, nameBomb } from './layer-bombs'
import { readLayer } from './layer-reader'

const [kind, countArg, lengthArg] = process.argv.slice(2)
const count = Number(countArg ?? 1_000_000)
const tar =
  kind === 'entries'
    ? entryBomb(count)
    : kind === 'names'
      ? nameBomb(count, Number(lengthArg ?? 4000))
      : null
if (!tar) {
  console.error('usage: layer-bomb-child.ts entries|names [count] [nameLength]')
  process.exit(2)
}
let outcome: { code: string | null; message: string | null; entries: number | null }
try {
  const result = await readLayer(gzipped(tar), {
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  })
  outcome = { code: null, message: result.problem?.message ?? null, entries: result.entries.length }
} catch (error) {
  const data = (error as { error?: unknown }).error
  outcome = isAppError(data)
    ? { code: data.code, message: data.message, entries: null }
    : { code: 'thrown', message: String(error), entries: null }
}
// KiB on Linux.
console.log(JSON.stringify({ ...outcome, maxRssBytes: process.resourceUsage().maxRSS * 1024 }))
