import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy'
import { bundleContentType, bundleFile } from '../core/bundle/renderer-bundle'
import { createApp, type App } from '../core/create-app'
import { NodePlatform } from '../core/platform/node-platform'
import { Logger } from '../core/services/logger'

/** How the web bridge is started. */
export interface BridgeOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string
  dataDir: string
  downloadDir: string
  env: NodeJS.ProcessEnv
  port?: number
  /** Receives every response and event the bridge sends, for the no-secrets test. */
  trace?: (kind: 'response' | 'event', channel: string, body: string) => void
}

/** A running bridge. */
export interface Bridge {
  /** The URL to open, carrying the per-run token. */
  url: string
  /** Why the log file could not be opened (it goes to stderr instead), or null. */
  logProblem: string | null
  close(): Promise<void>
}

const MAX_BODY = 1024 * 1024
// Past this much of an oversized body the bridge stops reading and closes the connection instead.
const MAX_DRAIN = 16 * MAX_BODY

/** A request the bridge refuses before it reaches the app, with the status and the reason. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: 'Forbidden' | 'InvalidParameter' | 'Unknown',
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

/**
 * Serves the real renderer bundle on 127.0.0.1 and forwards window.ecr calls to the same
 * main-process services Electron uses. Only requests carrying the per-run token (as a header, or
 * as the cookie the first load sets) get anything, and only from this bridge's own origin.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = randomBytes(24).toString('base64url')
  const log = openLog(options.dataDir)
  const sinks = new Set<ServerResponse>()
  const trace = options.trace ?? (() => undefined)
  const app: App = createApp({
    dataDir: options.dataDir,
    env: options.env,
    platform: new NodePlatform(log, options.downloadDir),
    log,
    emit: (channel, payload) => {
      const body = JSON.stringify({ channel, payload })
      trace('event', channel, body)
      for (const sink of sinks) sink.write(`data: ${body}\n\n`)
    },
  })
  const clientScript = await bundleClient()
  const indexHtml = (await readFile(join(options.rendererDir, 'index.html'), 'utf8')).replace(
    /<script/,
    '<script src="/__bridge/client.js"></script>\n    <script',
  )

  const matches = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false
    const a = Buffer.from(candidate)
    const b = Buffer.from(token)
    return a.length === b.length && timingSafeEqual(a, b)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof Refusal) return refuse(req, res, error)
      log.error('bridge', String(error))
      refuse(req, res, new Refusal(500, 'Unknown', 'The bridge could not answer this request.'))
    })
  })

  // Known once the server listens; every request arrives after that.
  let port = 0
  const cookieName = () => `elb_bridge_${port}`
  const ownHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`]

  /**
   * Refuses what a hostile page on this machine could send: a DNS-rebinding page (its own name in
   * Host), a page of another origin (a foreign Origin), or any cross-site or same-site request (a
   * page on another port of 127.0.0.1 is same-site and would carry the cookie).
   */
  function checkOrigin(req: IncomingMessage): void {
    const host = (req.headers.host ?? '').toLowerCase()
    if (!ownHosts().includes(host)) {
      throw new Refusal(
        403,
        'Forbidden',
        `The bridge answers only to ${ownHosts().join(' and ')}; open the URL \`npm run web\` printed.`,
      )
    }
    const origin = req.headers.origin
    if (origin !== undefined && !ownHosts().some((own) => origin === `http://${own}`)) {
      throw new Refusal(403, 'Forbidden', 'Requests from other origins are refused.')
    }
    const site = req.headers['sec-fetch-site']
    if (site === 'cross-site' || site === 'same-site') {
      throw new Refusal(403, 'Forbidden', 'Requests from other sites are refused.')
    }
  }

  const authorised = (req: IncomingMessage, fromQuery?: string | null): boolean =>
    matches(req.headers['x-bridge-token'] as string | undefined) ||
    matches(readCookie(req.headers.cookie, cookieName())) ||
    matches(fromQuery)

  const forbidden = () =>
    new Refusal(
      403,
      'Forbidden',
      'The bridge token is missing or wrong: open the URL that `npm run web` printed; it carries the access token.',
    )

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkOrigin(req)
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1')
    } catch {
      throw new Refusal(400, 'InvalidParameter', 'The request line is not a valid URL.', 'path')
    }
    const pathname = decodePath(url.pathname)
    if (pathname.startsWith('/__bridge/invoke/') && req.method === 'POST') {
      const channel = pathname.slice('/__bridge/invoke/'.length)
      if (!authorised(req)) {
        await drain(req)
        throw forbidden()
      }
      const text = await readBody(req)
      if (text === null) {
        throw new Refusal(
          413,
          'InvalidParameter',
          `The request body is over ${MAX_BODY / 1024 / 1024} MiB, more than any call needs.`,
          'request',
        )
      }
      let request: unknown
      try {
        request = JSON.parse(text || '{}')
      } catch {
        request = undefined
      }
      const result = await app.dispatch(channel, request)
      const body = JSON.stringify(result)
      trace('response', channel, body)
      return send(res, 200, 'application/json', body)
    }
    if (pathname === '/__bridge/events') {
      if (!authorised(req, url.searchParams.get('token'))) throw forbidden()
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      })
      res.write(': connected\n\n')
      sinks.add(res)
      req.on('close', () => sinks.delete(res))
      return
    }
    if ((pathname === '/' || pathname === '/index.html') && url.searchParams.has('token')) {
      if (!matches(url.searchParams.get('token'))) throw forbidden()
      // The token leaves the address bar at once: it moves into a cookie script cannot read and no
      // other site's request carries, and the browser is sent on to the same page without it, so
      // it never reaches the history, a bookmark or a Referer.
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        'cache-control': 'no-store',
        location: pathname,
        'set-cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      })
      res.end()
      return
    }
    if (!authorised(req)) throw forbidden()
    if (pathname === '/__bridge/client.js') {
      return send(res, 200, bundleContentType('client.js'), clientScript)
    }
    if (pathname === '/' || pathname === '/index.html') {
      return send(res, 200, bundleContentType('index.html'), indexHtml)
    }
    return serveStatic(options.rendererDir, pathname, res)
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    logProblem: log.problem,
    async close() {
      for (const sink of sinks) sink.end()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await app.dispose()
    },
  }
}

/**
 * The log in the data folder; if that folder cannot be written (read-only, EPERM, a file in the
 * way), the bridge logs to stderr instead and says so, rather than failing to start.
 */
function openLog(dataDir: string): Logger {
  // Routine lines (one per call) would bury the terminal; problems still show.
  return new Logger(join(dataDir, 'logs', 'main.log'), (line, level) => {
    if (level !== 'info') process.stderr.write(line)
  })
}

/** Every response's headers: the app's one CSP (framing included), no Referer, no sniffing. */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
}

/** Decodes a URL path, or refuses it with a 400 that says why (a stray `%`, say). */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname)
  } catch {
    throw new Refusal(
      400,
      'InvalidParameter',
      'The path has a malformed %-escape: every % must be followed by two hex digits.',
      'path',
    )
  }
}

/** One cookie's value from a Cookie header, or null. */
function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return null
}

/** Answers a refused request: JSON for the bridge's own endpoints, text for pages. */
function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  if (res.headersSent) {
    res.end()
    return
  }
  const api = (req.url ?? '').startsWith('/__bridge/')
  const headers: Record<string, string> = refusal.status === 413 ? { connection: 'close' } : {}
  if (api) {
    const error = {
      code: refusal.code,
      message: refusal.message,
      ...(refusal.field ? { field: refusal.field } : {}),
    }
    send(res, refusal.status, 'application/json', JSON.stringify({ ok: false, error }), headers)
  } else {
    send(res, refusal.status, 'text/plain; charset=utf-8', `${refusal.message}\n`, headers)
  }
}

async function bundleClient(): Promise<string> {
  const entry = fileURLToPath(new URL('./client.ts', import.meta.url))
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
  })
  return out.outputFiles[0]!.text
}

async function serveStatic(root: string, pathname: string, res: ServerResponse): Promise<void> {
  const file = bundleFile(root, pathname)
  if (!file) return send(res, 404, 'text/plain', 'Not found')
  try {
    const info = await stat(file)
    if (!info.isFile()) throw new Error('not a file')
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': bundleContentType(file),
      'content-length': info.size,
    })
    createReadStream(file).pipe(res)
  } catch {
    send(res, 404, 'text/plain', 'Not found')
  }
}

/**
 * Reads a body of up to MAX_BODY bytes; null when it is larger. An oversized body is read to its
 * end and dropped (up to MAX_DRAIN), so the client gets the 413 instead of a reset connection.
 */
function readBody(req: IncomingMessage): Promise<string | null> {
  const declared = Number(req.headers['content-length'])
  if (declared > MAX_BODY) return drain(req).then(() => null)
  return new Promise((resolve, reject) => {
    let size = 0
    let chunks: Buffer[] | null = []
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) chunks = null
      else chunks?.push(chunk)
      if (size > MAX_DRAIN) req.destroy()
    })
    req.on('end', () => resolve(chunks ? Buffer.concat(chunks).toString('utf8') : null))
    req.on('error', reject)
  })
}

/** Reads and drops a request's body (up to MAX_DRAIN), so a refusal can still be answered. */
function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_DRAIN) {
        req.destroy()
        resolve()
      }
    })
    req.on('end', resolve)
    req.on('error', () => resolve())
    req.on('close', resolve)
  })
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(body)
}
