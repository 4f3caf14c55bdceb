import type { BrowserWindowConstructorOptions } from 'electron'
import { beforeEach, describe, expect, it, vi } from 'vitest'

// There is no Electron binary on CI: BrowserWindow is replaced by a recorder, so the test reads the
// exact options object createMainWindow hands to Electron.
const created = vi.hoisted(
  () => [] as { options: BrowserWindowConstructorOptions; win: FakeWindow }[],
)

interface FakeWindow {
  once: ReturnType<typeof vi.fn>
  maximize: ReturnType<typeof vi.fn>
  show: ReturnType<typeof vi.fn>
  loadURL: ReturnType<typeof vi.fn>
}

vi.mock('electron', () => ({
  BrowserWindow: vi.fn(function (this: FakeWindow, options: BrowserWindowConstructorOptions) {
    this.once = vi.fn((_event: string, listener: () => void) => listener())
    this.maximize = vi.fn()
    this.show = vi.fn()
    this.loadURL = vi.fn(() => Promise.resolve())
    created.push({ options, win: this })
  }),
}))

const { createMainWindow, DEFAULT_SIZE, MINIMUM_SIZE } = await import('./window')

beforeEach(() => {
  created.length = 0
})

describe('createMainWindow', () => {
  it('passes the hardened webPreferences, each one set explicitly', () => {
    createMainWindow('/app/out/preload/index.cjs', 'app://bundle/index.html')
    const prefs = created[0]!.options.webPreferences!
    expect(prefs.preload).toBe('/app/out/preload/index.cjs')
    expect(prefs.sandbox).toBe(true)
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.webviewTag).toBe(false)
    expect(prefs.allowRunningInsecureContent).toBe(false)
    expect(prefs.experimentalFeatures).toBe(false)
    expect(prefs.navigateOnDragDrop).toBe(false)
    expect(prefs).not.toHaveProperty('enableBlinkFeatures')
    expect(prefs).not.toHaveProperty('additionalArguments')
    expect(prefs).not.toHaveProperty('partition')
    expect(prefs.disableBlinkFeatures).toBe('Auxclick')
  })

  it('turns DevTools off in packaged builds, and leaves them on in development', () => {
    createMainWindow('/p.cjs', 'app://bundle/index.html', undefined, { packaged: true })
    expect(created[0]!.options.webPreferences!.devTools).toBe(false)
    // Without the flag the window is treated as packaged: off is the default.
    createMainWindow('/p.cjs', 'app://bundle/index.html')
    expect(created[1]!.options.webPreferences!.devTools).toBe(false)
    createMainWindow('/p.cjs', 'http://localhost:5173/', undefined, { packaged: false })
    expect(created[2]!.options.webPreferences!.devTools).toBe(true)
  })

  it('loads only the URL it is given, and shows the window when it is ready', () => {
    createMainWindow('/p.cjs', 'app://bundle/index.html')
    const { win } = created[0]!
    expect(win.loadURL).toHaveBeenCalledExactlyOnceWith('app://bundle/index.html')
    expect(win.show).toHaveBeenCalled()
    expect(win.maximize).not.toHaveBeenCalled()
    expect(created[0]!.options.show).toBe(false)
  })

  it('opens at the default size, or where the remembered placement says, maximized if it was', () => {
    createMainWindow('/p.cjs', 'app://bundle/index.html')
    expect(created[0]!.options).toMatchObject({
      ...DEFAULT_SIZE,
      minWidth: MINIMUM_SIZE.width,
      minHeight: MINIMUM_SIZE.height,
    })
    expect(created[0]!.options).not.toHaveProperty('x')

    createMainWindow('/p.cjs', 'app://bundle/index.html', {
      x: 40,
      y: 30,
      width: 1000,
      height: 700,
      maximized: true,
    })
    expect(created[1]!.options).toMatchObject({ x: 40, y: 30, width: 1000, height: 700 })
    expect(created[1]!.win.maximize).toHaveBeenCalled()
  })
})
