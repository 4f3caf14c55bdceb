import { describe, expect, it } from 'vitest'
import { DownloadFolder } from './download-folder'

const folder = (override: string | undefined, chosen: string | null) => {
  const asked: string[] = []
  const downloadFolder = new DownloadFolder({
    override,
    chosen: () => {
      asked.push('setting')
      return Promise.resolve(chosen)
    },
    osDefault: () => {
      asked.push('os')
      return '/home/me/Downloads'
    },
  })
  return { downloadFolder, asked }
}

describe('the download folder', () => {
  it('is the environment override first, even over a chosen folder, and says it is forced', async () => {
    const { downloadFolder, asked } = folder('/srv/blobs', '/home/me/layers')
    expect(await downloadFolder.current()).toEqual({ path: '/srv/blobs', overridden: true })
    expect(await downloadFolder.path()).toBe('/srv/blobs')
    expect(asked).toEqual([])
  })

  it('is the folder chosen in settings when nothing overrides it', async () => {
    const { downloadFolder, asked } = folder(undefined, '/home/me/layers')
    expect(await downloadFolder.current()).toEqual({ path: '/home/me/layers', overridden: false })
    expect(asked).toEqual(['setting'])
  })

  it("is the OS Downloads folder when nothing is chosen, and an empty override doesn't count", async () => {
    for (const override of [undefined, '']) {
      const { downloadFolder, asked } = folder(override, null)
      expect(await downloadFolder.current()).toEqual({
        path: '/home/me/Downloads',
        overridden: false,
      })
      expect(asked).toEqual(['setting', 'os'])
    }
  })
})
