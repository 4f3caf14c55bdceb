import { describe, expect, it } from 'vitest'
import {
  baseName,
  blobLabel,
  formatEta,
  formatRate,
  formatTransfer,
  joinPath,
  phaseLabel,
} from './download-format'

describe('download formatting', () => {
  it('shows a rate in binary units per second, and nothing before one is known', () => {
    expect(formatRate(0)).toBe('')
    expect(formatRate(-5)).toBe('')
    expect(formatRate(Number.NaN)).toBe('')
    expect(formatRate(512)).toBe('512 B/s')
    expect(formatRate(2.5 * 1024 * 1024)).toBe('2.50 MiB/s')
    expect(formatRate(1536.4)).toBe('1.50 KiB/s')
  })

  it('shows the time left with less precision as it grows', () => {
    expect(formatEta(null)).toBe('')
    expect(formatEta(-1)).toBe('')
    expect(formatEta(0)).toBe('almost done')
    expect(formatEta(0.4)).toBe('almost done')
    expect(formatEta(12)).toBe('12 s left')
    expect(formatEta(59.6)).toBe('1 min left')
    expect(formatEta(125)).toBe('2 min 5 s left')
    expect(formatEta(600)).toBe('10 min left')
    expect(formatEta(14 * 60 + 59)).toBe('14 min left')
    expect(formatEta(3600)).toBe('1 h left')
    expect(formatEta(3780)).toBe('1 h 3 min left')
    expect(formatEta(100 * 3600)).toBe('over 99 h left')
  })

  it('shows bytes received of the total, or alone when the total is unknown', () => {
    expect(formatTransfer(1_258_291, 3_500_000)).toBe('1.20 MiB of 3.34 MiB')
    expect(formatTransfer(4096, null)).toBe('4.00 KiB')
    expect(formatTransfer(0, 0)).toBe('0 B of 0 B')
  })

  it('names every phase', () => {
    expect(
      (
        [
          'queued',
          'checking-existing',
          'rehashing',
          'downloading',
          'retrying',
          'verifying',
          'done',
          'failed',
          'cancelled',
        ] as const
      ).map(phaseLabel),
    ).toEqual([
      'Queued',
      'Checking existing file',
      'Re-hashing',
      'Downloading',
      'Retrying…',
      'Verifying',
      'Verified',
      'Failed',
      'Cancelled',
    ])
  })

  it('labels a blob by repository and short digest', () => {
    expect(blobLabel({ repositoryName: 'demo/web-app', digest: `sha256:${'ab'.repeat(32)}` })).toBe(
      'demo/web-app@sha256:abababababab',
    )
  })

  it('joins and splits paths the way the folder is written', () => {
    expect(joinPath('/home/me/Downloads', 'a.tar.gz')).toBe('/home/me/Downloads/a.tar.gz')
    expect(joinPath('/home/me/Downloads/', 'a.tar.gz')).toBe('/home/me/Downloads/a.tar.gz')
    expect(joinPath('C:\\Users\\me\\Downloads', 'a.tar.gz')).toBe(
      'C:\\Users\\me\\Downloads\\a.tar.gz',
    )
    expect(joinPath('\\\\server\\share', 'a.json')).toBe('\\\\server\\share\\a.json')
    expect(baseName('/tmp/x/a (2).tar.gz')).toBe('a (2).tar.gz')
    expect(baseName('C:\\x\\a.json')).toBe('a.json')
  })
})
