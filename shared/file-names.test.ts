import { describe, expect, it } from 'vitest'
import { blobExtension, blobFileName, keepBothName, longPathSafe } from './file-names'

const hex = 'ab'.repeat(32)

describe('blob file names', () => {
  it('follows <repository>_<algorithm>-<hex>.<extension>', () => {
    expect(
      blobFileName(
        'team/web-app',
        `sha256:${hex}`,
        'application/vnd.docker.image.rootfs.diff.tar.gzip',
      ),
    ).toBe(`team_web-app_sha256-${hex}.tar.gz`)
  })

  it.each([
    ['application/vnd.oci.image.layer.v1.tar+gzip', '.tar.gz'],
    ['application/vnd.oci.image.layer.v1.tar+zstd', '.tar.zst'],
    ['application/vnd.oci.image.layer.v1.tar', '.tar'],
    ['application/vnd.oci.image.config.v1+json', '.json'],
    ['application/vnd.docker.container.image.v1+json', '.json'],
    ['application/octet-stream', '.bin'],
  ])('%s gets %s', (mediaType, ext) => {
    expect(blobExtension(mediaType)).toBe(ext)
  })

  it('never contains characters Windows refuses, nor a reserved device name', () => {
    const name = blobFileName('con', `sha256:${hex}`, 'application/vnd.oci.image.layer.v1.tar')
    expect(name).not.toMatch(/[:<>"|?*\\/]/)
    // Windows reads the part before the first dot: "con.app_…" would open the console device.
    expect(blobFileName('con.app', `sha256:${hex}`, 'x')).toBe(`_con.app_sha256-${hex}.bin`)
    expect(name).toBe(`con_sha256-${hex}.tar`)
  })

  it('stays within 255 characters for the longest repository names', () => {
    const repo = `${'a'.repeat(120)}/${'b'.repeat(135)}`
    const name = blobFileName(
      repo,
      `sha512:${'cd'.repeat(64)}`,
      'application/vnd.oci.image.layer.v1.tar+zstd',
    )
    expect(name.length).toBeLessThanOrEqual(255)
    expect(name.endsWith(`_sha512-${'cd'.repeat(64)}.tar.zst`)).toBe(true)
  })

  it('names a second copy without losing the double extension', () => {
    expect(keepBothName('r_sha256-x.tar.gz', 2)).toBe('r_sha256-x (2).tar.gz')
    expect(keepBothName('r_sha256-x.json', 3)).toBe('r_sha256-x (3).json')
  })

  it('prefixes long Windows paths, local and UNC, and leaves others alone', () => {
    const long = `C:\\Users\\me\\Downloads\\${'x'.repeat(250)}`
    expect(longPathSafe(long, 'win32')).toBe(`\\\\?\\${long}`)
    const unc = `\\\\server\\share\\${'x'.repeat(260)}`
    expect(longPathSafe(unc, 'win32')).toBe(`\\\\?\\UNC\\server\\share\\${'x'.repeat(260)}`)
    expect(longPathSafe('C:\\short', 'win32')).toBe('C:\\short')
    expect(longPathSafe(`/home/${'x'.repeat(300)}`, 'linux')).toBe(`/home/${'x'.repeat(300)}`)
  })
})
