import { extname, resolve } from 'node:path'
import { isInside } from '../fs/inside'

// The one rule both hosts (the shell's app:// protocol and the web bridge) use to serve the built
// renderer: which file of the bundle a request path names, and what type it is sent as.

// A Map, not an object: a file named `x.__proto__` must not find Object.prototype here.
const TYPES = new Map<string, string>([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.woff2', 'font/woff2'],
])

/** The Content-Type a bundle file is served with; unknown extensions are octet-stream. */
export function bundleContentType(file: string): string {
  return TYPES.get(extname(file).toLowerCase()) ?? 'application/octet-stream'
}

/**
 * Maps an already %-decoded URL path to a file inside `rootDir`, or null when it would escape the
 * folder (`..`, decoded slashes or backslashes, absolute or UNC paths), names the folder itself, or
 * holds a NUL. An empty path (`/`) names index.html.
 */
export function bundleFile(rootDir: string, decodedPath: string): string | null {
  if (decodedPath.includes('\0')) return null
  const relativePath = decodedPath.replace(/^[/\\]+/, '') || 'index.html'
  const root = resolve(rootDir)
  const file = resolve(root, relativePath)
  if (file === root || !isInside(root, file)) return null
  return file
}
