import { MEDIA_TYPES } from '../images'
import type { ImageRecord } from '../images'
import { deterministicBytes } from '../keystream'
import { at, DAY, defineSample, dir, PATH_ENV } from './builder'
import type { SampleBuilder } from './builder'

const REPOSITORY = 'demo/oci-zstd'
const TAGS = { latest: 'latest' } as const

export interface OciZstdSample {
  readonly latest: ImageRecord
}

async function build(b: SampleBuilder): Promise<OciZstdSample> {
  const t = at(14 * DAY)
  const base = await b.layer(
    [
      dir('bin/', { mtime: t }),
      {
        name: 'bin/busybox',
        mode: 0o755,
        mtime: t,
        content: deterministicBytes('oci:busybox', 48 * 1024),
      },
      { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', mtime: t },
      dir('etc/', { mtime: t }),
      {
        name: 'etc/os-release',
        mtime: t,
        content: 'NAME="Demo Linux"\nID=demo\nVERSION_ID=3.20.3\n',
      },
    ],
    'zstd',
    MEDIA_TYPES.ociLayerZstd,
  )
  const tool = await b.layer(
    [
      dir('opt/', { mtime: t }),
      dir('opt/tool/', { mtime: t }),
      dir('opt/tool/bin/', { mtime: t }),
      {
        name: 'opt/tool/bin/tool',
        mode: 0o755,
        mtime: t,
        content: deterministicBytes('oci:tool', 32 * 1024),
      },
      dir('opt/tool/share/', { mtime: t }),
      {
        name: 'opt/tool/share/data.json',
        mtime: t,
        content: JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ id: i })) }),
      },
    ],
    'zstd',
    MEDIA_TYPES.ociLayerZstd,
  )
  const settings = await b.layer(
    [
      dir('etc/', { mtime: t }),
      dir('etc/tool/', { mtime: t }),
      { name: 'etc/tool/settings.toml', mtime: t, content: '[server]\nport = 9000\n' },
    ],
    'gzip',
    MEDIA_TYPES.ociLayerGzip,
  )
  const version = await b.layer(
    [{ name: 'opt/tool/VERSION', mtime: t, content: '2.4.1\n' }],
    'none',
    MEDIA_TYPES.ociLayerTar,
  )
  const config = b.config(MEDIA_TYPES.ociConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t,
    config: {
      Env: [PATH_ENV, 'TOOL_HOME=/opt/tool'],
      Entrypoint: ['/opt/tool/bin/tool'],
      Cmd: ['--help'],
      Labels: { 'org.opencontainers.image.title': 'oci-zstd' },
      WorkingDir: '/opt/tool',
    },
    diffIds: [base.diffId, tool.diffId, settings.diffId, version.diffId],
    history: [
      { created_by: 'ADD rootfs.tar.zst / # buildkit', comment: 'buildkit.dockerfile.v0' },
      {
        created_by: 'ENV TOOL_HOME=/opt/tool',
        comment: 'buildkit.dockerfile.v0',
        empty_layer: true,
      },
      { created_by: 'COPY tool /opt/tool # buildkit', comment: 'buildkit.dockerfile.v0' },
      { created_by: 'COPY settings.toml /etc/tool/ # buildkit', comment: 'buildkit.dockerfile.v0' },
      { created_by: 'COPY VERSION /opt/tool/ # buildkit', comment: 'buildkit.dockerfile.v0' },
      {
        created_by: 'ENTRYPOINT ["/opt/tool/bin/tool"]',
        comment: 'buildkit.dockerfile.v0',
        empty_layer: true,
      },
      { created_by: 'CMD ["--help"]', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    ],
  })
  const latest = b.manifest(
    {
      repositoryName: REPOSITORY,
      tags: [TAGS.latest],
      pushedAt: t,
    },
    'oci',
    config,
    [base.ref, tool.ref, settings.ref, version.ref],
    {
      annotations: {
        'org.opencontainers.image.created': t.toISOString(),
        'org.opencontainers.image.source': 'https://example.invalid/demo/oci-zstd',
      },
    },
  )
  return { latest }
}

/** `demo/oci-zstd`: an OCI image with zstd, gzip and uncompressed layers. */
export const ociZstd = defineSample({
  key: 'ociZstd',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
})
