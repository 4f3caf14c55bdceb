import { describe, expect, it, vi } from 'vitest'
import { Logger } from '../services/logger'
import { NodePlatform } from './node-platform'

describe('NodePlatform file dialog', () => {
  it('has none of its own: says so, and answers null without asking anyone', async () => {
    const platform = new NodePlatform(new Logger(null), '/downloads')
    expect(platform.canChooseFile).toBe(false)
    await expect(platform.chooseFile({ title: 'Choose a file to verify' })).resolves.toBeNull()
  })

  it('uses the picker it was given, with the same options', async () => {
    const picker = vi.fn(() => Promise.resolve('/home/me/blob.tar.gz'))
    const platform = new NodePlatform(new Logger(null), '/downloads', picker)
    expect(platform.canChooseFile).toBe(true)
    const options = { title: 'Choose a file to verify', defaultPath: '/downloads' }
    await expect(platform.chooseFile(options)).resolves.toBe('/home/me/blob.tar.gz')
    expect(picker).toHaveBeenCalledExactlyOnceWith(options)
  })

  it('says it has no file manager and no folder dialog, so the UI can say what it would do', async () => {
    const platform = new NodePlatform(new Logger(null), '/downloads')
    expect(platform.canShowInFolder).toBe(false)
    expect(platform.canChooseFolder).toBe(false)
    await expect(platform.chooseFolder()).resolves.toBe('/downloads')
  })
})
