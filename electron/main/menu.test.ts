import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { aboutPanelOptions, buildMenuTemplate, type MenuActions } from './menu'

function actions() {
  return {
    goBack: vi.fn<() => void>(),
    goForward: vi.fn<() => void>(),
    showLogs: vi.fn<() => void>(),
    showAbout: vi.fn<() => void>(),
    checkForUpdates: vi.fn<() => void>(),
  } satisfies MenuActions
}

/** The top level as role or label, the way the menu bar shows it. */
const topLevel = (template: MenuItemConstructorOptions[]) =>
  template.map((item) => item.role ?? item.label)

function submenu(template: MenuItemConstructorOptions[], name: string) {
  const menu = template.find((item) => item.label === name || item.role === name)
  return (menu?.submenu ?? []) as MenuItemConstructorOptions[]
}

function item(items: MenuItemConstructorOptions[], label: string) {
  const found = items.find((entry) => entry.label === label)
  expect(found, label).toBeDefined()
  return found!
}

const click = (entry: MenuItemConstructorOptions) =>
  (entry.click as unknown as () => void | undefined)()

describe('buildMenuTemplate', () => {
  it('macOS: the app menu first, then File, Edit, View, Go, Window, Help', () => {
    const template = buildMenuTemplate(actions(), { platform: 'darwin', packaged: true })
    expect(topLevel(template)).toEqual([
      'appMenu',
      'fileMenu',
      'editMenu',
      'View',
      'Go',
      'windowMenu',
      'help',
    ])
  })

  it.each(['win32', 'linux'] as const)('%s: File, Edit, View, Go, Window, Help', (platform) => {
    const template = buildMenuTemplate(actions(), { platform, packaged: true })
    expect(topLevel(template)).toEqual(['fileMenu', 'editMenu', 'View', 'Go', 'windowMenu', 'help'])
  })

  it('Go › Back and Forward use Cmd+[ and Cmd+] on macOS, Alt+Left and Alt+Right elsewhere', () => {
    const mac = submenu(buildMenuTemplate(actions(), { platform: 'darwin', packaged: true }), 'Go')
    expect(mac.map((entry) => [entry.label, entry.accelerator])).toEqual([
      ['Back', 'Cmd+['],
      ['Forward', 'Cmd+]'],
    ])
    for (const platform of ['win32', 'linux'] as const) {
      const go = submenu(buildMenuTemplate(actions(), { platform, packaged: true }), 'Go')
      expect(go.map((entry) => [entry.label, entry.accelerator])).toEqual([
        ['Back', 'Alt+Left'],
        ['Forward', 'Alt+Right'],
      ])
    }
  })

  it('Go items call their actions', () => {
    const spy = actions()
    const go = submenu(buildMenuTemplate(spy, { platform: 'linux', packaged: true }), 'Go')
    click(item(go, 'Back'))
    click(item(go, 'Forward'))
    expect(spy.goBack).toHaveBeenCalledOnce()
    expect(spy.goForward).toHaveBeenCalledOnce()
  })

  it('Help has Show Logs everywhere, and About outside macOS (where the app menu has it)', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const spy = actions()
      const help = submenu(buildMenuTemplate(spy, { platform, packaged: true }), 'help')
      click(item(help, 'Show Logs'))
      click(item(help, 'About ECR Layer Browser'))
      expect(spy.showLogs).toHaveBeenCalledOnce()
      expect(spy.showAbout).toHaveBeenCalledOnce()
    }
    const macHelp = submenu(
      buildMenuTemplate(actions(), { platform: 'darwin', packaged: true }),
      'help',
    )
    expect(macHelp.map((entry) => entry.label)).toEqual(['Show Logs'])
  })

  it('Help has Check for Updates… only in builds that update themselves', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const spy = actions()
      const help = submenu(
        buildMenuTemplate(spy, { platform, packaged: true, updates: true }),
        'help',
      )
      click(item(help, 'Check for Updates…'))
      expect(spy.checkForUpdates).toHaveBeenCalledOnce()
      const without = submenu(buildMenuTemplate(spy, { platform, packaged: true }), 'help')
      expect(without.map((entry) => entry.label)).not.toContain('Check for Updates…')
    }
  })

  it('View has reload, zoom and full screen; DevTools only in development builds', () => {
    const roles = (packaged: boolean) =>
      submenu(buildMenuTemplate(actions(), { platform: 'linux', packaged }), 'View')
        .map((entry) => entry.role)
        .filter(Boolean)
    expect(roles(true)).toEqual([
      'reload',
      'forceReload',
      'resetZoom',
      'zoomIn',
      'zoomOut',
      'togglefullscreen',
    ])
    expect(roles(false)).toContain('toggleDevTools')
  })
})

describe('aboutPanelOptions', () => {
  it('shows the product name, its version and the runtime versions', () => {
    const options = aboutPanelOptions('1.2.3', {
      electron: '45.5.0',
      chrome: '140.0',
      node: '22.1',
    })
    expect(options.applicationName).toBe('ECR Layer Browser')
    expect(options.applicationVersion).toBe('1.2.3')
    expect(options.version).toBe('Electron 45.5.0, Chromium 140.0, Node 22.1')
  })
})
