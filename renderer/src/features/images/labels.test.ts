import { describe, expect, it } from 'vitest'
import {
  artifactTypeLabel,
  formatScan,
  isIndexType,
  manifestTypeLabel,
  sentenceCase,
  shortDigest,
} from './labels'

describe('media type labels', () => {
  it('names the four manifest types the app reads, and keeps others as they are', () => {
    expect(manifestTypeLabel('application/vnd.docker.distribution.manifest.v2+json')).toBe(
      'Docker v2',
    )
    expect(manifestTypeLabel('application/vnd.docker.distribution.manifest.list.v2+json')).toBe(
      'Docker manifest list',
    )
    expect(manifestTypeLabel('application/vnd.oci.image.manifest.v1+json')).toBe('OCI manifest')
    expect(manifestTypeLabel('application/vnd.oci.image.index.v1+json')).toBe('OCI index')
    expect(manifestTypeLabel('application/x-custom')).toBe('application/x-custom')
    expect(manifestTypeLabel(null)).toBe('—')
  })

  it('recognises indexes', () => {
    expect(isIndexType('application/vnd.oci.image.index.v1+json')).toBe(true)
    expect(isIndexType('application/vnd.docker.distribution.manifest.list.v2+json')).toBe(true)
    expect(isIndexType('application/vnd.oci.image.manifest.v1+json')).toBe(false)
    expect(isIndexType(null)).toBe(false)
  })

  it('hides plain image configs and names artifacts', () => {
    expect(artifactTypeLabel('application/vnd.docker.container.image.v1+json')).toBeNull()
    expect(artifactTypeLabel('application/vnd.oci.image.config.v1+json')).toBeNull()
    expect(artifactTypeLabel(null)).toBeNull()
    expect(artifactTypeLabel('application/vnd.cncf.helm.config.v1+json')).toBe('Helm chart')
    expect(artifactTypeLabel('application/vnd.example.thing.v1+json')).toBe('example.thing.v1')
  })
})

describe('shortDigest', () => {
  it('keeps the algorithm and 12 hex digits', () => {
    expect(shortDigest(`sha256:${'0123456789abcdef'.repeat(4)}`)).toBe('sha256:0123456789ab')
    expect(shortDigest('abcdef0123456789')).toBe('abcdef012345')
  })
})

describe('formatScan', () => {
  it('lists findings by severity, most severe first', () => {
    expect(formatScan('COMPLETE', { LOW: 4, CRITICAL: 1, HIGH: 0, MEDIUM: 2 })).toBe(
      '1 critical, 2 medium, 4 low',
    )
    expect(formatScan('COMPLETE', {})).toBe('No findings')
    expect(formatScan('COMPLETE', null)).toBe('No findings')
  })

  it('shows other statuses in words, and a dash when never scanned', () => {
    expect(formatScan('IN_PROGRESS', null)).toBe('In progress')
    expect(formatScan('UNSUPPORTED_IMAGE', null)).toBe('Unsupported image')
    expect(formatScan(null, null)).toBe('—')
    expect(sentenceCase('SCAN_ELIGIBILITY_EXPIRED')).toBe('Scan eligibility expired')
  })
})
