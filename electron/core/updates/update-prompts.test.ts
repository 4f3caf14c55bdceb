import type { UpdateInfo } from 'electron-updater'
import { describe, expect, it, vi } from 'vitest'
import type { Dispatch } from '../ipc/dispatch'
import { updateCheckSetting, updatePrompts, type UpdateMessage } from './update-prompts'

const info = { version: '2.0.0' } as UpdateInfo

function recorder(answer: number) {
  const shown: UpdateMessage[] = []
  const show = vi.fn((message: UpdateMessage) => {
    shown.push(message)
    return Promise.resolve(answer)
  })
  return { shown, prompts: updatePrompts(show, '1.4.0') }
}

describe('updatePrompts', () => {
  it('offers the download with both versions, Download the default and Later the cancel', async () => {
    const yes = recorder(0)
    expect(await yes.prompts.offerDownload(info)).toBe(true)
    expect(yes.shown[0]).toEqual({
      type: 'info',
      title: 'Update available',
      message: 'ECR Layer Browser 2.0.0 is available',
      detail: 'You have 1.4.0. Download it now? It is installed when you quit the app.',
      buttons: ['Download', 'Later'],
      defaultId: 0,
      cancelId: 1,
    })
    expect(await recorder(1).prompts.offerDownload(info)).toBe(false)
  })

  it('says when an update is ready, when there is none, and why one failed', async () => {
    const { shown, prompts } = recorder(0)
    await prompts.downloaded(info)
    await prompts.upToDate('1.4.0')
    await prompts.failed('The release feed could not be reached.')
    expect(
      shown.map(({ type, title, message, detail, buttons }) => ({
        type,
        title,
        message,
        detail,
        buttons,
      })),
    ).toEqual([
      {
        type: 'info',
        title: 'Update ready',
        message: 'ECR Layer Browser 2.0.0 is ready',
        detail: 'It is installed when you quit the app.',
        buttons: ['OK'],
      },
      {
        type: 'info',
        title: 'No update',
        message: 'ECR Layer Browser is up to date',
        detail: '1.4.0 is the newest version.',
        buttons: ['OK'],
      },
      {
        type: 'warning',
        title: 'Update',
        message: 'Could not update ECR Layer Browser',
        detail: 'The release feed could not be reached.',
        buttons: ['OK'],
      },
    ])
  })
})

describe('updateCheckSetting', () => {
  const answering =
    (result: Awaited<ReturnType<Dispatch>>): Dispatch =>
    (channel) => {
      expect(channel).toBe('settings:get')
      return Promise.resolve(result)
    }

  it('is on unless the saved settings turn it off', async () => {
    expect(
      await updateCheckSetting(answering({ ok: true, value: { checkForUpdates: false } })),
    ).toBe(false)
    expect(
      await updateCheckSetting(answering({ ok: true, value: { checkForUpdates: true } })),
    ).toBe(true)
    expect(await updateCheckSetting(answering({ ok: true, value: {} }))).toBe(true)
    expect(await updateCheckSetting(answering({ ok: true, value: null }))).toBe(true)
  })

  it('stays on when the settings cannot be read', async () => {
    const failed = answering({ ok: false, error: { code: 'Unknown', message: 'unreadable' } })
    expect(await updateCheckSetting(failed)).toBe(true)
  })
})
