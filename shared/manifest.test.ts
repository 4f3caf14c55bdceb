import { describe, expect, it } from 'vitest'
import { AppErrorException } from './ipc/result'
import {
  alignHistory,
  classifyLayer,
  MEDIA_TYPES,
  parseImageConfig,
  parseManifest,
} from './manifest'
import type { HistoryEntry, LayerDescriptor } from './models/image'

const d = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    if (error instanceof AppErrorException) return error.error.code
    throw error
  }
  return undefined
}

describe('parseManifest', () => {
  it('reads a Docker v2 manifest and classifies its layers', () => {
    const raw = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.dockerManifest,
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        digest: d(1),
        size: 10,
      },
      layers: [
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d(2), size: 20 },
        {
          mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
          digest: d(3),
          size: 30,
          urls: ['https://mcr.microsoft.com/x'],
        },
      ],
    })
    const manifest = parseManifest(raw, d(9), null)
    expect(manifest.kind).toBe('image')
    if (manifest.kind !== 'image') return
    expect(manifest.raw).toBe(raw)
    expect(manifest.config.digest).toBe(d(1))
    expect(manifest.layers.map((l) => [l.compression, l.foreign])).toEqual([
      ['gzip', false],
      ['gzip', true],
    ])
    expect(manifest.layers[1]!.urls).toEqual(['https://mcr.microsoft.com/x'])
  })

  it('reads an OCI index, marking attestation manifests', () => {
    const raw = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: d(1),
          size: 1,
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: d(2),
          size: 1,
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
        {
          mediaType: MEDIA_TYPES.ociManifest,
          digest: d(3),
          size: 1,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
        },
      ],
    })
    const index = parseManifest(raw, d(9), MEDIA_TYPES.ociIndex)
    expect(index.kind).toBe('index')
    if (index.kind !== 'index') return
    expect(index.platforms.map((p) => [p.architecture, p.variant, p.attestation])).toEqual([
      ['amd64', null, false],
      ['arm64', 'v8', false],
      ['unknown', null, true],
    ])
  })

  it('detects an OCI index without a mediaType field', () => {
    const raw = JSON.stringify({ schemaVersion: 2, manifests: [] })
    expect(parseManifest(raw, d(1), null).kind).toBe('index')
  })

  it('refuses unsupported media types and malformed manifests with catalog codes', () => {
    const v1 = JSON.stringify({
      schemaVersion: 1,
      mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
    })
    expect(codeOf(() => parseManifest(v1, d(1), null))).toBe('UnsupportedManifest')
    expect(codeOf(() => parseManifest('{', d(1), null))).toBe('InvalidManifest')
    const broken = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      layers: [],
    })
    expect(codeOf(() => parseManifest(broken, d(1), null))).toBe('InvalidManifest')
  })
})

describe('classifyLayer', () => {
  it.each([
    ['application/vnd.oci.image.layer.v1.tar+zstd', 'zstd', false],
    ['application/vnd.oci.image.layer.v1.tar+gzip', 'gzip', false],
    ['application/vnd.oci.image.layer.v1.tar', 'none', false],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'gzip', true],
    ['application/vnd.in-toto+json', 'unknown', false],
  ])('%s is %s (foreign: %s)', (mediaType, compression, foreign) => {
    expect(classifyLayer(mediaType)).toEqual({ compression, foreign })
  })
})

describe('parseImageConfig', () => {
  it('reads the fields the image page shows', () => {
    const raw = JSON.stringify({
      architecture: 'arm64',
      os: 'linux',
      variant: 'v8',
      created: '2026-01-01T00:00:00Z',
      config: {
        Env: ['PATH=/usr/bin'],
        Entrypoint: ['/app'],
        Cmd: null,
        Labels: { a: 'b' },
        ExposedPorts: { '80/tcp': {} },
      },
      rootfs: { type: 'layers', diff_ids: [d(1)] },
      history: [
        { created_by: 'ADD x /', created: '2026-01-01T00:00:00Z' },
        { created_by: 'CMD', empty_layer: true },
      ],
    })
    const config = parseImageConfig(raw, d(5))
    expect(config).toMatchObject({
      architecture: 'arm64',
      variant: 'v8',
      env: ['PATH=/usr/bin'],
      entrypoint: ['/app'],
      cmd: null,
      labels: { a: 'b' },
      exposedPorts: ['80/tcp'],
      diffIds: [d(1)],
    })
    expect(config.history.map((h) => h.emptyLayer)).toEqual([false, true])
  })
})

describe('alignHistory', () => {
  const layer = (n: number): LayerDescriptor => ({
    digest: d(n),
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    size: n,
    compression: 'gzip',
    foreign: false,
  })
  const h = (createdBy: string, emptyLayer = false): HistoryEntry => ({
    created: null,
    createdBy,
    comment: null,
    author: null,
    emptyLayer,
  })

  it('pairs layers with non-empty history entries and keeps empty steps between rows', () => {
    const { rows, emptyAfter } = alignHistory(
      [layer(1), layer(2)],
      [h('FROM'), h('ENV A=1', true), h('LABEL x', true), h('RUN make'), h('CMD ["app"]', true)],
    )
    expect(
      rows.map((r) => [r.index, r.history?.createdBy, r.emptyBefore.map((e) => e.createdBy)]),
    ).toEqual([
      [0, 'FROM', []],
      [1, 'RUN make', ['ENV A=1', 'LABEL x']],
    ])
    expect(emptyAfter.map((e) => e.createdBy)).toEqual(['CMD ["app"]'])
  })

  it('leaves history null when there are fewer entries than layers', () => {
    const { rows } = alignHistory([layer(1), layer(2)], [h('FROM')])
    expect(rows.map((r) => r.history?.createdBy ?? null)).toEqual(['FROM', null])
  })
})
