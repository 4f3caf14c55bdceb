import { readFile } from 'node:fs/promises'
import { describe, expect, it, vi } from 'vitest'
import { isAllowedExternalUrl } from '../core/platform/platform'
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy'
import {
  guardSession,
  guardWebContents,
  type GuardedContents,
  type GuardedSession,
} from './security'

/** Parses a CSP into directive -> sources. */
function parseCsp(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((tokens) => tokens[0])
      .map(([name, ...sources]) => [name!.toLowerCase(), sources]),
  )
}

/** The checklist's CSP rule: scripts never from inline code or eval, whichever directive governs. */
function expectStrictScripts(policy: string): void {
  const csp = parseCsp(policy)
  const scripts = csp.get('script-src') ?? csp.get('default-src')
  expect(scripts, 'a script-src or default-src directive').toBeDefined()
  for (const directive of ['default-src', 'script-src', 'script-src-elem', 'script-src-attr']) {
    const sources = csp.get(directive) ?? []
    expect(sources, directive).not.toContain("'unsafe-inline'")
    expect(sources, directive).not.toContain("'unsafe-eval'")
    expect(sources, directive).not.toContain("'wasm-unsafe-eval'")
    expect(sources, directive).not.toContain('*')
    expect(
      sources.some((s) => /^(https?:|data:|blob:)/.test(s)),
      directive,
    ).toBe(false)
  }
  expect(csp.get('object-src')).toEqual(["'none'"])
  expect(csp.get('base-uri')).toEqual(["'none'"])
}

describe('Content-Security-Policy', () => {
  it("app:// sends a policy with no 'unsafe-inline' or 'unsafe-eval' scripts", () => {
    expectStrictScripts(CONTENT_SECURITY_POLICY)
    expect(parseCsp(CONTENT_SECURITY_POLICY).get('frame-ancestors')).toEqual(["'none'"])
  })

  it('renderer/index.html carries the same strict policy in its meta tag', async () => {
    const html = await readFile(new URL('../../renderer/index.html', import.meta.url), 'utf8')
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)
    expect(meta, 'a CSP meta tag').not.toBeNull()
    expectStrictScripts(meta![1]!)
    // The page has no inline script for a policy to have to allow.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i)
  })
})

describe('isAllowedExternalUrl (what may leave the app)', () => {
  it('allows https AWS documentation, console and health pages only', () => {
    for (const url of [
      'https://docs.aws.amazon.com/AmazonECR/latest/userguide/what-is-ecr.html',
      'https://console.aws.amazon.com/ecr/home',
      'https://eu-west-1.console.aws.amazon.com/ecr/repositories',
      'https://health.aws.amazon.com/health/status',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(true)
    }
    for (const url of [
      'http://docs.aws.amazon.com/',
      'https://docs.aws.amazon.com.evil.example/',
      'https://docs.aws.amazon.com@evil.example/',
      'https://evil.example/#https://docs.aws.amazon.com/',
      'https://evil.example/?u=https://docs.aws.amazon.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://bundle/index.html',
      'smb://share/x',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false)
    }
  })
})

type Listener = (...args: unknown[]) => void

/** A webContents double that records its listeners and lets a test fire them. */
function fakeContents() {
  const listeners = new Map<string, Listener>()
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null
  const contents: GuardedContents = {
    on: (name: string, listener: Listener) => listeners.set(name, listener),
    setWindowOpenHandler: (handler) => {
      openHandler = handler
    },
  } as GuardedContents
  const fire = (name: string, ...args: unknown[]) => {
    const event = { preventDefault: vi.fn(), url: args[0] }
    listeners.get(name)!(event, ...args)
    return event.preventDefault
  }
  return { contents, listeners, fire, open: (url: string) => openHandler!({ url }) }
}

describe('guardWebContents (navigation, windows, webviews)', () => {
  it('blocks every navigation, opening only allow-listed https links outside', () => {
    const openExternal = vi.fn()
    const fake = fakeContents()
    guardWebContents(fake.contents, openExternal)

    expect(fake.fire('will-navigate', 'https://evil.example/')).toHaveBeenCalled()
    expect(fake.fire('will-navigate', 'app://bundle/other.html')).toHaveBeenCalled()
    expect(fake.fire('will-navigate', 'http://docs.aws.amazon.com/')).toHaveBeenCalled()
    expect(openExternal).not.toHaveBeenCalled()

    const docs = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/what-is-ecr.html'
    expect(fake.fire('will-navigate', docs)).toHaveBeenCalled()
    expect(openExternal).toHaveBeenCalledWith(docs)
  })

  it('blocks sub-frame navigations, and redirects anywhere but the app', () => {
    const fake = fakeContents()
    guardWebContents(fake.contents, vi.fn())
    expect(fake.fire('will-frame-navigate', 'https://evil.example/')).toHaveBeenCalled()
    expect(fake.fire('will-redirect', 'https://evil.example/')).toHaveBeenCalled()
    expect(fake.fire('will-redirect', 'app://bundle/index.html')).not.toHaveBeenCalled()
  })

  it('denies every new window; allow-listed https URLs go to the browser instead', () => {
    const openExternal = vi.fn()
    const fake = fakeContents()
    guardWebContents(fake.contents, openExternal)
    expect(fake.open('https://evil.example/')).toEqual({ action: 'deny' })
    expect(fake.open('file:///etc/passwd')).toEqual({ action: 'deny' })
    expect(fake.open('javascript:alert(1)')).toEqual({ action: 'deny' })
    expect(openExternal).not.toHaveBeenCalled()
    expect(fake.open('https://us-east-1.console.aws.amazon.com/ecr/home')).toEqual({
      action: 'deny',
    })
    expect(openExternal).toHaveBeenCalledWith('https://us-east-1.console.aws.amazon.com/ecr/home')
  })

  it('prevents <webview> from attaching', () => {
    const fake = fakeContents()
    guardWebContents(fake.contents, vi.fn())
    expect(fake.fire('will-attach-webview')).toHaveBeenCalled()
  })
})

describe('guardSession (permissions and remote content)', () => {
  function fakeSession() {
    const handlers: {
      request?: Parameters<GuardedSession['setPermissionRequestHandler']>[0]
      check?: Parameters<GuardedSession['setPermissionCheckHandler']>[0]
      device?: Parameters<GuardedSession['setDevicePermissionHandler']>[0]
      beforeRequest?: Parameters<GuardedSession['webRequest']['onBeforeRequest']>[0]
    } = {}
    const session: GuardedSession = {
      setPermissionRequestHandler: (h) => (handlers.request = h),
      setPermissionCheckHandler: (h) => (handlers.check = h),
      setDevicePermissionHandler: (h) => (handlers.device = h),
      webRequest: { onBeforeRequest: (l) => (handlers.beforeRequest = l) },
    }
    return { session, handlers }
  }

  it('denies every permission request and every permission check', () => {
    const { session, handlers } = fakeSession()
    guardSession(session)
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'hid']) {
      const callback = vi.fn()
      handlers.request!({}, permission, callback)
      expect(callback).toHaveBeenCalledWith(false)
      expect(handlers.check!({}, permission)).toBe(false)
    }
    expect(handlers.device!({ deviceType: 'usb' })).toBe(false)
  })

  it('cancels requests for remote content and lets the app load its own', () => {
    const { session, handlers } = fakeSession()
    guardSession(session)
    const decide = (url: string) => {
      const callback = vi.fn()
      handlers.beforeRequest!({ url }, callback)
      return callback.mock.calls[0]![0] as { cancel: boolean }
    }
    expect(decide('https://cdn.example/lib.js')).toEqual({ cancel: true })
    expect(decide('app://bundle/assets/index.js')).toEqual({ cancel: false })
  })
})
