import type { UpdateCheckResult, UpdateInfo } from 'electron-updater'
import { describe, expect, it, vi } from 'vitest'
import { UpdateController, type Updater, type UpdatePrompts } from './update-controller'
import type { UpdateAvailability } from './update-decision'

// The update flow against a stand-in for electron-updater's autoUpdater and the shell's dialogs.

const info = (version: string) =>
  ({ version, files: [], releaseDate: '2026-12-01T00:00:00.000Z' }) as unknown as UpdateInfo

function setup({
  offered = '0.2.0',
  agree = true,
  check,
  download,
  availability = { enabled: true },
}: {
  offered?: string
  agree?: boolean
  check?: () => Promise<UpdateCheckResult | null>
  download?: () => Promise<unknown>
  availability?: UpdateAvailability
} = {}) {
  const checkForUpdates = vi.fn(
    check ??
      (() =>
        Promise.resolve({
          isUpdateAvailable: true,
          updateInfo: info(offered),
          versionInfo: info(offered),
        } as UpdateCheckResult)),
  )
  const downloadUpdate = vi.fn(download ?? (() => Promise.resolve(['/cache/update.AppImage'])))
  const updater: Updater = {
    autoDownload: true,
    autoInstallOnAppQuit: false,
    allowDowngrade: true,
    checkForUpdates,
    downloadUpdate,
  }
  const prompts = {
    offerDownload: vi.fn((_info: UpdateInfo) => Promise.resolve(agree)),
    downloaded: vi.fn((_info: UpdateInfo) => Promise.resolve()),
    upToDate: vi.fn((_version: string) => Promise.resolve()),
    failed: vi.fn((_message: string) => Promise.resolve()),
  } satisfies UpdatePrompts
  const log = { info: vi.fn(), warn: vi.fn() }
  const controller = new UpdateController({
    updater,
    prompts,
    log,
    currentVersion: '0.1.0',
    availability: vi.fn(() => Promise.resolve(availability)),
  })
  return { controller, updater, prompts, log, checkForUpdates, downloadUpdate }
}

describe('UpdateController', () => {
  it('never downloads on its own, installs on quit and never downgrades', () => {
    const { updater } = setup()
    expect(updater).toMatchObject({
      autoDownload: false,
      autoInstallOnAppQuit: true,
      allowDowngrade: false,
    })
  })

  it('downloads a newer version only when the user agrees, then says it installs on quit', async () => {
    const { controller, prompts, downloadUpdate } = setup()
    expect(await controller.check(true)).toEqual({ kind: 'downloaded', version: '0.2.0' })
    expect(prompts.offerDownload).toHaveBeenCalledWith(info('0.2.0'))
    expect(downloadUpdate).toHaveBeenCalledTimes(1)
    expect(prompts.downloaded).toHaveBeenCalledWith(info('0.2.0'))
    // Asked again (from the menu), it is already there.
    expect(await controller.check(false)).toEqual({ kind: 'already-downloaded', version: '0.2.0' })
    expect(downloadUpdate).toHaveBeenCalledTimes(1)
  })

  it('downloads nothing when the user declines', async () => {
    const { controller, downloadUpdate, log } = setup({ agree: false })
    expect(await controller.check(true)).toEqual({ kind: 'declined', version: '0.2.0' })
    expect(downloadUpdate).not.toHaveBeenCalled()
    expect(log.info).toHaveBeenCalledTimes(1)
  })

  it('offers nothing for the same, an older or a prerelease version; the menu says so', async () => {
    for (const [offered, kind] of [
      ['0.1.0', 'same'],
      ['0.0.9', 'older'],
      ['0.2.0-beta.1', 'prerelease'],
    ] as const) {
      const startup = setup({ offered })
      expect(await startup.controller.check(true)).toEqual({ kind, version: offered })
      expect(startup.prompts.offerDownload).not.toHaveBeenCalled()
      expect(startup.prompts.upToDate).not.toHaveBeenCalled()
      const menu = setup({ offered })
      await menu.controller.check(false)
      expect(menu.prompts.upToDate).toHaveBeenCalledWith('0.1.0')
    }
  })

  it('fails quietly at start-up: one log line, no dialog', async () => {
    const { controller, prompts, log } = setup({
      check: () =>
        Promise.reject(new Error('net::ERR_INTERNET_DISCONNECTED\n<html>…the whole response…')),
    })
    expect(await controller.check(true)).toEqual({
      kind: 'failed',
      message: 'Could not check for updates: net::ERR_INTERNET_DISCONNECTED',
    })
    expect(log.warn).toHaveBeenCalledTimes(1)
    expect(log.warn).toHaveBeenCalledWith(
      'updates',
      'Could not check for updates: net::ERR_INTERNET_DISCONNECTED',
    )
    expect(prompts.failed).not.toHaveBeenCalled()
  })

  it('tells the user when a check they asked for fails, or a download they agreed to', async () => {
    const menu = setup({ check: () => Promise.reject(new Error('HttpError: 404')) })
    await menu.controller.check(false)
    expect(menu.prompts.failed).toHaveBeenCalledWith('Could not check for updates: HttpError: 404')
    const download = setup({
      download: () => Promise.reject(new Error('sha512 checksum mismatch')),
    })
    expect(await download.controller.check(true)).toMatchObject({ kind: 'failed' })
    expect(download.prompts.failed).toHaveBeenCalledWith(
      'Could not download version 0.2.0: sha512 checksum mismatch',
    )
    expect(download.prompts.downloaded).not.toHaveBeenCalled()
  })

  it('does not check when updates are off, and joins a check that is running', async () => {
    const off = setup({ availability: { enabled: false, reason: 'updates are off in dev builds' } })
    expect(await off.controller.check(true)).toEqual({
      kind: 'disabled',
      reason: 'updates are off in dev builds',
    })
    expect(off.checkForUpdates).not.toHaveBeenCalled()

    let answer!: (result: UpdateCheckResult | null) => void
    const slow = setup({ check: () => new Promise((resolve) => (answer = resolve)) })
    const first = slow.controller.check(true)
    const second = slow.controller.check(false)
    expect(second).toBe(first)
    await vi.waitFor(() => expect(slow.checkForUpdates).toHaveBeenCalledTimes(1))
    answer(null)
    expect(await first).toEqual({
      kind: 'disabled',
      reason: 'the updater is not active in this build',
    })
  })
})
