// A streaming tar reader for untrusted layers: ustar, PAX (local and global) and GNU long names,
// with the byte offset of every header so errors can name where the archive went wrong, and a
// bound on the memory any one header may claim. Content is handed out in place, never buffered.

const BLOCK = 512

/** An entry's header, after PAX records and GNU long names have been applied. */
export interface TarHeader {
  name: string
  linkname: string
  /** The raw typeflag character ('0', '5', …; '\0' reads as '0'). */
  typeflag: string
  /** Bytes of content that follow the header (0 for header-only types). */
  size: number
  mode: number
  uid: number
  gid: number
  uname: string
  gname: string
  mtime: number
  devmajor: number
  devminor: number
  /** Offset of the entry's first header (its PAX or long-name header if it has one). */
  offset: number
}

/** Where an entry's content goes; `data` gets views into the input, valid during the call. */
export interface ContentSink {
  data(chunk: Buffer): void
  end(): void
}

/** Why the archive could not be read further. */
export class TarError extends Error {
  constructor(
    readonly kind: 'corrupt' | 'truncated' | 'cap',
    message: string,
    /** The offset in the tar stream this is about. */
    readonly offset: number,
  ) {
    super(message)
    this.name = 'TarError'
  }
}

/** Limits that protect memory from a hostile archive. */
export interface TarParserLimits {
  /** The largest PAX or GNU long-name header kept in memory. */
  maxExtensionBytes: number
}

// Go's archive/tar (which docker and containerd use) gives these types no content whatever their
// size field says; reading them the same way keeps our view of a layer identical to theirs.
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6'])

type State = 'header' | 'content' | 'extension' | 'padding' | 'done'

/**
 * Push decompressed bytes in; `onEntry` is called for each entry and may return a sink for its
 * content. Throws TarError on a corrupt header; `end()` throws if the archive stopped mid-entry.
 */
export class TarParser {
  private state: State = 'header'
  private readonly block = Buffer.alloc(BLOCK)
  private blockFill = 0
  private remaining = 0
  private padding = 0
  private position = 0
  private zeroBlocks = 0
  private sink: ContentSink | null = null
  private extension: { type: string; chunks: Buffer[]; size: number; offset: number } | null = null
  private pax: Record<string, string> = {}
  private globalPax: Record<string, string> = {}
  private longName: string | null = null
  private longLink: string | null = null
  private entryStart = -1

  constructor(
    private readonly onEntry: (header: TarHeader) => ContentSink | null,
    private readonly limits: TarParserLimits = { maxExtensionBytes: 1024 * 1024 },
  ) {}

  /** Bytes of the tar stream consumed so far. */
  get offset(): number {
    return this.position
  }

  /** Whether the end-of-archive marker (two zero blocks) has been read. */
  get finished(): boolean {
    return this.state === 'done'
  }

  /** Feeds the next bytes of the tar stream. */
  push(chunk: Buffer): void {
    let at = 0
    while (at < chunk.length && this.state !== 'done') {
      switch (this.state) {
        case 'header': {
          const take = Math.min(BLOCK - this.blockFill, chunk.length - at)
          let header: Buffer
          if (this.blockFill === 0 && take === BLOCK) {
            header = chunk.subarray(at, at + BLOCK)
          } else {
            chunk.copy(this.block, this.blockFill, at, at + take)
            this.blockFill += take
            if (this.blockFill < BLOCK) {
              at += take
              this.position += take
              continue
            }
            header = this.block
          }
          at += take
          this.position += take
          this.blockFill = 0
          this.header(header, this.position - BLOCK)
          break
        }
        case 'content':
        case 'extension': {
          const take = Math.min(this.remaining, chunk.length - at)
          const piece = chunk.subarray(at, at + take)
          at += take
          this.position += take
          this.remaining -= take
          if (this.state === 'extension') this.extension!.chunks.push(Buffer.from(piece))
          else this.sink?.data(piece)
          if (this.remaining === 0) this.finishContent()
          break
        }
        case 'padding': {
          const take = Math.min(this.padding, chunk.length - at)
          at += take
          this.position += take
          this.padding -= take
          if (this.padding === 0) this.state = 'header'
          break
        }
      }
    }
  }

  /** Declares the end of the stream; throws if it cut an entry or a header short. */
  end(): void {
    if (this.state === 'done') return
    if (this.state === 'header' && this.blockFill === 0 && this.entryStart < 0) {
      if (this.zeroBlocks > 0) return
      if (this.position === 0) {
        throw new TarError(
          'truncated',
          'The tar stream is empty: not even an end-of-archive marker.',
          0,
        )
      }
      throw new TarError(
        'truncated',
        `The tar stream ends at byte offset ${this.position} without its end-of-archive marker; it was probably cut short.`,
        this.position,
      )
    }
    const what =
      this.state === 'content'
        ? `in the middle of an entry's content (${this.remaining} bytes missing)`
        : this.state === 'extension'
          ? 'in the middle of an extended header'
          : this.state === 'padding'
            ? "in an entry's padding"
            : 'in the middle of a header'
    throw new TarError(
      'truncated',
      `The tar stream is truncated: it ends at byte offset ${this.position}, ${what}.`,
      this.position,
    )
  }

  private header(block: Buffer, offset: number): void {
    if (isZero(block)) {
      if (this.entryStart >= 0) {
        throw new TarError(
          'corrupt',
          `Corrupt tar stream at byte offset ${offset}: an extended header is followed by an empty block.`,
          offset,
        )
      }
      if (++this.zeroBlocks >= 2) this.state = 'done'
      return
    }
    this.zeroBlocks = 0
    if (!checksumOk(block)) {
      throw new TarError(
        'corrupt',
        `Corrupt tar header at byte offset ${offset}: its checksum does not match.`,
        offset,
      )
    }
    if (this.entryStart < 0) this.entryStart = offset
    const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]!)
    const size = number(block, 124, 12, 'size', offset)

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      if (size > this.limits.maxExtensionBytes) {
        throw new TarError(
          'cap',
          `An extended header at byte offset ${offset} is ${size} bytes; the limit is ${this.limits.maxExtensionBytes}.`,
          offset,
        )
      }
      this.extension = { type: typeflag, chunks: [], size, offset }
      this.remaining = size
      this.padding = pad(size)
      this.state = 'extension'
      if (size === 0) this.finishContent()
      return
    }

    const magic = block.toString('latin1', 257, 263)
    const posix = magic === 'ustar\u0000'
    let name = str(block, 0, 100)
    if (posix && block[345] !== 0) name = `${str(block, 345, 155)}/${name}`
    const pax = { ...this.globalPax, ...this.pax }
    const header: TarHeader = {
      name: pax.path ?? this.longName ?? name,
      linkname: pax.linkpath ?? this.longLink ?? str(block, 157, 100),
      typeflag,
      size: pax.size !== undefined ? paxNumber(pax.size, 'size', offset) : size,
      mode: number(block, 100, 8, 'mode', offset),
      uid:
        pax.uid !== undefined
          ? paxNumber(pax.uid, 'uid', offset)
          : number(block, 108, 8, 'uid', offset),
      gid:
        pax.gid !== undefined
          ? paxNumber(pax.gid, 'gid', offset)
          : number(block, 116, 8, 'gid', offset),
      uname: pax.uname ?? str(block, 265, 32),
      gname: pax.gname ?? str(block, 297, 32),
      mtime:
        pax.mtime !== undefined
          ? paxTime(pax.mtime, offset)
          : number(block, 136, 12, 'mtime', offset, true),
      devmajor: magic.startsWith('ustar') ? number(block, 329, 8, 'devmajor', offset) : 0,
      devminor: magic.startsWith('ustar') ? number(block, 337, 8, 'devminor', offset) : 0,
      offset: this.entryStart,
    }
    if (HEADER_ONLY.has(typeflag)) header.size = 0
    this.pax = {}
    this.longName = null
    this.longLink = null
    this.entryStart = -1

    this.sink = this.onEntry(header)
    this.remaining = header.size
    this.padding = pad(header.size)
    this.state = 'content'
    if (header.size === 0) this.finishContent()
  }

  private finishContent(): void {
    if (this.state === 'extension') {
      const ext = this.extension!
      this.extension = null
      const body = Buffer.concat(ext.chunks, ext.size)
      if (ext.type === 'x') this.pax = parsePax(body, ext.offset)
      else if (ext.type === 'g')
        this.globalPax = { ...this.globalPax, ...parsePax(body, ext.offset) }
      else if (ext.type === 'L') this.longName = cString(body)
      else this.longLink = cString(body)
    } else {
      const sink = this.sink
      this.sink = null
      sink?.end()
    }
    this.state = this.padding > 0 ? 'padding' : 'header'
  }
}

function pad(size: number): number {
  const rest = size % BLOCK
  return rest === 0 ? 0 : BLOCK - rest
}

function isZero(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i += 8) {
    if (block.readBigUInt64LE(i) !== 0n) return false
  }
  return true
}

// The checksum treats its own field as spaces; old tars summed signed bytes, so accept both.
function checksumOk(block: Buffer): boolean {
  const stored = parseOctal(block, 148, 8)
  if (stored === null) return false
  // The checksum field itself counts as eight spaces. Summing every byte first and correcting for
  // the field keeps the loop free of branches: it runs for each of a layer's many headers.
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += block[i]!
  let field = 0
  for (let i = 148; i < 156; i++) field += block[i]!
  const unsigned = sum - field + 8 * 0x20
  if (stored === unsigned) return true
  // Some old tars summed the bytes as signed chars; only a mismatch pays for that second sum.
  let high = 0
  for (let i = 0; i < BLOCK; i++) if (block[i]! > 127 && (i < 148 || i >= 156)) high++
  return stored === unsigned - 256 * high
}

function str(block: Buffer, start: number, length: number): string {
  let end = start
  const limit = start + length
  while (end < limit && block[end] !== 0) end++
  return block.toString('utf8', start, end)
}

function cString(body: Buffer): string {
  const nul = body.indexOf(0)
  return body.toString('utf8', 0, nul < 0 ? body.length : nul)
}

function parseOctal(block: Buffer, start: number, length: number): number | null {
  let i = start
  const end = start + length
  while (i < end && block[i] === 0x20) i++
  let value = 0
  let digits = 0
  for (; i < end; i++) {
    const c = block[i]!
    if (c === 0 || c === 0x20) break
    if (c < 0x30 || c > 0x37) return null
    value = value * 8 + (c - 0x30)
    digits++
  }
  for (; i < end; i++) if (block[i] !== 0 && block[i] !== 0x20) return null
  return digits === 0 ? 0 : value
}

// Octal, or GNU's base-256 (high bit set) for values octal cannot hold.
function number(
  block: Buffer,
  start: number,
  length: number,
  field: string,
  offset: number,
  allowNegative = false,
): number {
  const first = block[start]!
  if (first & 0x80) {
    const negative = first === 0xff
    if (negative && !allowNegative) {
      throw new TarError(
        'corrupt',
        `Corrupt tar header at byte offset ${offset}: negative ${field}.`,
        offset,
      )
    }
    let value = 0n
    for (let i = start; i < start + length; i++) {
      const byte = i === start ? block[i]! & 0x7f : block[i]!
      value = (value << 8n) | BigInt(negative ? ~byte & 0xff : byte)
    }
    const result = negative ? -(Number(value) + 1) : Number(value)
    if (!Number.isSafeInteger(result)) {
      throw new TarError(
        'corrupt',
        `Corrupt tar header at byte offset ${offset}: ${field} is out of range.`,
        offset,
      )
    }
    return result
  }
  const value = parseOctal(block, start, length)
  if (value === null) {
    throw new TarError(
      'corrupt',
      `Corrupt tar header at byte offset ${offset}: the ${field} field is not a number.`,
      offset,
    )
  }
  return value
}

function paxNumber(value: string, field: string, offset: number): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new TarError(
      'corrupt',
      `Corrupt PAX header before byte offset ${offset}: ${field}=${value.slice(0, 40)} is not a number.`,
      offset,
    )
  }
  return n
}

function paxTime(value: string, offset: number): number {
  const n = Number(value)
  if (!/^-?\d+(\.\d+)?$/.test(value) || !Number.isFinite(n)) {
    throw new TarError(
      'corrupt',
      `Corrupt PAX header before byte offset ${offset}: mtime=${value.slice(0, 40)} is not a time.`,
      offset,
    )
  }
  return n
}

// "<length> <key>=<value>\n" records; the length counts the whole record.
function parsePax(body: Buffer, offset: number): Record<string, string> {
  const records: Record<string, string> = {}
  let at = 0
  while (at < body.length) {
    if (body[at] === 0) break
    const space = body.indexOf(0x20, at)
    const length = space < 0 ? NaN : Number(body.toString('latin1', at, space))
    if (!Number.isSafeInteger(length) || length <= space - at || at + length > body.length) {
      throw new TarError(
        'corrupt',
        `Corrupt PAX header at byte offset ${offset}: a record's length is invalid.`,
        offset,
      )
    }
    const record = body.toString('utf8', space + 1, at + length - 1)
    const equals = record.indexOf('=')
    if (equals <= 0 || body[at + length - 1] !== 0x0a) {
      throw new TarError(
        'corrupt',
        `Corrupt PAX header at byte offset ${offset}: a record is malformed.`,
        offset,
      )
    }
    records[record.slice(0, equals)] = record.slice(equals + 1)
    at += length
  }
  return records
}
