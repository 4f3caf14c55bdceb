import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, isAbsolute, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
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
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
}

const MAX_BODY = 1024 * 1024

/**
 * Serves the real renderer bundle on 127.0.0.1 and forwards window.ecr calls to the same
 * main-process services Electron uses. Only requests carrying the per-run token get data.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = randomBytes(24).toString('base64url')
  const log = new Logger(join(options.dataDir, 'logs', 'main.log'))
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

  const authorised = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false
    const a = Buffer.from(candidate)
    const b = Buffer.from(token)
    return a.length === b.length && timingSafeEqual(a, b)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('bridge', String(error))
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname.startsWith('/__bridge/invoke/') && req.method === 'POST') {
      const channel = decodeURIComponent(url.pathname.slice('/__bridge/invoke/'.length))
      if (!authorised(req.headers['x-bridge-token'] as string | undefined)) {
        return json(res, 403, {
          ok: false,
          error: { code: 'Forbidden', message: 'The bridge token is missing or wrong.' },
        })
      }
      let request: unknown
      try {
        request = JSON.parse((await readBody(req)) || '{}')
      } catch {
        request = undefined
      }
      const result = await app.dispatch(channel, request)
      const body = JSON.stringify(result)
      trace('response', channel, body)
      return send(res, 200, 'application/json', body)
    }
    if (url.pathname === '/__bridge/events') {
      if (!authorised(url.searchParams.get('token')))
        return send(res, 403, 'text/plain', 'Forbidden')
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      })
      res.write(': connected\n\n')
      sinks.add(res)
      req.on('close', () => sinks.delete(res))
      return
    }
    if (url.pathname === '/__bridge/client.js') {
      return send(res, 200, TYPES['.js']!, clientScript)
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!authorised(url.searchParams.get('token'))) {
        return send(
          res,
          403,
          'text/plain; charset=utf-8',
          'Forbidden: open the URL that `npm run web` printed; it carries the access token.',
        )
      }
      return send(res, 200, TYPES['.html']!, indexHtml, {
        'content-security-policy':
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      })
    }
    return serveStatic(options.rendererDir, url.pathname, res)
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const sink of sinks) sink.end()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await app.dispose()
    },
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
  const file = join(root, normalize(decodeURIComponent(pathname)))
  const inside = relative(root, file)
  if (inside.startsWith('..') || isAbsolute(inside))
    return send(res, 404, 'text/plain', 'Not found')
  try {
    const info = await stat(file)
    if (!info.isFile()) throw new Error('not a file')
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
    })
    createReadStream(file).pipe(res)
  } catch {
    send(res, 404, 'text/plain', 'Not found')
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new Error('request body too large'))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value))
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers })
  res.end(body)
}
