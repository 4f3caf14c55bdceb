import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { HttpRequest } from '@smithy/protocol-http'
import { request as undiciRequest } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { DemoRegistry } from '../../demo-registry/testing'
import {
  CONNECTION_TIMEOUT_MS,
  createBlobHttp,
  createDownloadDispatcher,
  createRequestHandler,
  proxyForUrl,
  proxySettings,
  REQUEST_TIMEOUT_MS,
} from './http'

// Everything here stays on this machine. The origin servers listen on 127.0.0.2: a loopback
// address, but not one of the hosts that are always reached directly (localhost, 127.0.0.1, ::1),
// so a request to it goes through the proxy unless NO_PROXY says otherwise. Hosts under .proxy.test
// exist only inside the test proxy, which maps them to 127.0.0.2 (loopback.proxy.test to
// 127.0.0.1): a request for one can only succeed through the proxy. TLS through a tunnel is checked
// against a host name, so the https server's certificate names secure.proxy.test as well.

const ORIGIN_HOST = '127.0.0.2'

interface TestProxy {
  url: string
  /** One line per request the proxy handled: `CONNECT host:port` or `GET http://…`. */
  seen: string[]
  close(): Promise<void>
}

function mapHost(hostname: string): string {
  if (hostname === 'loopback.proxy.test') return '127.0.0.1'
  return hostname.endsWith('.proxy.test') ? ORIGIN_HOST : hostname
}

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  return (server.address() as AddressInfo).port
}

function close(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** A minimal forward proxy: CONNECT tunnels and absolute-form http requests. */
async function startProxy(): Promise<TestProxy> {
  const seen: string[] = []
  const tunnels = new Set<Socket>()
  const server = createHttpServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    const target = new URL(req.url ?? '')
    const upstream = httpRequest(
      {
        host: mapHost(target.hostname),
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: { ...req.headers, 'x-via-test-proxy': '1' },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers)
        upstreamRes.pipe(res)
      },
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`)
    const [hostname = '', port = '443'] = (req.url ?? '').split(/:(?=\d+$)/)
    const upstream = connect(Number(port), mapHost(hostname), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    tunnels.add(client).add(upstream)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  const port = await listen(server, '127.0.0.1')
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      for (const socket of tunnels) socket.destroy()
      return close(server)
    },
  }
}

let dir: string
let cert: string
let proxy: TestProxy
let httpOrigin: string
let httpsOrigin: string
let proxiedHttpsOrigin: string
let loopbackOrigin: string
const servers: Server[] = []

const answer = (name: string) => (req: { url?: string; headers: Record<string, unknown> }) =>
  JSON.stringify({
    server: name,
    path: req.url,
    viaProxyHeader: req.headers['x-via-test-proxy'] ?? null,
  })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-http-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      `/CN=${ORIGIN_HOST}`,
      '-addext',
      `subjectAltName=IP:${ORIGIN_HOST},DNS:secure.proxy.test`,
    ],
    { stdio: 'ignore' },
  )
  cert = join(dir, 'cert.pem')
  const tls = { key: await readFile(join(dir, 'key.pem')), cert: await readFile(cert) }

  const plain = createHttpServer((req, res) => res.end(answer('http')(req)))
  const secure = createHttpsServer(tls, (req, res) => res.end(answer('https')(req)))
  const loopback = createHttpServer((req, res) => res.end(answer('loopback')(req)))
  servers.push(plain, secure, loopback)
  httpOrigin = `http://${ORIGIN_HOST}:${await listen(plain, ORIGIN_HOST)}`
  const securePort = await listen(secure, ORIGIN_HOST)
  httpsOrigin = `https://${ORIGIN_HOST}:${securePort}`
  proxiedHttpsOrigin = `https://secure.proxy.test:${securePort}`
  loopbackOrigin = `http://127.0.0.1:${await listen(loopback, '127.0.0.1')}`
  proxy = await startProxy()
})

afterAll(async () => {
  await proxy?.close()
  await Promise.all(servers.map(close))
  await rm(dir, { recursive: true, force: true })
})

beforeEach(() => {
  proxy.seen.length = 0
})

/** Sends one GET through the SDK's request handler, as an AWS client would. */
async function viaSdkHandler(env: NodeJS.ProcessEnv, url: string): Promise<unknown> {
  const handler = createRequestHandler(env)
  try {
    const target = new URL(url)
    const { response } = await handler.handle(
      new HttpRequest({
        protocol: target.protocol,
        hostname: target.hostname,
        port: Number(target.port),
        method: 'GET',
        path: target.pathname,
        headers: { host: target.host },
      }),
    )
    const chunks: Buffer[] = []
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk)
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } finally {
    handler.destroy()
  }
}

/** Sends one GET through the downloads' undici dispatcher. */
async function viaDownloadDispatcher(env: NodeJS.ProcessEnv, url: string): Promise<unknown> {
  const dispatcher = createDownloadDispatcher(env)
  try {
    const response = await undiciRequest(url, { dispatcher })
    return await response.body.json()
  } finally {
    await dispatcher.close()
  }
}

describe('proxySettings and proxyForUrl', () => {
  const url = (value: string) => new URL(value)

  it('reads the lowercase variables first, like curl, and adds the loopback hosts to NO_PROXY', () => {
    expect(
      proxySettings({
        https_proxy: 'http://lower:1',
        HTTPS_PROXY: 'http://upper:1',
        HTTP_PROXY: 'proxy.corp:3128',
        NO_PROXY: '.internal',
      }),
    ).toEqual({
      httpProxy: 'http://proxy.corp:3128',
      httpsProxy: 'http://lower:1',
      noProxy: '.internal,localhost,127.0.0.1,[::1]',
    })
    expect(proxySettings({}).httpProxy).toBe('')
  })

  it('matches NO_PROXY hosts, their subdomains and ports, as undici does', () => {
    const settings = proxySettings({
      HTTPS_PROXY: 'http://proxy:3128',
      NO_PROXY: 'example.com, *.corp.test .svc:8443',
    })
    expect(proxyForUrl(url('https://ecr.us-east-1.amazonaws.com/'), settings)).toBe(
      'http://proxy:3128',
    )
    expect(proxyForUrl(url('https://example.com/'), settings)).toBeNull()
    expect(proxyForUrl(url('https://a.b.example.com/'), settings)).toBeNull()
    expect(proxyForUrl(url('https://notexample.com/'), settings)).toBe('http://proxy:3128')
    expect(proxyForUrl(url('https://x.corp.test/'), settings)).toBeNull()
    expect(proxyForUrl(url('https://api.svc:8443/'), settings)).toBeNull()
    expect(proxyForUrl(url('https://api.svc/'), settings)).toBe('http://proxy:3128')
  })

  it('never proxies loopback, proxies nothing for NO_PROXY=*, and uses HTTP_PROXY for http', () => {
    const settings = proxySettings({ HTTP_PROXY: 'http://p:1', HTTPS_PROXY: 'http://s:1' })
    expect(proxyForUrl(url('http://127.0.0.1:9000/'), settings)).toBeNull()
    expect(proxyForUrl(url('http://localhost:9000/'), settings)).toBeNull()
    expect(proxyForUrl(url('http://[::1]:9000/'), settings)).toBeNull()
    expect(proxyForUrl(url('http://registry.corp/'), settings)).toBe('http://p:1')
    expect(proxyForUrl(url('https://registry.corp/'), settings)).toBe('http://s:1')
    expect(
      proxyForUrl(url('https://x/'), proxySettings({ HTTPS_PROXY: 'http://s:1', NO_PROXY: '*' })),
    ).toBeNull()
    expect(proxyForUrl(url('https://x/'), proxySettings({}))).toBeNull()
  })

  it('uses the documented timeouts', () => {
    expect([CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS]).toEqual([5_000, 60_000])
  })
})

describe('createRequestHandler (AWS SDK) through a local proxy', () => {
  it('tunnels https through HTTPS_PROXY with CONNECT, trusting AWS_CA_BUNDLE', async () => {
    const body = await viaSdkHandler(
      { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: cert },
      `${proxiedHttpsOrigin}/a`,
    )
    expect(body).toMatchObject({ server: 'https', path: '/a' })
    expect(proxy.seen).toEqual([`CONNECT ${new URL(proxiedHttpsOrigin).host}`])
  })

  it('honours the lowercase https_proxy', async () => {
    const body = await viaSdkHandler(
      { https_proxy: proxy.url, AWS_CA_BUNDLE: cert },
      `${proxiedHttpsOrigin}/b`,
    )
    expect(body).toMatchObject({ server: 'https' })
    expect(proxy.seen).toHaveLength(1)
  })

  it('forwards http through HTTP_PROXY', async () => {
    const body = await viaSdkHandler({ HTTP_PROXY: proxy.url }, `${httpOrigin}/c`)
    expect(body).toMatchObject({ server: 'http', path: '/c', viaProxyHeader: '1' })
    expect(proxy.seen).toEqual([`GET ${httpOrigin}/c`])
  })

  it('goes direct for NO_PROXY hosts and for loopback', async () => {
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: cert }
    expect(await viaSdkHandler({ ...env, NO_PROXY: ORIGIN_HOST }, `${httpOrigin}/d`)).toMatchObject(
      {
        server: 'http',
        viaProxyHeader: null,
      },
    )
    expect(
      await viaSdkHandler({ ...env, no_proxy: ORIGIN_HOST }, `${httpsOrigin}/e`),
    ).toMatchObject({ server: 'https' })
    expect(await viaSdkHandler(env, `${loopbackOrigin}/f`)).toMatchObject({ server: 'loopback' })
    expect(proxy.seen).toEqual([])
  })

  it('refuses an https server the CA bundle does not vouch for', async () => {
    await expect(
      viaSdkHandler({ HTTPS_PROXY: proxy.url }, `${proxiedHttpsOrigin}/g`),
    ).rejects.toThrow(/self[- ]signed|certificate/i)
  })

  it('carries a real ECR client call, SigV4 and all, through the proxy to the demo registry', async () => {
    const registry = new DemoRegistry({ repositoryCount: 3 })
    const { endpoint } = await registry.start()
    const handler = createRequestHandler({ HTTP_PROXY: proxy.url })
    try {
      // A name only the proxy can resolve: the call cannot succeed without it.
      const client = new ECRClient({
        region: 'us-east-1',
        endpoint: `http://loopback.proxy.test:${new URL(endpoint).port}`,
        credentials: registry.credentials,
        requestHandler: handler,
      })
      const page = await client.send(new DescribeRepositoriesCommand({}))
      expect(page.repositories).toHaveLength(3)
      expect(proxy.seen.some((line) => line.startsWith('POST http://loopback.proxy.test:'))).toBe(
        true,
      )
    } finally {
      handler.destroy()
      await registry.stop()
    }
  })
})

describe('createDownloadDispatcher (blob downloads) through a local proxy', () => {
  it('tunnels https through HTTPS_PROXY, trusting AWS_CA_BUNDLE', async () => {
    const body = await viaDownloadDispatcher(
      { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: cert },
      `${proxiedHttpsOrigin}/blob`,
    )
    expect(body).toMatchObject({ server: 'https', path: '/blob' })
    expect(proxy.seen).toEqual([`CONNECT ${new URL(proxiedHttpsOrigin).host}`])
  })

  it('sends http through HTTP_PROXY, and reaches a host only the proxy knows', async () => {
    const body = await viaDownloadDispatcher(
      { http_proxy: proxy.url },
      `http://loopback.proxy.test:${new URL(loopbackOrigin).port}/x`,
    )
    expect(body).toMatchObject({ server: 'loopback', path: '/x' })
    expect(proxy.seen).toHaveLength(1)
  })

  it('goes direct for NO_PROXY hosts and for loopback, whatever process.env says', async () => {
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: cert }
    expect(
      await viaDownloadDispatcher({ ...env, NO_PROXY: ORIGIN_HOST }, `${httpsOrigin}/y`),
    ).toMatchObject({
      server: 'https',
    })
    expect(await viaDownloadDispatcher(env, `${loopbackOrigin}/z`)).toMatchObject({
      server: 'loopback',
    })
    // An empty env means no proxy, even when this process's own environment names one.
    vi.stubEnv('HTTP_PROXY', proxy.url)
    vi.stubEnv('http_proxy', proxy.url)
    try {
      expect(await viaDownloadDispatcher({}, `${httpOrigin}/w`)).toMatchObject({ server: 'http' })
      expect(await viaSdkHandler({}, `${httpOrigin}/v`)).toMatchObject({ server: 'http' })
    } finally {
      vi.unstubAllEnvs()
    }
    expect(proxy.seen).toEqual([])
  })

  it('createBlobHttp goes direct over TLS with AWS_CA_BUNDLE where no proxy applies, else via the proxy', async () => {
    const read = async (env: NodeJS.ProcessEnv, url: string) => {
      const response = await createBlobHttp(env).get(url, {
        headers: {},
        signal: new AbortController().signal,
        headersTimeoutMs: 5_000,
        bodyTimeoutMs: 5_000,
      })
      return JSON.parse(await response.text()) as unknown
    }
    const env = { HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: cert }
    expect(await read({ ...env, NO_PROXY: ORIGIN_HOST }, `${httpsOrigin}/direct`)).toMatchObject({
      server: 'https',
      path: '/direct',
      viaProxyHeader: null,
    })
    expect(proxy.seen).toEqual([])
    expect(await read(env, `${proxiedHttpsOrigin}/tunnelled`)).toMatchObject({
      server: 'https',
      path: '/tunnelled',
    })
    expect(proxy.seen).toEqual([`CONNECT ${new URL(proxiedHttpsOrigin).host}`])
  })
})
