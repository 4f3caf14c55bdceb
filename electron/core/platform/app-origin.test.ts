import { describe, expect, it } from 'vitest'
import {
  createSenderCheck,
  isAllowedRendererRequest,
  isAppUrl,
  type IpcSenderEvent,
} from './app-origin'

describe('isAppUrl and isAllowedRendererRequest', () => {
  it('accepts app://bundle and, in development, the dev server origin only', () => {
    expect(isAppUrl('app://bundle/index.html')).toBe(true)
    expect(isAppUrl('app://other/index.html')).toBe(false)
    expect(isAppUrl('file:///tmp/index.html')).toBe(false)
    expect(isAppUrl('https://docs.aws.amazon.com/')).toBe(false)
    expect(isAppUrl('http://localhost:5173/')).toBe(false)
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isAppUrl('http://localhost:51730/', 'http://localhost:5173')).toBe(false)
    expect(isAppUrl('not a url')).toBe(false)
  })

  it('lets the renderer load only its own content: no remote URL, no file://', () => {
    expect(isAllowedRendererRequest('app://bundle/assets/index.js')).toBe(true)
    expect(isAllowedRendererRequest('data:image/png;base64,AAAA')).toBe(true)
    expect(isAllowedRendererRequest('devtools://devtools/bundled/inspector.html')).toBe(true)
    expect(isAllowedRendererRequest('https://example.com/x.js')).toBe(false)
    expect(isAllowedRendererRequest('http://127.0.0.1:8080/')).toBe(false)
    expect(isAllowedRendererRequest('file:///etc/passwd')).toBe(false)
    expect(isAllowedRendererRequest('ws://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isAllowedRendererRequest('ws://evil.example/', 'http://localhost:5173')).toBe(false)
  })
})

describe('createSenderCheck (IPC sender validation)', () => {
  const mainFrame = { url: 'app://bundle/index.html' }
  const webContents = { mainFrame }
  const win = { isDestroyed: () => false, webContents }
  const check = createSenderCheck(() => win)
  const event = (overrides: Partial<IpcSenderEvent>): IpcSenderEvent => ({
    sender: webContents,
    senderFrame: mainFrame,
    ...overrides,
  })

  it("accepts our window's main frame showing the app", () => {
    expect(check(event({}))).toBe(true)
  })

  it('refuses another webContents', () => {
    expect(check(event({ sender: { mainFrame } }))).toBe(false)
  })

  it('refuses a sub-frame of our window, even one showing the app', () => {
    expect(check(event({ senderFrame: { url: 'app://bundle/index.html' } }))).toBe(false)
  })

  it('refuses our main frame once it shows another origin', () => {
    const elsewhere = { url: 'https://evil.example/' }
    const navigated = { isDestroyed: () => false, webContents: { mainFrame: elsewhere } }
    const sender = navigated.webContents
    expect(createSenderCheck(() => navigated)({ sender, senderFrame: elsewhere })).toBe(false)
    const fileFrame = { url: 'file:///tmp/index.html' }
    const onFile = { isDestroyed: () => false, webContents: { mainFrame: fileFrame } }
    expect(
      createSenderCheck(() => onFile)({ sender: onFile.webContents, senderFrame: fileFrame }),
    ).toBe(false)
  })

  it('refuses a destroyed frame, a destroyed window and no window', () => {
    expect(check(event({ senderFrame: null }))).toBe(false)
    const destroyed = { ...win, isDestroyed: () => true }
    expect(createSenderCheck(() => destroyed)(event({}))).toBe(false)
    expect(createSenderCheck(() => null)(event({}))).toBe(false)
  })

  it('accepts the dev server only when one is configured', () => {
    const devFrame = { url: 'http://localhost:5173/' }
    const dev = { isDestroyed: () => false, webContents: { mainFrame: devFrame } }
    const devEvent = { sender: dev.webContents, senderFrame: devFrame }
    expect(createSenderCheck(() => dev)(devEvent)).toBe(false)
    expect(createSenderCheck(() => dev, 'http://localhost:5173')(devEvent)).toBe(true)
  })
})
