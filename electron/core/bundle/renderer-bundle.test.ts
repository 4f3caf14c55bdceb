import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bundleContentType, bundleFile } from './renderer-bundle'

// The rule both hosts serve the renderer by; electron/main/app-protocol.test.ts and
// electron/web/server.test.ts check each host's adapter over it with real files.

const root = resolve('/srv/app/renderer')

describe('bundleFile', () => {
  it('maps a path to the file inside the bundle, / to index.html', () => {
    expect(bundleFile(root, '/')).toBe(join(root, 'index.html'))
    expect(bundleFile(root, '')).toBe(join(root, 'index.html'))
    expect(bundleFile(root, '/index.html')).toBe(join(root, 'index.html'))
    expect(bundleFile(root, '/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'))
    // Leading slashes and backslashes never make the path absolute.
    expect(bundleFile(root, '//assets/a.css')).toBe(join(root, 'assets', 'a.css'))
    expect(bundleFile(root, '/\\assets/a.css')).toBe(join(root, 'assets', 'a.css'))
  })

  it('refuses traversal, a sibling named like the root, the root itself and NUL', () => {
    for (const path of [
      '/../settings.json',
      '/assets/../../settings.json',
      '/../renderer-secrets/key.txt',
      '/..',
      '/.',
      '/assets/..',
      '/index.html\0.png',
    ]) {
      expect(bundleFile(root, path), path).toBeNull()
    }
  })
})

describe('bundleContentType', () => {
  it('types the bundle by extension, case-insensitively, and octet-stream otherwise', () => {
    expect(bundleContentType('/r/index.html')).toBe('text/html; charset=utf-8')
    expect(bundleContentType('/r/a.js')).toBe('text/javascript; charset=utf-8')
    expect(bundleContentType('/r/a.mjs')).toBe('text/javascript; charset=utf-8')
    expect(bundleContentType('/r/a.CSS')).toBe('text/css; charset=utf-8')
    expect(bundleContentType('/r/icon.svg')).toBe('image/svg+xml')
    expect(bundleContentType('/r/font.woff2')).toBe('font/woff2')
    expect(bundleContentType('/r/a.wasm')).toBe('application/octet-stream')
    expect(bundleContentType('/r/x.__proto__')).toBe('application/octet-stream')
    expect(bundleContentType('/r/x.constructor')).toBe('application/octet-stream')
  })
})
