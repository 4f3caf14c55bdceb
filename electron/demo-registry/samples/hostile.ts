import { createHash } from 'node:crypto'
import { createGzip } from 'node:zlib'
import { MEDIA_TYPES } from '../images'
import type { BlobRef, ImageRecord } from '../images'
import { at, DAY, defineSample, dir } from './builder'
import type { SampleBuilder } from './builder'

const REPOSITORY = 'demo/hostile'
const TAGS = { latest: 'latest', nameBomb: 'name-bomb' } as const

/** How many entries the name bomb holds, and how long each GNU long name is (bytes). */
export const NAME_BOMB_ENTRIES = 20_000
export const NAME_BOMB_NAME_BYTES = 4_000

/** The link: it climbs far above the folder and comes back down to the host's shadow. */
export const SHADOW_LINK_TARGET = `${'../'.repeat(14)}etc/shadow`

export interface HostileSample {
  /** Two layers of escaping links, links to links and a file written through a link. */
  readonly latest: ImageRecord
  /** One layer of 20,000 entries with ~4,000-byte GNU long names, tiny once gzipped. */
  readonly nameBomb: ImageRecord
  /** What each entry of `latest`'s layers is meant to show, by path: extraction refuses these. */
  readonly refused: readonly string[]
}

async function build(b: SampleBuilder): Promise<HostileSample> {
  const t = at(3 * DAY)
  const links = await b.layer(
    [
      dir('etc/', { mtime: t }),
      { name: 'etc/hostname', mtime: t, content: 'hostile\n' },
      // Climbs above whatever folder it is extracted into, then comes back down to /etc/shadow.
      { name: 'etc/shadow-link', type: 'symlink', linkname: SHADOW_LINK_TARGET, mtime: t },
      { name: 'etc/passwd-link', type: 'symlink', linkname: '/etc/passwd', mtime: t },
      dir('app/', { mtime: t }),
      { name: 'app/config.yaml', mtime: t, content: 'listen: 8080\n' },
      // Fine: stays inside.
      { name: 'app/current', type: 'symlink', linkname: 'config.yaml', mtime: t },
      { name: 'app/up', type: 'symlink', linkname: '../../outside', mtime: t },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  const chains = await b.layer(
    [
      dir('chain/', { mtime: t }),
      dir('chain/inner/', { mtime: t }),
      // Each alone stays inside; followed as the OS does, chain/escape is chain/inner/up/../..,
      // that is chain/.., then above the folder.
      { name: 'chain/inner/up', type: 'symlink', linkname: '..', mtime: t },
      { name: 'chain/escape', type: 'symlink', linkname: 'inner/up/../..', mtime: t },
      { name: 'chain/ping', type: 'symlink', linkname: 'pong', mtime: t },
      { name: 'chain/pong', type: 'symlink', linkname: 'ping', mtime: t },
      { name: 'chain/hard-to-link', type: 'link', linkname: 'chain/inner/up', mtime: t },
      dir('www/', { mtime: t }),
      dir('www/public/', { mtime: t }),
      { name: 'www/html', type: 'symlink', linkname: 'public', mtime: t },
      // Written through the link www/html: refused, whatever the link points at.
      { name: 'www/html/index.html', mtime: t, content: '<h1>through a link</h1>\n' },
      { name: 'www/public/index.html', mtime: t, content: '<h1>hello</h1>\n' },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  const config = b.config(MEDIA_TYPES.dockerConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t,
    config: { Env: [], Cmd: ['/bin/sh'] },
    diffIds: [links.diffId, chains.diffId],
    history: [
      { created_by: 'COPY links / # escaping and absolute symlinks' },
      { created_by: 'COPY chains / # links to links, a loop, a file written through a link' },
    ],
  })
  const latest = b.manifest(
    { repositoryName: REPOSITORY, tags: [TAGS.latest], pushedAt: t },
    'docker',
    config,
    [links.ref, chains.ref],
  )

  const bomb = await nameBomb(
    NAME_BOMB_ENTRIES,
    NAME_BOMB_NAME_BYTES,
    Math.floor(t.getTime() / 1000),
  )
  const bombRef: BlobRef = b.storeBlob(bomb.blob, MEDIA_TYPES.dockerLayerGzip)
  const bombConfig = b.config(MEDIA_TYPES.dockerConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t,
    config: { Env: [], Cmd: ['/bin/sh'] },
    diffIds: [bomb.diffId],
    history: [{ created_by: `RUN touch ${NAME_BOMB_ENTRIES} files with ~4 KB names` }],
  })
  const nameBombImage = b.manifest(
    { repositoryName: REPOSITORY, tags: [TAGS.nameBomb], pushedAt: at(3 * DAY - 60_000) },
    'docker',
    bombConfig,
    [bombRef],
  )
  return {
    latest,
    nameBomb: nameBombImage,
    refused: [
      'etc/shadow-link',
      'etc/passwd-link',
      'app/up',
      'chain/escape',
      'chain/ping',
      'chain/hard-to-link',
      'www/html/index.html',
    ],
  }
}

const BLOCK = 512

// One GNU tar header block (tar-stream writes PAX for long names; a name bomb uses GNU's 'L').
function gnuHeader(name: string, typeflag: string, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK)
  block.write(name, 0, 100, 'utf8')
  block.write('0000644\0', 100, 'latin1')
  block.write('0000000\0', 108, 'latin1')
  block.write('0000000\0', 116, 'latin1')
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1')
  block.write(`${mtime.toString(8).padStart(11, '0')}\0`, 136, 'latin1')
  block.write('        ', 148, 'latin1')
  block.write(typeflag, 156, 'latin1')
  block.write('ustar  \0', 257, 'latin1')
  block.write('root', 265, 'latin1')
  block.write('root', 297, 'latin1')
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return block
}

let bombCache: { key: string; built: Promise<{ blob: Buffer; diffId: string }> } | undefined

/**
 * `entries` empty files, each named by a GNU long-name record of `nameBytes` bytes, gzipped as it
 * is written (the tar itself, ~100 MB, is never held whole): a small blob whose index is huge.
 * The bytes are deterministic, so a process builds them once.
 */
function nameBomb(
  entries: number,
  nameBytes: number,
  mtime: number,
): Promise<{ blob: Buffer; diffId: string }> {
  const key = `${entries}:${nameBytes}:${mtime}`
  if (bombCache?.key !== key) bombCache = { key, built: buildNameBomb(entries, nameBytes, mtime) }
  return bombCache.built
}

async function buildNameBomb(
  entries: number,
  nameBytes: number,
  mtime: number,
): Promise<{ blob: Buffer; diffId: string }> {
  const digits = 8
  const stem = `bomb/${'n'.repeat(nameBytes - 'bomb/'.length - digits)}`
  // Every entry is the same three pieces but for the counter at the end of its long name (the
  // header's own 100-byte name field holds only the stem's start): fill a chunk once, then
  // rewrite the counters in place.
  const record = Math.ceil((nameBytes + 1) / BLOCK) * BLOCK
  const entryBytes = BLOCK + record + BLOCK
  const template = Buffer.alloc(entryBytes)
  gnuHeader('././@LongLink', 'L', nameBytes + 1, mtime).copy(template, 0)
  template.write(stem, BLOCK, 'latin1')
  gnuHeader(stem.slice(0, 99), '0', 0, mtime).copy(template, BLOCK + record)
  const perChunk = 256
  const chunk = Buffer.alloc(perChunk * entryBytes)
  for (let i = 0; i < perChunk; i++) template.copy(chunk, i * entryBytes)

  const gzip = createGzip({ level: 1, chunkSize: 256 * 1024 })
  const out: Buffer[] = []
  gzip.on('data', (piece: Buffer) => out.push(piece))
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve)
    gzip.on('error', reject)
  })
  const tarHash = createHash('sha256')
  const write = async (bytes: Buffer) => {
    tarHash.update(bytes)
    // A copy: the chunk buffer is rewritten for the next write while zlib may still read it.
    if (!gzip.write(Buffer.from(bytes))) await new Promise((r) => gzip.once('drain', r))
  }
  for (let start = 0; start < entries; start += perChunk) {
    const count = Math.min(perChunk, entries - start)
    for (let i = 0; i < count; i++) {
      const at = i * entryBytes + BLOCK + nameBytes - digits
      chunk.write(String(start + i).padStart(digits, '0'), at, 'latin1')
    }
    await write(chunk.subarray(0, count * entryBytes))
  }
  await write(Buffer.alloc(2 * BLOCK))
  gzip.end()
  await done
  return { blob: Buffer.concat(out), diffId: `sha256:${tarHash.digest('hex')}` }
}

/**
 * `demo/hostile`: layers that try to escape an extraction (the shadow link, an absolute
 * link, links to links, a loop, a file written through a link, a hardlink to a link) and a
 * `name-bomb` tag whose layer the reader refuses to index. Anyone can see what the app refuses.
 */
export const hostile = defineSample({
  key: 'hostile',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
})
