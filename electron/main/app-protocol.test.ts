import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { APP_SCHEME, createAppProtocolHandler, resolveAppFile } from './app-protocol'
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy'

let base: string
let root: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'elb-protocol-'))
  root = join(base, 'renderer')
  await mkdir(join(root, 'assets'), { recursive: true })
  await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>')
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
  // A sibling whose name starts like the root: a naive startsWith() check would let it through.
  await mkdir(join(base, 'renderer-secrets'))
  await writeFile(join(base, 'renderer-secrets', 'key.txt'), 'secret')
  await writeFile(join(base, 'settings.json'), '{"secret":true}')
})

afterAll(async () => {
  await rm(base, { recursive: true, force: true })
})

describe('the app:// scheme', () => {
  it('is registered standard and secure, so the UI has a real origin and a secure context', () => {
    expect(APP_SCHEME).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    })
  })
})

describe('resolveAppFile', () => {
  it('maps app://bundle paths into the renderer folder, / to index.html', () => {
    expect(resolveAppFile(root, 'app://bundle/')).toBe(join(root, 'index.html'))
    expect(resolveAppFile(root, 'app://bundle/index.html')).toBe(join(root, 'index.html'))
    expect(resolveAppFile(root, 'app://bundle/assets/index-abc.js?v=1#x')).toBe(
      join(root, 'assets', 'index-abc.js'),
    )
  })

  it('refuses every way out of the folder', () => {
    for (const url of [
      'app://bundle/..%2fsettings.json',
      'app://bundle/%2e%2e/settings.json',
      'app://bundle/%2e%2e%2f%2e%2e%2fetc/passwd',
      'app://bundle/..%5csettings.json',
      'app://bundle/%2e%2e%5c%2e%2e%5cwindows%5cwin.ini',
      'app://bundle/..%2frenderer-secrets%2fkey.txt',
      'app://bundle/%2fetc%2fpasswd/..%2f..%2f..%2fetc%2fpasswd',
      'app://bundle/assets/..%2f..%2f..%2f',
    ]) {
      const file = resolveAppFile(root, url)
      if (file !== null) expect(file.startsWith(join(root, '/')), url).toBe(true)
    }
    expect(resolveAppFile(root, 'app://bundle/..%2fsettings.json')).toBeNull()
    expect(resolveAppFile(root, 'app://bundle/..%2frenderer-secrets%2fkey.txt')).toBeNull()
  })

  it('refuses other hosts and schemes, NUL bytes and undecodable paths', () => {
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull()
    expect(resolveAppFile(root, 'file:///etc/passwd')).toBeNull()
    expect(resolveAppFile(root, 'app://bundle/index.html%00.png')).toBeNull()
    expect(resolveAppFile(root, 'app://bundle/%E0%A4%A')).toBeNull()
  })
})

describe('createAppProtocolHandler', () => {
  const get = (url: string, method = 'GET') =>
    createAppProtocolHandler(root)(new Request(url, { method }))

  it('serves the bundle with its type, the CSP header and nosniff', async () => {
    const page = await get('app://bundle/index.html')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await page.text()).toContain('<title>app</title>')

    const script = await get('app://bundle/assets/index-abc.js')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })

  it('answers 404 for traversal, missing files and folders, and 405 for writes', async () => {
    for (const url of [
      'app://bundle/..%2fsettings.json',
      'app://bundle/%2e%2e%2frenderer-secrets%2fkey.txt',
      'app://bundle/missing.js',
      'app://bundle/assets',
      'app://elsewhere/index.html',
    ]) {
      const response = await get(url)
      expect(response.status, url).toBe(404)
      expect(await response.text()).toBe('')
    }
    expect((await get('app://bundle/index.html', 'POST')).status).toBe(405)
  })
})
