import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { BlobHttp, type BodySink, type BlobGet } from './blob-http'

// A local server whose handler each test sets; it notes the request headers it saw.
type Handler = (req: IncomingMessage, res: ServerResponse) => void
let handler: Handler
let seen: IncomingMessage['headers'][] = []
let server: Server
let origin: string
const sockets = new Set<Socket>()

const BODY = randomBytes(3 * 1024 * 1024 + 123)
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

function track(s: Server) {
  s.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers)
    handler(req, res)
  })
  track(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(() => {
  seen = []
  for (const socket of sockets) socket.destroy()
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const get = (overrides: Partial<BlobGet> = {}): BlobGet => ({
  headers: {},
  signal: new AbortController().signal,
  headersTimeoutMs: 5_000,
  bodyTimeoutMs: 5_000,
  ...overrides,
})

/** A sink that keeps copies; `pauseEvery` makes it ask for a pause after that many writes. */
function collector(pauseEvery = 0) {
  const parts: Buffer[] = []
  let writes = 0
  let pauses = 0
  let release: (() => void) | null = null
  const sink: BodySink = {
    write(view) {
      parts.push(Buffer.from(view))
      writes++
      if (pauseEvery && writes % pauseEvery === 0) {
        pauses++
        return false
      }
      return true
    },
    drained: () =>
      new Promise<void>((resolve) => {
        release = resolve
        // Released on the next turn, as a disk write finishing would.
        setImmediate(() => release?.())
      }),
  }
  return {
    sink,
    bytes: () => Buffer.concat(parts),
    pauses: () => pauses,
  }
}

const sendBody: Handler = (req, res) => {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
  const start = range ? Number(range[1]) : 0
  res.writeHead(range ? 206 : 200, {
    'content-length': String(BODY.length - start),
    ...(range ? { 'content-range': `bytes ${start}-${BODY.length - 1}/${BODY.length}` } : {}),
  })
  res.end(BODY.subarray(start))
}

describe('BlobHttp, direct', () => {
  it('reads a body over a connection of its own, exactly Content-Length bytes', async () => {
    handler = sendBody
    const response = await new BlobHttp().get(`${origin}/blob?X-Amz-Signature=abc%2F`, get())
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-length']).toBe(String(BODY.length))
    const out = collector()
    await response.pipe(out.sink)
    expect(sha(out.bytes())).toBe(sha(BODY))
    // The fast path: one request, closed after it, the query sent as it was given.
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ connection: 'close', host: new URL(origin).host })
  })

  it('sends the request headers, such as Range, and reads a 206', async () => {
    handler = sendBody
    const response = await new BlobHttp().get(
      `${origin}/blob`,
      get({ headers: { range: 'bytes=1000-' } }),
    )
    expect(response.statusCode).toBe(206)
    expect(response.headers['content-range']).toBe(`bytes 1000-${BODY.length - 1}/${BODY.length}`)
    const out = collector()
    await response.pipe(out.sink)
    expect(out.bytes().equals(BODY.subarray(1000))).toBe(true)
  })

  it('pauses reading while the sink is full and resumes when it drains, losing nothing', async () => {
    handler = sendBody
    const response = await new BlobHttp().get(`${origin}/blob`, get())
    const out = collector(2)
    await response.pipe(out.sink)
    expect(out.pauses()).toBeGreaterThan(0)
    expect(sha(out.bytes())).toBe(sha(BODY))
  })

  it('reads straight into memory the sink offers (nextBuffer), with no copy', async () => {
    handler = sendBody
    const response = await new BlobHttp().get(`${origin}/blob`, get())
    // A sink that offers the free end of one arena and keeps track of where each write landed.
    const arena = Buffer.alloc(BODY.length)
    let filled = 0
    let inPlace = 0
    let copied = 0
    await response.pipe({
      nextBuffer: () => arena.subarray(filled),
      write(view) {
        if (view.buffer === arena.buffer && view.byteOffset === arena.byteOffset + filled) {
          inPlace += view.length
        } else {
          view.copy(arena, filled)
          copied += view.length
        }
        filled += view.length
        return true
      },
      drained: () => Promise.resolve(),
    })
    expect(filled).toBe(BODY.length)
    expect(sha(arena)).toBe(sha(BODY))
    // Only what came before the sink was there (with the head) is copied.
    expect(inPlace).toBeGreaterThan(BODY.length / 2)
    expect(copied).toBeLessThan(BODY.length / 2)
  })

  it('reads an error document as text', async () => {
    handler = (_req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml' })
      res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>')
    }
    const response = await new BlobHttp().get(`${origin}/blob`, get())
    expect(response.statusCode).toBe(403)
    expect(await response.text()).toContain('Request has expired')
  })

  it('rejects, naming the shortfall, when the connection closes before Content-Length', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(BODY.length) })
      res.write(BODY.subarray(0, 100_000), () => res.socket?.destroy())
    }
    const response = await new BlobHttp().get(`${origin}/blob`, get())
    const out = collector()
    const error = await response.pipe(out.sink).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    )
    expect(error?.code).toBe('UND_ERR_SOCKET')
    expect(error?.message).toContain(`${BODY.length - out.bytes().length} bytes of the body`)
    // What came before the break was handed on, so a resume can start after it.
    expect(out.bytes().equals(BODY.subarray(0, out.bytes().length))).toBe(true)
  })

  it('rejects when the head does not come in time, and when the body stalls', async () => {
    handler = () => undefined
    const slowHead = await new BlobHttp().get(`${origin}/blob`, get({ headersTimeoutMs: 50 })).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    )
    expect(slowHead?.code).toBe('UND_ERR_HEADERS_TIMEOUT')

    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '10' })
      res.write('12345')
    }
    const response = await new BlobHttp().get(`${origin}/blob`, get({ bodyTimeoutMs: 50 }))
    const stalled = await response.pipe(collector().sink).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    )
    expect(stalled?.code).toBe('UND_ERR_BODY_TIMEOUT')
  })

  it('closes a response nobody reads once it has been idle for the body timeout', async () => {
    let closed!: Promise<void>
    handler = (req, res) => {
      closed = new Promise((resolve) => req.socket.once('close', () => resolve()))
      res.writeHead(200, { 'content-length': String(BODY.length) })
      res.write(BODY.subarray(0, 1000))
    }
    const response = await new BlobHttp().get(`${origin}/blob`, get({ bodyTimeoutMs: 50 }))
    expect(response.statusCode).toBe(200)
    // Neither piped, read as text nor dumped: the connection still goes away on its own.
    await closed
  })

  it('rejects with the abort reason when cancelled, before or during the body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(BODY.length) })
      res.write(BODY.subarray(0, 1000))
    }
    const before = new AbortController()
    before.abort(new Error('cancelled early'))
    await expect(
      new BlobHttp().get(`${origin}/blob`, get({ signal: before.signal })),
    ).rejects.toThrow('cancelled early')

    const during = new AbortController()
    const response = await new BlobHttp().get(`${origin}/blob`, get({ signal: during.signal }))
    const piping = response.pipe({
      write: () => {
        during.abort(new Error('cancelled midway'))
        return true
      },
      drained: () => Promise.resolve(),
    })
    await expect(piping).rejects.toThrow('cancelled midway')
  })

  it('rejects a refused connection with the socket error', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const error = await new BlobHttp().get(`http://127.0.0.1:${port}/blob`, get()).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    )
    expect(error?.code).toBe('ECONNREFUSED')
  })

  it('hands a chunked body, or one without Content-Length, to undici, with the same bytes', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' })
      res.write(BODY.subarray(0, 1000))
      res.end(BODY.subarray(1000))
    }
    const chunked = collector()
    await (await new BlobHttp().get(`${origin}/blob`, get())).pipe(chunked.sink)
    expect(sha(chunked.bytes())).toBe(sha(BODY))
    // Asked once directly (given up on at the head), then once through undici.
    expect(seen.map((h) => h.connection)).toEqual(['close', 'keep-alive'])

    seen = []
    handler = (_req, res) => {
      res.writeHead(200, { connection: 'close' })
      res.end(BODY)
    }
    const unsized = collector()
    await (await new BlobHttp().get(`${origin}/blob`, get())).pipe(unsized.sink)
    expect(sha(unsized.bytes())).toBe(sha(BODY))
    expect(seen).toHaveLength(2)
  })

  it('sends a proxied URL through undici and its dispatcher instead', async () => {
    handler = sendBody
    const response = await new BlobHttp({ proxied: () => true }).get(`${origin}/blob`, get())
    const out = collector()
    await response.pipe(out.sink)
    expect(sha(out.bytes())).toBe(sha(BODY))
    expect(seen).toHaveLength(1)
    expect(seen[0]?.connection).toBe('keep-alive')
  })
})

describe('BlobHttp, direct over TLS', () => {
  let dir: string
  let secure: Server
  let secureOrigin: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'elb-blob-http-'))
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
        ...['-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
        ...['-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'],
      ],
      { stdio: 'ignore' },
    )
    secure = createHttpsServer(
      { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) },
      (req, res) => {
        seen.push(req.headers)
        sendBody(req, res)
      },
    )
    track(secure)
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve))
    secureOrigin = `https://localhost:${(secure.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => secure.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it('reads over TLS, trusting the given CA and sending the host name for SNI', async () => {
    const ca = await readFile(join(dir, 'cert.pem'), 'utf8')
    const response = await new BlobHttp({ ca }).get(`${secureOrigin}/blob`, get())
    const out = collector()
    await response.pipe(out.sink)
    expect(sha(out.bytes())).toBe(sha(BODY))
    expect(seen[0]).toMatchObject({ connection: 'close' })
  })

  it('refuses a certificate nobody vouches for', async () => {
    const error = await new BlobHttp().get(`${secureOrigin}/blob`, get()).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    )
    expect(error?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/)
  })
})
