import { EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MenuItemConstructorOptions } from 'electron'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { invokeChannels } from '../../shared/ipc/contract'
import { APP_SCHEME } from './app-protocol'
import { redactLogMessage } from '../core/services/logger'

// The composition root, run against a stand-in for Electron (there is no binary on CI): it checks
// that index.ts actually wires each protection the other modules provide, and in the right order.

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown
  const listeners = new Map<string, Listener[]>()
  const on = (name: string, listener: Listener) => {
    listeners.set(name, [...(listeners.get(name) ?? []), listener])
  }
  const emit = (name: string, ...args: unknown[]) =>
    (listeners.get(name) ?? []).map((listener) => listener(...args))
  const windows: {
    options: Record<string, unknown>
    webContents: { mainFrame: { url: string }; send: ReturnType<typeof vi.fn> }
    loadURL: ReturnType<typeof vi.fn>
  }[] = []
  return {
    listeners,
    emit,
    windows,
    order: [] as string[],
    app: {
      isPackaged: true,
      on,
      requestSingleInstanceLock: vi.fn(() => true),
      whenReady: vi.fn(() => {
        fake.order.push('whenReady')
        return Promise.resolve()
      }),
      getPath: vi.fn(() => '/nowhere'),
      getVersion: () => '9.8.7',
      quit: vi.fn(),
      setAboutPanelOptions: vi.fn(),
      showAboutPanel: vi.fn(),
    },
    ipcMain: {
      handlers: new Map<string, Listener>(),
      handle: vi.fn((channel: string, handler: Listener) => {
        fake.ipcMain.handlers.set(channel, handler)
      }),
      removeHandler: vi.fn(),
      removeAllListeners: vi.fn(),
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => fake.order.push('registerSchemes')),
      handle: vi.fn(),
    },
    session: {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
      webRequest: { onBeforeRequest: vi.fn() },
    },
    nativeTheme: { themeSource: 'light' },
    menu: { setApplicationMenu: vi.fn() },
    log: {
      transports: { file: {}, console: {}, ipc: {}, remote: {} },
      hooks: [] as unknown[],
      scope: () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() }),
    },
    updater: {
      autoDownload: true,
      autoInstallOnAppQuit: false,
      allowDowngrade: true,
      logger: 'electron-updater default',
      checkForUpdates: vi.fn(() => {
        fake.order.push('checkForUpdates')
        return Promise.resolve(null)
      }),
      downloadUpdate: vi.fn(),
    },
    core: {
      dispatch: vi.fn(() => Promise.resolve({ ok: true, value: 'dispatched' })),
      dispose: vi.fn(() => Promise.resolve()),
    },
  }
})

vi.mock('electron', () => {
  const BrowserWindow = vi.fn(function (
    this: Record<string, unknown>,
    options: Record<string, unknown>,
  ) {
    const events = new EventEmitter()
    Object.assign(this, {
      options,
      webContents: { mainFrame: { url: 'app://bundle/index.html' }, send: vi.fn() },
      loadURL: vi.fn(() => {
        fake.order.push('loadURL')
        return Promise.resolve()
      }),
      on: (name: string, listener: () => void) => events.on(name, listener),
      once: (name: string, listener: () => void) => events.once(name, listener),
      isDestroyed: () => false,
      isMinimized: () => false,
      isMaximized: () => false,
      isFullScreen: () => false,
      getNormalBounds: () => ({ x: 0, y: 0, width: 1280, height: 820 }),
    })
    fake.windows.push(this as never)
  })
  const workArea = { x: 0, y: 0, width: 1920, height: 1080 }
  return {
    app: fake.app,
    BrowserWindow,
    ipcMain: fake.ipcMain,
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: fake.menu.setApplicationMenu,
    },
    nativeTheme: fake.nativeTheme,
    protocol: fake.protocol,
    screen: { getAllDisplays: () => [{ workArea }], getPrimaryDisplay: () => ({ workArea }) },
    session: { defaultSession: fake.session },
    shell: { openExternal: vi.fn(), openPath: vi.fn() },
    dialog: {},
    Notification: { isSupported: () => false },
  }
})
vi.mock('electron-log/main', () => ({ default: fake.log }))
vi.mock('electron-updater', () => ({ default: { autoUpdater: fake.updater } }))
vi.mock('../core/create-app', () => ({ createApp: () => fake.core }))

let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'elb-index-'))
  vi.stubEnv('ECR_LAYER_BROWSER_DATA_DIR', dataDir)
  vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173')
  await import('./index')
  await vi.waitFor(() => expect(fake.windows).toHaveLength(1))
})

afterAll(async () => {
  vi.unstubAllEnvs()
  await rm(dataDir, { recursive: true, force: true })
})

describe('index.ts (the composition root)', () => {
  it('registers app:// as privileged before the app is ready, and takes the single-instance lock', () => {
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([APP_SCHEME])
    expect(fake.order.indexOf('registerSchemes')).toBeLessThan(fake.order.indexOf('whenReady'))
    expect(fake.app.requestSingleInstanceLock).toHaveBeenCalled()
    expect(fake.listeners.has('second-instance')).toBe(true)
  })

  it('closes electron-log’s own IPC channel', () => {
    expect(fake.ipcMain.removeHandler).toHaveBeenCalledWith('__ELECTRON_LOG__')
    expect(fake.ipcMain.removeAllListeners).toHaveBeenCalledWith('__ELECTRON_LOG__')
  })

  it('logs through electron-log to the data folder, redacted', () => {
    const file = fake.log.transports.file as { resolvePathFn: () => string; maxSize: number }
    expect(file.resolvePathFn()).toBe(join(dataDir, 'logs', 'main.log'))
    expect(fake.log.hooks).toContain(redactLogMessage)
  })

  it('guards the session, serves app:// and follows the OS theme', async () => {
    expect(fake.session.setPermissionRequestHandler).toHaveBeenCalled()
    expect(fake.session.setPermissionCheckHandler).toHaveBeenCalled()
    expect(fake.session.setDevicePermissionHandler).toHaveBeenCalled()
    expect(fake.session.webRequest.onBeforeRequest).toHaveBeenCalled()
    expect(fake.nativeTheme.themeSource).toBe('system')
    const [scheme, handler] = fake.protocol.handle.mock.calls[0] as [
      string,
      (request: Request) => Promise<Response>,
    ]
    expect(scheme).toBe('app')
    const escape = await handler(new Request('app://bundle/..%2f..%2fpackage.json'))
    expect(escape.status).toBe(404)
  })

  it('ignores the dev server in a packaged app: the window loads app://bundle', () => {
    expect(fake.windows[0]!.loadURL).toHaveBeenCalledWith('app://bundle/index.html')
  })

  it('guards every webContents that is created', () => {
    const contents = { on: vi.fn(), setWindowOpenHandler: vi.fn() }
    fake.emit('web-contents-created', {}, contents)
    const events = contents.on.mock.calls.map(([name]) => name as string)
    expect(events).toEqual(
      expect.arrayContaining(['will-navigate', 'will-frame-navigate', 'will-attach-webview']),
    )
    expect(contents.setWindowOpenHandler).toHaveBeenCalled()
  })

  it('answers every contract channel, and only after the sender check', async () => {
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual([...invokeChannels].sort())
    const win = fake.windows[0]!
    const handler = fake.ipcMain.handlers.get('connection:get')!
    const stranger = { sender: {}, senderFrame: { url: 'app://bundle/index.html' } }
    // The update check reads the settings through dispatch itself; a stranger adds no call.
    const before = fake.core.dispatch.mock.calls.length
    expect(await handler(stranger, {})).toMatchObject({ ok: false, error: { code: 'Forbidden' } })
    expect(fake.core.dispatch).toHaveBeenCalledTimes(before)
    const ours = { sender: win.webContents, senderFrame: win.webContents.mainFrame }
    expect(await handler(ours, {})).toEqual({ ok: true, value: 'dispatched' })
  })

  it('sets the application menu and the About panel with the version', () => {
    const template = fake.menu.setApplicationMenu.mock.calls[0]![0] as MenuItemConstructorOptions[]
    expect(template.map((item) => item.label ?? item.role)).toContain('Go')
    expect(fake.app.setAboutPanelOptions).toHaveBeenCalledWith(
      expect.objectContaining({ applicationVersion: '9.8.7' }),
    )
  })

  it('checks for updates in the background once the window is open, and from Help', async () => {
    await vi.waitFor(() => expect(fake.updater.checkForUpdates).toHaveBeenCalledTimes(1))
    expect(fake.order.indexOf('loadURL')).toBeLessThan(fake.order.indexOf('checkForUpdates'))
    // Downloads wait for the user; electron-updater's own log is off (one line per check is ours).
    expect(fake.updater).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: true })
    expect(fake.updater.logger).toBeNull()
    const template = fake.menu.setApplicationMenu.mock.calls[0]![0] as MenuItemConstructorOptions[]
    const help = template.find((entry) => entry.role === 'help')!
      .submenu as MenuItemConstructorOptions[]
    const check = help.find((entry) => entry.label === 'Check for Updates…')!
    ;(check.click as unknown as () => void)()
    await vi.waitFor(() => expect(fake.updater.checkForUpdates).toHaveBeenCalledTimes(2))
  })

  it('finishes pending work before quitting', async () => {
    const event = { preventDefault: vi.fn() }
    fake.emit('will-quit', event)
    expect(event.preventDefault).toHaveBeenCalled()
    await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled())
    expect(fake.core.dispose).toHaveBeenCalled()
    // The second will-quit, from that quit(), goes through.
    const again = { preventDefault: vi.fn() }
    fake.emit('will-quit', again)
    expect(again.preventDefault).not.toHaveBeenCalled()
  })
})
