import { readFileSync } from 'node:fs'
import { Agent as HttpAgent, type ClientRequest } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { Agent, type AgentConnectOpts } from 'agent-base'
import { HttpProxyAgent } from 'http-proxy-agent'
import { HttpsProxyAgent } from 'https-proxy-agent'
import { EnvHttpProxyAgent, type Dispatcher } from 'undici'
import { BlobHttp } from './blob-http'

// The main process's HTTP, for the AWS SDK and for blob downloads, honouring the same proxy
// variables as curl and the AWS CLI: HTTPS_PROXY, HTTP_PROXY and NO_PROXY (lowercase wins).

/** How long to wait for a TCP/TLS connection. */
export const CONNECTION_TIMEOUT_MS = 5_000
/** How long a request may sit idle (no bytes either way) before it fails. */
export const REQUEST_TIMEOUT_MS = 60_000

/**
 * Always reached directly. Loopback is this machine: a proxy elsewhere cannot reach the demo
 * registry or a local endpoint on it, so sending them there would only break them.
 */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]']

/** The proxy variables, resolved once from an environment. */
export interface ProxySettings {
  /** Proxy for http:// URLs ('' for none). */
  httpProxy: string
  /** Proxy for https:// URLs ('' to use httpProxy). */
  httpsProxy: string
  /** NO_PROXY, plus the loopback hosts. */
  noProxy: string
}

function variable(env: NodeJS.ProcessEnv, name: string): string {
  return (env[name.toLowerCase()] ?? env[name.toUpperCase()] ?? '').trim()
}

// `proxy:3128` means http://proxy:3128, as in curl.
function proxyUrl(value: string): string {
  return value && !value.includes('://') ? `http://${value}` : value
}

/** Reads http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY and no_proxy/NO_PROXY from `env`. */
export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const noProxy = variable(env, 'no_proxy')
  return {
    httpProxy: proxyUrl(variable(env, 'http_proxy')),
    httpsProxy: proxyUrl(variable(env, 'https_proxy')),
    noProxy: noProxy === '*' ? '*' : [noProxy, ...LOOPBACK_HOSTS].filter(Boolean).join(','),
  }
}

interface NoProxyEntry {
  hostname: string
  port: number
}

function parseNoProxy(value: string): NoProxyEntry[] {
  return value
    .split(/[,\s]/)
    .filter(Boolean)
    .map((entry) => {
      const withPort = /^(.+):(\d+)$/.exec(entry)
      return {
        // `.example.com` and `*.example.com` mean the same as `example.com`: it and its subdomains.
        hostname: (withPort ? withPort[1]! : entry).replace(/^\*?\./, '').toLowerCase(),
        port: withPort ? Number(withPort[2]) : 0,
      }
    })
}

/**
 * The proxy URL for a request, or null to connect directly. The rules are undici's
 * EnvHttpProxyAgent's (which the blob downloads use), so the SDK and the downloads agree: NO_PROXY
 * entries match a host and its subdomains, optionally on one port; `*` disables proxying; https
 * URLs use HTTPS_PROXY, falling back to HTTP_PROXY.
 */
export function proxyForUrl(target: URL, settings: ProxySettings): string | null {
  const hostname = target.host.replace(/:\d*$/, '').toLowerCase()
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80)
  if (settings.noProxy === '*') return null
  for (const entry of parseNoProxy(settings.noProxy)) {
    if (entry.port && entry.port !== port) continue
    if (hostname === entry.hostname || hostname.endsWith(`.${entry.hostname}`)) return null
  }
  const proxy =
    target.protocol === 'https:' ? settings.httpsProxy || settings.httpProxy : settings.httpProxy
  return proxy || null
}

/** Extra CA certificates from AWS_CA_BUNDLE (as the AWS CLI reads it), for TLS-inspecting proxies. */
export function caBundle(env: NodeJS.ProcessEnv): string | undefined {
  const path = env.AWS_CA_BUNDLE?.trim()
  return path ? readFileSync(path, 'utf8') : undefined
}

/**
 * An http.Agent that decides per connection whether to go through the proxy: it hands the request
 * to an https-proxy-agent (CONNECT tunnel), an http-proxy-agent (absolute-form request) or a plain
 * keep-alive agent.
 */
class EnvProxyAgent extends Agent {
  private readonly direct: HttpAgent
  private readonly viaProxy = new Map<string, Agent>()

  constructor(
    private readonly secure: boolean,
    private readonly settings: ProxySettings,
    private readonly ca: string | undefined,
  ) {
    const tls = ca ? { ca } : {}
    // Node merges an agent's options into each request's, and these reach the TLS connection to
    // the target inside a CONNECT tunnel; the proxy agents' own options only reach the proxy.
    super({ keepAlive: true, ...tls })
    this.direct = secure
      ? new HttpsAgent({ keepAlive: true, ...tls })
      : new HttpAgent({ keepAlive: true })
  }

  override isSecureEndpoint(): boolean {
    return this.secure
  }

  connect(_req: ClientRequest, options: AgentConnectOpts): HttpAgent {
    const host = options.host?.includes(':') ? `[${options.host}]` : (options.host ?? 'localhost')
    const target = new URL(`${this.secure ? 'https' : 'http'}://${host}:${options.port}`)
    const proxy = proxyForUrl(target, this.settings)
    if (!proxy) return this.direct
    let agent = this.viaProxy.get(proxy)
    if (!agent) {
      const tls = this.ca ? { ca: this.ca } : {}
      agent = this.secure
        ? new HttpsProxyAgent(proxy, { keepAlive: true, ...tls })
        : new HttpProxyAgent(proxy, { keepAlive: true, ...tls })
      this.viaProxy.set(proxy, agent)
    }
    return agent
  }

  override destroy(): void {
    this.direct.destroy()
    for (const agent of this.viaProxy.values()) agent.destroy()
    super.destroy()
  }
}

/**
 * The AWS SDK's request handler: proxy-aware agents (see proxyForUrl), AWS_CA_BUNDLE, a 5 s
 * connection timeout and a 60 s request timeout. Pass it as `requestHandler` to each client.
 */
export function createRequestHandler(env: NodeJS.ProcessEnv): NodeHttpHandler {
  const settings = proxySettings(env)
  const ca = caBundle(env)
  return new NodeHttpHandler({
    httpAgent: new EnvProxyAgent(false, settings, ca),
    httpsAgent: new EnvProxyAgent(true, settings, ca),
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
  })
}

/**
 * The undici dispatcher for blob downloads: EnvHttpProxyAgent fed from `env` (never from
 * process.env behind our back), with the loopback hosts always direct and AWS_CA_BUNDLE trusted.
 */
export function createDownloadDispatcher(env: NodeJS.ProcessEnv): Dispatcher {
  return downloadDispatcher(proxySettings(env), caBundle(env))
}

function downloadDispatcher(settings: ProxySettings, ca: string | undefined): Dispatcher {
  const tls = ca ? { ca } : {}
  return new EnvHttpProxyAgent({
    // '' (not undefined) so undici does not fall back to process.env.
    httpProxy: settings.httpProxy,
    httpsProxy: settings.httpsProxy,
    noProxy: settings.noProxy,
    connect: { timeout: CONNECTION_TIMEOUT_MS, ...tls },
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
    requestTls: tls,
    proxyTls: tls,
  })
}

/**
 * How blob bodies are fetched: directly over a connection of their own when no proxy applies (the
 * fast path, see BlobHttp), else through the download dispatcher; AWS_CA_BUNDLE for both.
 */
export function createBlobHttp(env: NodeJS.ProcessEnv): BlobHttp {
  const settings = proxySettings(env)
  const ca = caBundle(env)
  return new BlobHttp({
    dispatcher: downloadDispatcher(settings, ca),
    proxied: (url) => proxyForUrl(url, settings) !== null,
    connectTimeoutMs: CONNECTION_TIMEOUT_MS,
    ...(ca ? { ca } : {}),
  })
}
