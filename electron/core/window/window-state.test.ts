import { EventEmitter } from 'node:events'
import {
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  placeWindow,
  trackWindowState,
  WindowStateStore,
  type Rect,
  type TrackedWindow,
  type WindowState,
} from './window-state'

const DEFAULTS = { width: 1280, height: 820 }
const MINIMUM = { width: 760, height: 480 }
// Two side-by-side displays; the primary has a menu bar/taskbar taking 25 px off the top.
const PRIMARY: Rect = { x: 0, y: 25, width: 1920, height: 1055 }
const RIGHT: Rect = { x: 1920, y: 0, width: 2560, height: 1440 }

const state = (bounds: Rect, maximized = false): WindowState => ({ bounds, maximized })

describe('placeWindow', () => {
  it('uses the default size, centred by the OS, when nothing is remembered', () => {
    expect(placeWindow(null, [PRIMARY], PRIMARY, DEFAULTS, MINIMUM)).toEqual({
      width: 1280,
      height: 820,
      maximized: false,
    })
  })

  it('restores remembered bounds that are fully visible, and the maximized flag', () => {
    const bounds = { x: 2000, y: 100, width: 1400, height: 900 }
    expect(placeWindow(state(bounds, true), [PRIMARY, RIGHT], PRIMARY, DEFAULTS, MINIMUM)).toEqual({
      ...bounds,
      maximized: true,
    })
  })

  it('centres the window on the primary display when its display is gone', () => {
    const onRight = state({ x: 2200, y: 200, width: 1400, height: 900 })
    expect(placeWindow(onRight, [PRIMARY], PRIMARY, DEFAULTS, MINIMUM)).toEqual({
      x: 260,
      y: 103,
      width: 1400,
      height: 900,
      maximized: false,
    })
  })

  it('shrinks a window larger than its display, and moves a half-off-screen one back on', () => {
    const huge = state({ x: 1900, y: -50, width: 3000, height: 2000 })
    const placed = placeWindow(huge, [PRIMARY, RIGHT], PRIMARY, DEFAULTS, MINIMUM)
    expect(placed).toEqual({ x: 1920, y: 0, width: 2560, height: 1440, maximized: false })

    const hanging = state({ x: 1500, y: 900, width: 1000, height: 600 })
    expect(placeWindow(hanging, [PRIMARY], PRIMARY, DEFAULTS, MINIMUM)).toEqual({
      x: 920,
      y: 480,
      width: 1000,
      height: 600,
      maximized: false,
    })
  })

  it('never makes the window smaller than the minimum, unless the display itself is smaller', () => {
    const tiny = state({ x: 10, y: 40, width: 100, height: 50 })
    expect(placeWindow(tiny, [PRIMARY], PRIMARY, DEFAULTS, MINIMUM)).toMatchObject(MINIMUM)
    const small: Rect = { x: 0, y: 0, width: 640, height: 400 }
    expect(placeWindow(tiny, [small], small, DEFAULTS, MINIMUM)).toMatchObject({
      width: 640,
      height: 400,
      x: 0,
      y: 0,
    })
  })

  it('handles displays at negative coordinates (a monitor left of the primary)', () => {
    const left: Rect = { x: -1680, y: 0, width: 1680, height: 1050 }
    const bounds = { x: -1600, y: 50, width: 1200, height: 800 }
    expect(placeWindow(state(bounds), [PRIMARY, left], PRIMARY, DEFAULTS, MINIMUM)).toEqual({
      ...bounds,
      maximized: false,
    })
  })
})

describe('WindowStateStore', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'elb-window-state-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('round-trips the state through window-state.json, atomically', async () => {
    const file = join(dir, 'window-state.json')
    const store = new WindowStateStore(file)
    expect(await store.load()).toBeNull()
    const saves = [
      store.save(state({ x: 1, y: 2, width: 900, height: 600 })),
      store.save(state({ x: 5, y: 6, width: 1000, height: 700 }, true)),
    ]
    await Promise.all(saves)
    expect(await readdir(dir)).toEqual(['window-state.json'])
    expect(await new WindowStateStore(file).load()).toEqual(
      state({ x: 5, y: 6, width: 1000, height: 700 }, true),
    )
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ maximized: true })
  })

  it('ignores a damaged or implausible file', async () => {
    const file = join(dir, 'window-state.json')
    await writeFile(file, '{ nope')
    expect(await new WindowStateStore(file).load()).toBeNull()
    await writeFile(file, JSON.stringify(state({ x: 0, y: 0, width: -5, height: 10 })))
    expect(await new WindowStateStore(file).load()).toBeNull()
  })

  it('replaces a planted symbolic or hard link instead of writing through it, and refuses a folder', async () => {
    const victim = join(dir, 'victim')
    await writeFile(victim, 'not yours')
    const mtimeMs = (await stat(victim)).mtimeMs
    const linked = join(dir, 'linked.json')
    const hard = join(dir, 'hard.json')
    await symlink(victim, linked)
    await link(victim, hard)
    await new WindowStateStore(linked).save(state({ x: 1, y: 2, width: 900, height: 600 }))
    await new WindowStateStore(hard).save(state({ x: 1, y: 2, width: 900, height: 600 }))
    expect((await lstat(linked)).isFile()).toBe(true)
    expect((await stat(hard)).nlink).toBe(1)
    expect(await readFile(victim, 'utf8')).toBe('not yours')
    expect((await stat(victim)).mtimeMs).toBe(mtimeMs)

    const folder = join(dir, 'folder.json')
    await mkdir(folder)
    await expect(
      new WindowStateStore(folder).save(state({ x: 1, y: 2, width: 900, height: 600 })),
    ).rejects.toMatchObject({ error: { code: 'UnsafeFile' } })
  })

  it('places the window from the state saved last, after the saves still pending', async () => {
    const store = new WindowStateStore(join(dir, 'window-state.json'))
    expect(await store.placement([PRIMARY, RIGHT], PRIMARY, DEFAULTS, MINIMUM)).toEqual({
      ...DEFAULTS,
      maximized: false,
    })
    void store.save(state({ x: 2000, y: 100, width: 1200, height: 800 }, true))
    expect(await store.placement([PRIMARY, RIGHT], PRIMARY, DEFAULTS, MINIMUM)).toEqual({
      x: 2000,
      y: 100,
      width: 1200,
      height: 800,
      maximized: true,
    })
  })

  it('tracks a window into its file, and reports a save that fails', async () => {
    const tracked = (bounds: Rect) =>
      Object.assign(new EventEmitter(), {
        getNormalBounds: () => bounds,
        isMaximized: () => false,
        isMinimized: () => false,
        isFullScreen: () => false,
      })
    const file = join(dir, 'window-state.json')
    const store = new WindowStateStore(file)
    const win = tracked({ x: 3, y: 4, width: 900, height: 600 })
    const warn = vi.fn()
    store.track(win, warn)
    win.emit('close')
    await store.flush()
    expect(await new WindowStateStore(file).load()).toEqual(
      state({ x: 3, y: 4, width: 900, height: 600 }),
    )

    const folder = join(dir, 'folder.json')
    await mkdir(folder)
    const broken = new WindowStateStore(folder)
    const other = tracked({ x: 3, y: 4, width: 900, height: 600 })
    broken.track(other, warn)
    other.emit('close')
    await broken.flush()
    expect(warn).toHaveBeenCalledOnce()
    expect(warn).toHaveBeenCalledWith(expect.any(String))
  })
})

describe('trackWindowState', () => {
  class FakeWindow extends EventEmitter implements TrackedWindow {
    bounds: Rect = { x: 10, y: 20, width: 1000, height: 700 }
    maximized = false
    minimized = false
    fullScreen = false
    getNormalBounds = () => this.bounds
    isMaximized = () => this.maximized
    isMinimized = () => this.minimized
    isFullScreen = () => this.fullScreen
  }

  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('saves once after a burst of moves and resizes, and at once on close', () => {
    const win = new FakeWindow()
    const save = vi.fn()
    trackWindowState(win, save, 400)
    win.emit('move')
    win.emit('resize')
    win.bounds = { x: 30, y: 40, width: 1100, height: 750 }
    win.emit('resize')
    expect(save).not.toHaveBeenCalled()
    vi.advanceTimersByTime(400)
    expect(save).toHaveBeenCalledExactlyOnceWith(state({ x: 30, y: 40, width: 1100, height: 750 }))

    win.maximized = true
    win.emit('close')
    expect(save).toHaveBeenLastCalledWith(state({ x: 30, y: 40, width: 1100, height: 750 }, true))
  })

  it('does not remember minimized or full-screen states', () => {
    const win = new FakeWindow()
    const save = vi.fn()
    trackWindowState(win, save, 400)
    win.minimized = true
    win.emit('close')
    win.minimized = false
    win.fullScreen = true
    win.emit('resize')
    vi.advanceTimersByTime(400)
    expect(save).not.toHaveBeenCalled()
  })
})
