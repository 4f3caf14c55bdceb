import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy'
import { startBridge, type Bridge } from './server'

// The bridge as a hostile page on the same machine would meet it: raw HTTP, with whatever Host,
// Origin, cookie and body it likes (node:http, since fetch will not send a forged Host).

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

interface Call {
  method?: string
  headers?: Record<string, string>
  /** Sent as one body, or as separate chunks without a Content-Length. */
  body?: string | Buffer | Buffer[]
}

let root: string
let bridge: Bridge
let port: number
let token: string
const traced: string[] = []

function call(path: string, { method = 'GET', headers = {}, body }: Call = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: { host: `127.0.0.1:${port}`, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk)
      req.end()
    } else {
      req.end(body)
    }
  })
}

const invoke = (channel: string, headers: Record<string, string> = {}, body = '{}') =>
  call(`/__bridge/invoke/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })

const withToken = () => ({ 'x-bridge-token': token })

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'elb-bridge-'))
  const rendererDir = join(root, 'renderer')
  await mkdir(join(rendererDir, 'assets'), { recursive: true })
  await writeFile(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head></html>',
  )
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  await writeFile(join(rendererDir, 'assets', 'odd.__proto__'), 'x')
  bridge = await startBridge({
    rendererDir,
    dataDir: join(root, 'data'),
    downloadDir: join(root, 'downloads'),
    env: { AWS_EC2_METADATA_DISABLED: 'true' },
    trace: (kind, channel) => traced.push(`${kind} ${channel}`),
  })
  const url = new URL(bridge.url)
  port = Number(url.port)
  token = url.searchParams.get('token')!
})

afterAll(async () => {
  await bridge.close()
  await rm(root, { recursive: true, force: true })
})

describe('the web bridge', () => {
  it('answers only to 127.0.0.1:<port> and localhost:<port> as Host (no DNS rebinding)', async () => {
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, 'localhost', '[::1]']) {
      const page = await call('/', { headers: { host, ...withToken() } })
      expect(page.status, host).toBe(403)
      expect(page.text).toContain(`127.0.0.1:${port} and localhost:${port}`)
      expect(page.text).not.toContain('<html')
      const api = await invoke('settings:get', { host, ...withToken() })
      expect(api.status, host).toBe(403)
      expect(JSON.parse(api.text)).toMatchObject({ ok: false, error: { code: 'Forbidden' } })
    }
    expect(traced.filter((line) => line.startsWith('response'))).toEqual([])

    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const api = await invoke('settings:get', { host, ...withToken() })
      expect(api.status, host).toBe(200)
      expect(JSON.parse(api.text)).toMatchObject({ ok: true })
    }
  })

  it('refuses a foreign Origin and cross-site or same-site fetches, even with the token', async () => {
    const before = traced.length
    const hostile: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: `http://127.0.0.1:${port + 1}` },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]
    for (const headers of hostile) {
      const api = await invoke('settings:get', { ...headers, ...withToken() })
      expect(api.status, JSON.stringify(headers)).toBe(403)
      expect(JSON.parse(api.text)).toMatchObject({ ok: false, error: { code: 'Forbidden' } })
      const events = await call(`/__bridge/events?token=${token}`, { headers })
      expect(events.status).toBe(403)
    }
    // Nothing reached the app.
    expect(traced.slice(before)).toEqual([])

    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const api = await invoke('settings:get', {
        origin,
        'sec-fetch-site': 'same-origin',
        ...withToken(),
      })
      expect(JSON.parse(api.text)).toMatchObject({ ok: true })
    }
  })

  it('answers a body over 1 MiB with a 413 and a JSON error, not a reset, and stays up', async () => {
    const big = `{"x":"${'a'.repeat(1024 * 1024)}"}`
    const declared = await invoke('settings:get', withToken(), big)
    expect(declared.status).toBe(413)
    expect(declared.headers['content-type']).toBe('application/json')
    expect(JSON.parse(declared.text)).toEqual({
      ok: false,
      error: {
        code: 'InvalidParameter',
        field: 'request',
        message: 'The request body is over 1 MiB, more than any call needs.',
      },
    })

    // Chunked, with no Content-Length to refuse it by.
    const chunks = Array.from({ length: 5 }, () => Buffer.alloc(300 * 1024, 'a'))
    const streamed = await call('/__bridge/invoke/settings:get', {
      method: 'POST',
      headers: withToken(),
      body: chunks,
    })
    expect(streamed.status).toBe(413)
    expect(JSON.parse(streamed.text)).toMatchObject({ ok: false, error: { field: 'request' } })

    // Just under the limit is read (and refused by the schema, as any bad request is).
    const under = await invoke('settings:get', withToken(), `{"x":"${'a'.repeat(1000 * 1024)}"}`)
    expect(under.status).toBe(200)
    expect(JSON.parse(under.text)).toMatchObject({
      ok: false,
      error: { code: 'InvalidParameter', field: 'x' },
    })
    const after = await invoke('settings:get', withToken())
    expect(JSON.parse(after.text)).toMatchObject({ ok: true })
  })

  it('answers a malformed %-escape with a 400 that says so, never a 500 or an empty body', async () => {
    const cookie = { cookie: `elb_bridge_${port}=${token}` }
    for (const path of ['/%zz', '/assets/%E0%A4%A', '/%', '/assets/%C0%AF']) {
      const page = await call(path, { headers: cookie })
      expect(page.status, path).toBe(400)
      expect(page.text).toContain('malformed %-escape')
    }
    const api = await invoke('settings%zz', withToken())
    expect(api.status).toBe(400)
    expect(JSON.parse(api.text)).toMatchObject({
      ok: false,
      error: { code: 'InvalidParameter', field: 'path' },
    })
    // A well-formed escape still works, and an odd extension finds no Object.prototype type.
    const escaped = await call('/assets/app%2Ejs', { headers: cookie })
    expect(escaped.status).toBe(200)
    expect(escaped.headers['content-type']).toBe('text/javascript; charset=utf-8')
    const odd = await call('/assets/odd.__proto__', { headers: cookie })
    expect(odd.status).toBe(200)
    expect(odd.headers['content-type']).toBe('application/octet-stream')
  })

  it('serves only files inside the renderer bundle (the core bundleFile rule), with the CSP', async () => {
    const cookie = { cookie: `elb_bridge_${port}=${token}` }
    await writeFile(join(root, 'secret.txt'), 'not the bundle')
    await mkdir(join(root, 'renderer-secrets'), { recursive: true })
    await writeFile(join(root, 'renderer-secrets', 'key.txt'), 'not the bundle')
    for (const path of [
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%2e%2e%2frenderer-secrets%2fkey.txt',
      '/assets/app.js%00.png',
      '/assets',
      '/missing.js',
    ]) {
      const answer = await call(path, { headers: cookie })
      expect(answer.status, path).toBe(404)
      expect(answer.text).not.toContain('not the bundle')
    }
    const asset = await call('/assets/app.js', { headers: cookie })
    expect(asset.status).toBe(200)
    expect(asset.text).toBe('console.log(1)')
    expect(asset.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
  })

  it('moves the token from the URL into an HttpOnly SameSite=Strict cookie', async () => {
    const first = await call(`/?token=${token}`)
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/')
    expect(first.headers['referrer-policy']).toBe('no-referrer')
    const [cookie] = first.headers['set-cookie'] ?? []
    expect(cookie).toBe(`elb_bridge_${port}=${token}; HttpOnly; SameSite=Strict; Path=/`)

    const sent = { cookie: cookie!.split(';')[0]! }
    const page = await call('/', { headers: sent })
    expect(page.status).toBe(200)
    expect(page.text).toContain('<script src="/__bridge/client.js"></script>')
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(page.headers['content-security-policy']).toContain("form-action 'none'")
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    const api = await invoke('settings:get', sent)
    expect(JSON.parse(api.text)).toMatchObject({ ok: true })
    const asset = await call('/assets/app.js', { headers: sent })
    expect(asset.status).toBe(200)

    // Neither token nor cookie (or a wrong one): nothing, not even the bundle.
    const refusedHeaders: Record<string, string>[] = [
      {},
      { cookie: `elb_bridge_${port}=guess` },
      { 'x-bridge-token': '' },
    ]
    for (const headers of refusedHeaders) {
      expect((await call('/', { headers })).status).toBe(403)
      expect((await call('/assets/app.js', { headers })).status).toBe(403)
      expect((await call('/__bridge/client.js', { headers })).status).toBe(403)
      expect((await call('/__bridge/events', { headers })).status).toBe(403)
      const refused = await invoke('settings:get', headers)
      expect(refused.status).toBe(403)
      expect(JSON.parse(refused.text)).toMatchObject({ ok: false, error: { code: 'Forbidden' } })
    }
    const wrong = await call('/?token=guess')
    expect(wrong.status).toBe(403)
    expect(wrong.headers['set-cookie']).toBeUndefined()
  })
})

describe('the web bridge with an unwritable data folder', () => {
  it('starts, logs to stderr instead and says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'elb-bridge-ro-'))
    try {
      await writeFile(join(dir, 'index.html'), '<html><script></script></html>')
      // A file where the data folder should be: mkdir fails as it would on a read-only folder.
      await writeFile(join(dir, 'not-a-folder'), '')
      const started = await startBridge({
        rendererDir: dir,
        dataDir: join(dir, 'not-a-folder', 'data'),
        downloadDir: join(dir, 'downloads'),
        env: { AWS_EC2_METADATA_DISABLED: 'true' },
      })
      try {
        expect(started.logProblem).toMatch(/^cannot write the log .*not-a-folder.*main\.log: /)
        const url = new URL(started.url)
        const answer = await new Promise<string>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port: Number(url.port),
              path: '/__bridge/invoke/settings:get',
              method: 'POST',
              headers: { 'x-bridge-token': url.searchParams.get('token')! },
            },
            (res) => {
              let text = ''
              res.on('data', (chunk: Buffer) => (text += chunk.toString()))
              res.on('end', () => resolve(text))
            },
          )
          req.on('error', reject)
          req.end('{}')
        })
        expect(JSON.parse(answer)).toMatchObject({ ok: true })
      } finally {
        await started.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
