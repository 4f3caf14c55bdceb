import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { writeAtomically } from '../services/settings-service'

/** A rectangle in screen coordinates (DIPs), as Electron's Display.workArea. */
export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** A width and height. */
export interface Size {
  width: number
  height: number
}

/** What window-state.json remembers: the normal (un-maximized) bounds and whether it was maximized. */
export interface WindowState {
  bounds: Rect
  maximized: boolean
}

/** Where to open the window; no x/y lets the OS centre it. */
export interface Placement extends Size {
  x?: number
  y?: number
  maximized: boolean
}

const finite = z.number().finite()
const windowStateSchema = z.object({
  bounds: z.object({
    x: finite,
    y: finite,
    width: finite.positive(),
    height: finite.positive(),
  }),
  maximized: z.boolean(),
})

function overlap(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return width > 0 && height > 0 ? width * height : 0
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max)
}

function fitSize(wanted: Size, area: Rect, minimum: Size): Size {
  return {
    width: Math.round(Math.min(Math.max(wanted.width, minimum.width), area.width)),
    height: Math.round(Math.min(Math.max(wanted.height, minimum.height), area.height)),
  }
}

/**
 * Decides where the window opens. The remembered bounds are used on the display they overlap most,
 * shrunk to fit its work area and moved fully onto it. When that display is gone (a monitor was
 * unplugged, the layout changed), the window opens centred on the primary display instead, so it is
 * never off-screen or bigger than the screen.
 */
export function placeWindow(
  saved: WindowState | null,
  workAreas: Rect[],
  primary: Rect,
  defaults: Size,
  minimum: Size,
): Placement {
  if (!saved) return { ...fitSize(defaults, primary, minimum), maximized: false }
  let best: Rect | null = null
  let bestOverlap = 0
  for (const area of workAreas) {
    const shared = overlap(saved.bounds, area)
    if (shared > bestOverlap) {
      best = area
      bestOverlap = shared
    }
  }
  if (!best) {
    const size = fitSize(saved.bounds, primary, minimum)
    return {
      ...size,
      x: Math.round(primary.x + (primary.width - size.width) / 2),
      y: Math.round(primary.y + (primary.height - size.height) / 2),
      maximized: saved.maximized,
    }
  }
  const size = fitSize(saved.bounds, best, minimum)
  return {
    ...size,
    x: Math.round(clamp(saved.bounds.x, best.x, best.x + best.width - size.width)),
    y: Math.round(clamp(saved.bounds.y, best.y, best.y + best.height - size.height)),
    maximized: saved.maximized,
  }
}

/** Reads and writes window-state.json in the settings folder; writes are atomic and serialised. */
export class WindowStateStore {
  private writing: Promise<void> = Promise.resolve()

  constructor(private readonly file: string) {}

  /** Returns the remembered state, or null when there is none or it is damaged. */
  async load(): Promise<WindowState | null> {
    try {
      const parsed = windowStateSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')))
      return parsed.success ? parsed.data : null
    } catch {
      return null
    }
  }

  /** Saves the state after any write already in progress. */
  save(state: WindowState): Promise<void> {
    const text = JSON.stringify(state, null, 2)
    const write = this.writing.then(() => writeAtomically(this.file, text))
    this.writing = write.catch(() => undefined)
    return write
  }

  /** Resolves once every save so far has finished. */
  flush(): Promise<void> {
    return this.writing
  }

  /** Where to open the window now: the state saved last (after pending saves) fitted to `workAreas`. */
  async placement(
    workAreas: Rect[],
    primary: Rect,
    defaults: Size,
    minimum: Size,
  ): Promise<Placement> {
    await this.flush()
    return placeWindow(await this.load(), workAreas, primary, defaults, minimum)
  }

  /** Saves `win`'s state as trackWindowState captures it; a save that fails goes to `warn`. */
  track(win: TrackedWindow, warn: (message: string) => void): void {
    trackWindowState(win, (state) => {
      this.save(state).catch((error: unknown) => warn(String(error)))
    })
  }
}

/** The part of a BrowserWindow that state tracking reads. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown
  getNormalBounds(): Rect
  isMaximized(): boolean
  isMinimized(): boolean
  isFullScreen(): boolean
}

/**
 * Saves the window's state shortly after it is moved or resized, and at once when it closes.
 * Minimized and full-screen states are not remembered: the normal bounds are.
 */
export function trackWindowState(
  win: TrackedWindow,
  save: (state: WindowState) => void,
  delayMs = 400,
): void {
  let timer: ReturnType<typeof setTimeout> | null = null
  const capture = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
    if (win.isMinimized() || win.isFullScreen()) return
    save({ bounds: win.getNormalBounds(), maximized: win.isMaximized() })
  }
  const later = (): void => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(capture, delayMs)
  }
  win.on('resize', later)
  win.on('move', later)
  win.on('maximize', later)
  win.on('unmaximize', later)
  win.on('close', capture)
}
