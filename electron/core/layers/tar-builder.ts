// Writes tar bytes by hand, header by header, so tests and benchmarks can craft exactly the
// archives a hostile or unusual writer would produce: traversal names, escaping links, device
// nodes, bad checksums, PAX and GNU long names. Not used by the app itself.

/** One raw entry. Fields left out get ordinary defaults. */
export interface RawEntry {
  name: string
  /** The typeflag character: '0' file, '1' hardlink, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo, 'x', 'g', 'L', 'K'. */
  type?: string
  content?: Buffer | string
  /** Overrides the size field (content length otherwise). */
  size?: number
  mode?: number
  uid?: number
  gid?: number
  uname?: string
  gname?: string
  mtime?: number
  linkname?: string
  devmajor?: number
  devminor?: number
  /** The ustar prefix field (names longer than 100 bytes split at a `/`). */
  prefix?: string
  /** 'ustar' (POSIX, "ustar\0" "00"), 'gnu' ("ustar  \0") or 'v7' (no magic). */
  format?: 'ustar' | 'gnu' | 'v7'
  /** Adds this to the checksum, to corrupt it. */
  checksumDelta?: number
}

const BLOCK = 512

function field(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8')
  if (bytes.length > length) throw new Error(`"${value}" does not fit in ${length} bytes`)
  bytes.copy(block, offset)
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  field(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`)
}

/** One 512-byte header block. */
export function header(entry: RawEntry): Buffer {
  const block = Buffer.alloc(BLOCK)
  const content = entry.content === undefined ? Buffer.alloc(0) : Buffer.from(entry.content)
  field(block, 0, 100, entry.name)
  octal(block, 100, 8, entry.mode ?? (entry.type === '5' ? 0o755 : 0o644))
  octal(block, 108, 8, entry.uid ?? 0)
  octal(block, 116, 8, entry.gid ?? 0)
  octal(block, 124, 12, entry.size ?? content.length)
  octal(block, 136, 12, entry.mtime ?? 1_700_000_000)
  block.write('        ', 148, 'latin1')
  block.write(entry.type ?? '0', 156, 'latin1')
  field(block, 157, 100, entry.linkname ?? '')
  const format = entry.format ?? 'ustar'
  if (format === 'ustar') {
    block.write('ustar\u000000', 257, 'latin1')
  } else if (format === 'gnu') {
    block.write('ustar  \u0000', 257, 'latin1')
  }
  if (format !== 'v7') {
    field(block, 265, 32, entry.uname ?? 'root')
    field(block, 297, 32, entry.gname ?? 'root')
    octal(block, 329, 8, entry.devmajor ?? 0)
    octal(block, 337, 8, entry.devminor ?? 0)
  }
  if (entry.prefix) field(block, 345, 155, entry.prefix)
  let sum = 0
  for (const byte of block) sum += byte
  octal(block, 148, 7, sum + (entry.checksumDelta ?? 0))
  block[155] = 0x20
  return block
}

/** A header, its content and the padding to the next block. */
export function entryBytes(entry: RawEntry): Buffer {
  const content = entry.content === undefined ? Buffer.alloc(0) : Buffer.from(entry.content)
  const padding = (BLOCK - (content.length % BLOCK)) % BLOCK
  return Buffer.concat([header(entry), content, Buffer.alloc(padding)])
}

/** A PAX extended header ('x') with the given records, for the entry that follows. */
export function paxBytes(records: Record<string, string>, type: 'x' | 'g' = 'x'): Buffer {
  const body = Object.entries(records)
    .map(([key, value]) => {
      const tail = ` ${key}=${value}\n`
      let length = Buffer.byteLength(tail) + 1
      while (String(length).length + Buffer.byteLength(tail) !== length) length++
      return `${length}${tail}`
    })
    .join('')
  return entryBytes({ name: 'PaxHeader', type, content: body })
}

/** A GNU long name ('L') or long link ('K') header for the entry that follows. */
export function gnuLongBytes(value: string, type: 'L' | 'K' = 'L'): Buffer {
  return entryBytes({ name: '././@LongLink', type, content: `${value}\0`, format: 'gnu' })
}

/** The end-of-archive marker: two zero blocks. */
export const END = Buffer.alloc(2 * BLOCK)

/** A whole archive from raw entries (or ready-made byte pieces), with the end marker. */
export function tarBytes(parts: readonly (RawEntry | Buffer)[], end = true): Buffer {
  return Buffer.concat([
    ...parts.map((part) => (Buffer.isBuffer(part) ? part : entryBytes(part))),
    ...(end ? [END] : []),
  ])
}
