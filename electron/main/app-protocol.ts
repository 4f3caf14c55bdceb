import { readFile } from 'node:fs/promises'
import { bundleContentType, bundleFile } from '../core/bundle/renderer-bundle'
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy'

/** The privileged scheme the UI is served from; register it before the app is ready. */
export const APP_SCHEME = {
  scheme: 'app',
  // standard: real origin and relative URLs; secure: counts as a secure context like https.
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const

/**
 * Maps an app://bundle/… URL to a file inside `rootDir`, or null when the URL is for another host,
 * cannot be decoded, or would escape the folder (the core's bundleFile rule, shared with the web
 * bridge).
 */
export function resolveAppFile(rootDir: string, requestUrl: string): string | null {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  if (url.protocol !== 'app:' || url.host !== 'bundle') return null
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  return bundleFile(rootDir, path)
}

/**
 * The protocol.handle('app', …) handler: serves the built renderer from `rootDir` with the CSP
 * and nosniff headers. It reads files itself rather than forwarding to file://, so file:// is never
 * used and its privileges are never needed.
 */
export function createAppProtocolHandler(
  rootDir: string,
  read: (file: string) => Promise<Uint8Array> = readFile,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405 })
    }
    const file = resolveAppFile(rootDir, request.url)
    if (!file) return new Response(null, { status: 404 })
    let body: Uint8Array
    try {
      body = await read(file)
    } catch {
      return new Response(null, { status: 404 })
    }
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), {
      status: 200,
      headers: {
        'content-type': bundleContentType(file),
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      },
    })
  }
}
