import { connect as netConnect, isIP, type Socket } from 'node:net'
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls'
import { request as undiciRequest, type Dispatcher } from 'undici'
import { ownMap } from '../../../shared/schemas'

// The GET of a blob URL. Blob bodies are large, so when the URL is reached directly (no proxy) the
// request goes over a connection of its own whose body is read (net/tls `onread`) straight into
// the sink's memory when it offers some (`nextBuffer`: the file sink's batches), else into one
// reused 1 MiB buffer: no buffer per read, no stream machinery, a quarter of the CPU undici spends
// per byte received. Anything else (a proxy, a body without Content-Length, a chunked one) goes
// through undici, so behaviour never depends on the fast path.

/** Where a body goes: `write` gets views that are only valid during the call. */
export interface BodySink {
  /** Takes the bytes; false asks the sender to pause until `drained` resolves. */
  write(view: Buffer): boolean
  drained(): Promise<void>
  /**
   * Where the next bytes may be read into, a view of the sink's own memory: the next `write` is
   * then given a view of it that needs no copy. Null (or absent): the reader's own buffer.
   */
  nextBuffer?(): Buffer | null
}

/** A response whose head has arrived. Exactly one of text, dump or pipe reads its body. */
export interface BlobResponse {
  statusCode: number
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>
  /** The body as text (error documents; at most the first MiB is kept). */
  text(): Promise<string>
  /** Throws the body away. */
  dump(): Promise<void>
  /** Feeds the body to `sink`; rejects when the connection breaks off before Content-Length. */
  pipe(sink: BodySink): Promise<void>
}

/** One GET. */
export interface BlobGet {
  headers: Record<string, string>
  signal: AbortSignal
  /** From the request to the end of the response head. */
  headersTimeoutMs: number
  /** The longest silence while the body is being read (not counting pauses the sink asked for). */
  bodyTimeoutMs: number
}

/** How blob URLs are reached. */
export interface BlobHttpOptions {
  /** The dispatcher for requests that go through undici (proxied ones, and fallbacks). */
  dispatcher?: Dispatcher
  /** Whether a URL must go through a proxy; such URLs use undici and the dispatcher. */
  proxied?: (url: URL) => boolean
  /** Certificates to trust instead of Node's bundle (AWS_CA_BUNDLE), as the dispatcher does. */
  ca?: string
  connectTimeoutMs?: number
}

const READ_BUFFER = 1024 * 1024
const MAX_HEAD = 64 * 1024
const MAX_TEXT = 1024 * 1024
const HEAD_END = Buffer.from('\r\n\r\n')

/** GETs blob URLs: directly over a socket of their own where possible, else through undici. */
export class BlobHttp {
  constructor(private readonly options: BlobHttpOptions = {}) {}

  async get(url: string, request: BlobGet): Promise<BlobResponse> {
    const target = new URL(url)
    const direct =
      (target.protocol === 'http:' || target.protocol === 'https:') &&
      !(this.options.proxied?.(target) ?? false)
    if (direct) {
      const exchange = new DirectExchange(target, request, this.options)
      const response = await exchange.response
      if (response) return response
      // A body the fast path does not read (no Content-Length, or chunked): ask again via undici.
    }
    return undiciGet(url, request, this.options.dispatcher)
  }
}

async function undiciGet(
  url: string,
  request: BlobGet,
  dispatcher: Dispatcher | undefined,
): Promise<BlobResponse> {
  const response = await undiciRequest(url, {
    method: 'GET',
    headers: request.headers,
    signal: request.signal,
    headersTimeout: request.headersTimeoutMs,
    bodyTimeout: request.bodyTimeoutMs,
    ...(dispatcher ? { dispatcher } : {}),
  })
  // Header names come from the server: a null-prototype object keeps `__proto__` a header.
  const headers = ownMap<string | undefined>()
  for (const [name, value] of Object.entries(response.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return {
    statusCode: response.statusCode,
    headers,
    text: () => response.body.text(),
    dump: () => response.body.dump(),
    async pipe(sink) {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        if (!sink.write(chunk)) await sink.drained()
      }
    },
  }
}

/** A network failure of the direct path, with a code like the ones Node and undici use. */
function socketError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code })
}

/**
 * One request/response on a connection of its own (`Connection: close`), read with `onread` into
 * a reused buffer. The head is parsed here; the body is handed on as views of that buffer.
 */
class DirectExchange {
  /** The response once its head is in; null when undici must read this one instead. */
  readonly response: Promise<BlobResponse | null>
  private readonly socket: Socket
  /** The response head so far (a copy: the read buffer is reused). */
  private head = Buffer.alloc(0)
  private headDone = false
  /** Body bytes that came in before anyone asked for the body (copied: the buffer is reused). */
  private early: Buffer[] = []
  private sink: BodySink | null = null
  private remaining = 0
  private finished = false
  private failure: Error | null = null
  private bodySettled: { resolve: () => void; reject: (error: Error) => void } | null = null
  private headSettled!: { resolve: (r: BlobResponse | null) => void; reject: (e: Error) => void }
  private headTimer: NodeJS.Timeout | null = null
  private readonly onAbort = () => this.fail(this.request.signal.reason as Error)

  constructor(
    target: URL,
    private readonly request: BlobGet,
    options: BlobHttpOptions,
  ) {
    this.response = new Promise((resolve, reject) => (this.headSettled = { resolve, reject }))
    const secure = target.protocol === 'https:'
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1')
    const port = Number(target.port) || (secure ? 443 : 80)
    const own = Buffer.allocUnsafe(READ_BUFFER)
    const onread = {
      // Asked after every read for the next one's buffer: the sink's, once it offers one (the
      // socket then reads straight into the sink's memory), else the reused buffer of our own.
      buffer: () => this.sink?.nextBuffer?.() ?? own,
      callback: (length: number, buffer: Buffer) => this.onRead(buffer.subarray(0, length)),
    }
    this.socket = secure
      ? tlsConnect({
          host,
          port,
          // SNI takes a host name only.
          ...(isIP(host) ? {} : { servername: host }),
          ...(options.ca ? { ca: options.ca } : {}),
          onread,
          // Node's TLS sockets honour `onread` like net's, though the typings only list it on net.
        } as ConnectionOptions)
      : netConnect({ host, port, onread })
    // One idle timer on the socket: the connect timeout until connected, the body's idle timeout
    // while the body is read, off in between (the head has a timer of its own).
    this.socket.setTimeout(options.connectTimeoutMs ?? 5_000)
    this.socket.on('timeout', () =>
      this.fail(
        this.headDone
          ? socketError('the body stalled', 'UND_ERR_BODY_TIMEOUT')
          : socketError(`connecting to ${target.host} timed out`, 'ETIMEDOUT'),
      ),
    )
    this.socket.once(secure ? 'secureConnect' : 'connect', () => {
      this.socket.setTimeout(0)
      this.headTimer = setTimeout(
        () => this.fail(socketError('no response head in time', 'UND_ERR_HEADERS_TIMEOUT')),
        request.headersTimeoutMs,
      )
    })
    this.socket.on('error', (error) => this.fail(error))
    this.socket.on('end', () => this.closed())
    this.socket.on('close', () => this.closed())
    if (request.signal.aborted) {
      queueMicrotask(this.onAbort)
    } else {
      request.signal.addEventListener('abort', this.onAbort, { once: true })
    }

    const lines = [`GET ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`]
    for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`)
    lines.push('Accept: */*', 'Connection: close', '', '')
    this.socket.write(lines.join('\r\n'))
  }

  // Returns false to pause reading (the sink is full).
  private onRead(view: Buffer): boolean {
    if (this.finished || this.failure) return false
    if (!this.headDone) {
      const head = Buffer.concat([this.head, view])
      const end = head.indexOf(HEAD_END)
      if (end < 0) {
        this.head = head
        if (head.length > MAX_HEAD) this.fail(socketError('response head too large', 'EPROTO'))
        return true
      }
      this.head = Buffer.alloc(0)
      this.headDone = true
      if (this.headTimer) clearTimeout(this.headTimer)
      const rest = head.subarray(end + HEAD_END.length)
      const response = this.parseHead(head.subarray(0, end).toString('latin1'))
      if (!response) return false
      this.headSettled.resolve(response)
      // A response nobody reads still ends: the idle timeout runs until pipe/text/dump.
      this.socket.setTimeout(this.request.bodyTimeoutMs)
      // Body bytes that came with the head wait for pipe/text; reading pauses until then.
      return rest.length > 0 ? this.deliver(rest) : true
    }
    return this.deliver(view)
  }

  private parseHead(text: string): BlobResponse | null {
    const [statusLine = '', ...headerLines] = text.split('\r\n')
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)
    if (!status) {
      this.fail(socketError(`not an HTTP response: ${statusLine.slice(0, 80)}`, 'EPROTO'))
      return null
    }
    const headers = ownMap<string | undefined>()
    for (const line of headerLines) {
      const colon = line.indexOf(':')
      if (colon <= 0) continue
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
    }
    const length = Number(headers['content-length'])
    if (
      headers['transfer-encoding'] !== undefined ||
      headers['content-length'] === undefined ||
      !Number.isSafeInteger(length) ||
      length < 0
    ) {
      this.finished = true
      this.dispose()
      this.headSettled.resolve(null)
      return null
    }
    this.remaining = length
    return {
      statusCode: Number(status[1]),
      headers,
      text: () => this.text(),
      dump: () => {
        this.finished = true
        this.dispose()
        return Promise.resolve()
      },
      pipe: (sink) => this.pipe(sink),
    }
  }

  private pipe(sink: BodySink): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.bodySettled = { resolve, reject }
      this.sink = sink
      if (this.failure) return reject(this.failure)
      this.socket.setTimeout(this.request.bodyTimeoutMs)
      const early = this.early
      this.early = []
      let open = true
      try {
        for (const chunk of early) open = sink.write(chunk) && open
      } catch (error) {
        return this.fail(error as Error)
      }
      if (this.remaining === 0) this.finish()
      else if (!open) this.pauseFor(sink)
      else this.socket.resume()
    })
  }

  private async text(): Promise<string> {
    const kept: Buffer[] = []
    let size = 0
    await this.pipe({
      write: (view) => {
        if (size < MAX_TEXT) kept.push(Buffer.from(view.subarray(0, MAX_TEXT - size)))
        size += view.length
        return true
      },
      drained: () => Promise.resolve(),
    })
    return Buffer.concat(kept).toString('utf8')
  }

  // Hands body bytes to the sink (or keeps them until there is one); false pauses reading.
  private deliver(view: Buffer): boolean {
    const body = view.length > this.remaining ? view.subarray(0, this.remaining) : view
    if (!this.sink) {
      this.early.push(Buffer.from(body))
      this.remaining -= body.length
      return false
    }
    this.remaining -= body.length
    let open: boolean
    try {
      open = this.sink.write(body)
    } catch (error) {
      this.fail(error as Error)
      return false
    }
    if (this.remaining === 0) {
      this.finish()
      return false
    }
    if (!open) {
      this.pauseFor(this.sink)
      return false
    }
    return true
  }

  // The sink is full: no reading, and no idle timeout, until it drains.
  private pauseFor(sink: BodySink): void {
    this.socket.pause()
    this.socket.setTimeout(0)
    sink.drained().then(
      () => {
        if (this.finished || this.failure) return
        this.socket.setTimeout(this.request.bodyTimeoutMs)
        this.socket.resume()
      },
      (error: Error) => this.fail(error),
    )
  }

  private finish(): void {
    if (this.finished) return
    this.finished = true
    this.dispose()
    this.bodySettled?.resolve()
  }

  // The connection ended: fine once the body is complete, a failure before.
  private closed(): void {
    if (this.finished || this.failure) return
    if (!this.headDone) {
      this.fail(socketError('the connection closed before a response', 'ECONNRESET'))
    } else {
      this.fail(
        socketError(
          `the connection closed with ${this.remaining} bytes of the body still to come`,
          'UND_ERR_SOCKET',
        ),
      )
    }
  }

  private fail(error: Error): void {
    if (this.finished || this.failure) return
    this.failure = error
    this.dispose()
    this.headSettled.reject(error)
    this.bodySettled?.reject(error)
  }

  private dispose(): void {
    if (this.headTimer) clearTimeout(this.headTimer)
    this.request.signal.removeEventListener('abort', this.onAbort)
    this.socket.setTimeout(0)
    this.socket.destroy()
  }
}
