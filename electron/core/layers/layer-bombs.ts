// Hostile layers that are small on the wire and huge as an index, generated as streams so a test
// never holds one in memory: an entry bomb (a million tiny entries) and a name bomb (entries with
// GNU long names of a few KiB). Not used by the app itself.
import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import { END, gnuLongBytes, header } from './tar-builder'

/** Entries per yielded chunk: big enough to be quick, small enough to stay flat. */
const BATCH = 256

/** A tar of `count` empty files with short distinct names (`d/<n>`), yielded in batches. */
export function* entryBomb(count: number): Generator<Buffer> {
  for (let at = 0; at < count; at += BATCH) {
    const parts: Buffer[] = []
    for (let i = at; i < Math.min(count, at + BATCH); i++) parts.push(header({ name: `d/${i}` }))
    yield Buffer.concat(parts)
  }
  yield END
}

/** A tar of `count` empty files, each named by a GNU long-name header of about `nameLength` bytes. */
export function* nameBomb(count: number, nameLength: number): Generator<Buffer> {
  for (let at = 0; at < count; at += BATCH) {
    const parts: Buffer[] = []
    for (let i = at; i < Math.min(count, at + BATCH); i++) {
      const tail = `/${i}`
      parts.push(gnuLongBytes(`${'n'.repeat(Math.max(1, nameLength - tail.length))}${tail}`))
      parts.push(header({ name: `n/${i}`, format: 'gnu' }))
    }
    yield Buffer.concat(parts)
  }
  yield END
}

/** A generated tar gzipped on the fly, as a layer blob stream. */
export function gzipped(tar: Iterable<Buffer>): Readable {
  return Readable.from(tar).pipe(createGzip({ level: 1 }))
}
