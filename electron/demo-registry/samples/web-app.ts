import { MEDIA_TYPES } from '../images'
import type { ImageRecord } from '../images'
import { deterministicBytes } from '../keystream'
import { at, DAY, defineSample, dir, HOUR, PATH_ENV, scanComplete } from './builder'
import type { HistoryEntry, SampleBuilder } from './builder'

const REPOSITORY = 'demo/web-app'
const TAGS = { latest: 'latest', current: '1.2.0', previous: '1.1.0' } as const

export interface WebAppSample {
  /** Tagged `latest` and `1.2.0`: whiteouts, an opaque dir, an overwrite and wasted space. */
  readonly current: ImageRecord
  /** Tagged `1.1.0`: shares the base layer; its second layer is reported ARCHIVED. */
  readonly previous: ImageRecord
  /** A blob stored in the repository that no manifest references (LayerInaccessibleException). */
  readonly orphanBlobDigest: string
  readonly archivedLayerDigest: string
}

const APP_OWNER = { uid: 1000, gid: 1000, uname: 'app', gname: 'app' } as const

/** A name over 100 bytes with no `/` to split at, so ustar cannot hold it and tar writes PAX. */
export const WEB_APP_LONG_NAME =
  'usr/share/doc/app/' +
  'release-notes-for-the-demo-web-application-covering-every-single-change-since-the-very-first-public-preview.txt'

/** A path over 255 bytes: too long even for ustar's 155-byte prefix plus 100-byte name. */
export const WEB_APP_VERY_LONG_PATH =
  'usr/share/doc/app/' +
  Array.from(
    { length: 12 },
    (_, i) => `nested-directory-level-${String(i + 1).padStart(2, '0')}`,
  ).join('/') +
  '/README.md'

async function build(b: SampleBuilder): Promise<WebAppSample> {
  const repositoryName = REPOSITORY
  const t0 = at(120 * DAY)
  const base = await b.layer(
    [
      dir('etc/', { mtime: t0 }),
      {
        name: 'etc/os-release',
        mtime: t0,
        content:
          'NAME="Demo Linux"\nID=demo\nVERSION_ID=3.20.3\nPRETTY_NAME="Demo Linux v3.20"\nHOME_URL="https://example.invalid/"\n',
      },
      // An absolute symlink: a layer browser must not resolve it against the host.
      { name: 'etc/localtime', type: 'symlink', linkname: '/usr/share/zoneinfo/UTC', mtime: t0 },
      dir('etc/app/', { ...APP_OWNER, mode: 0o750, mtime: t0 }),
      {
        name: 'etc/app/config.yaml',
        ...APP_OWNER,
        mode: 0o640,
        mtime: t0,
        content: 'listen: 0.0.0.0:8080\nlog_level: info\n',
      },
      { name: 'etc/app/old.conf', ...APP_OWNER, mtime: t0, content: 'legacy=true\n' },
      dir('usr/', { mtime: t0 }),
      dir('usr/bin/', { mtime: t0 }),
      {
        name: 'usr/bin/app',
        mode: 0o755,
        mtime: t0,
        content: Buffer.concat([
          Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'),
          deterministicBytes('web-app:/usr/bin/app', 24 * 1024),
        ]),
        // A sub-second mtime only PAX can carry.
        pax: { mtime: `${Math.floor(t0.getTime() / 1000)}.123456789` },
      },
      { name: 'usr/bin/app-link', type: 'symlink', linkname: 'app', mtime: t0 },
      { name: 'usr/bin/app-hardlink', type: 'link', linkname: 'usr/bin/app', mtime: t0 },
      dir('usr/share/', { mtime: t0 }),
      dir('usr/share/doc/', { mtime: t0 }),
      dir('usr/share/doc/app/', { mtime: t0 }),
      { name: WEB_APP_LONG_NAME, mtime: t0, content: 'All notable changes are listed here.\n' },
      { name: WEB_APP_VERY_LONG_PATH, mtime: t0, content: 'You found the deepest file.\n' },
      { name: 'usr/share/doc/app/café-menü.txt', mtime: t0, content: 'UTF-8 names need PAX.\n' },
      dir('var/', { mtime: t0 }),
      dir('var/cache/', { mtime: t0 }),
      dir('var/cache/app/', { ...APP_OWNER, mtime: t0 }),
      { name: 'var/cache/app/stale-1.bin', ...APP_OWNER, mtime: t0, content: 'stale cache one\n' },
      { name: 'var/cache/app/stale-2.bin', ...APP_OWNER, mtime: t0, content: 'stale cache two\n' },
      dir('tmp/', { mode: 0o1777, mtime: t0 }),
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )

  // 1.2.0: a build cache added in one layer and deleted in the next is pure wasted space.
  const t1 = at(30 * DAY)
  const wasteful = await b.layer(
    [
      dir('tmp/', { mode: 0o1777, mtime: t1 }),
      {
        name: 'tmp/build-cache.bin',
        mtime: t1,
        content: deterministicBytes('web-app:build-cache', 200 * 1024),
      },
      dir('usr/lib/', { mtime: t1 }),
      dir('usr/lib/app/', { ...APP_OWNER, mtime: t1 }),
      { name: 'usr/lib/app/plugin.so', mtime: t1, mode: 0o755, content: 'plugin v1.2\n' },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  const t2 = at(30 * DAY - HOUR)
  const update = await b.layer(
    [
      dir('etc/', { mtime: t2 }),
      dir('etc/app/', { ...APP_OWNER, mode: 0o750, mtime: t2 }),
      {
        name: 'etc/app/config.yaml',
        ...APP_OWNER,
        mode: 0o640,
        mtime: t2,
        content:
          'listen: 0.0.0.0:8080\nlog_level: debug\nfeatures:\n' +
          Array.from({ length: 40 }, (_, i) => `  flag_${i}: ${i % 2 === 0}\n`).join(''),
      },
      { name: 'etc/app/.wh.old.conf', mtime: t2 },
      dir('tmp/', { mode: 0o1777, mtime: t2 }),
      { name: 'tmp/.wh.build-cache.bin', mtime: t2 },
      dir('var/', { mtime: t2 }),
      dir('var/cache/', { mtime: t2 }),
      dir('var/cache/app/', { ...APP_OWNER, mtime: t2 }),
      { name: 'var/cache/app/.wh..wh..opq', mtime: t2 },
      { name: 'var/cache/app/fresh.json', ...APP_OWNER, mtime: t2, content: '{"warm":true}\n' },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )

  const baseHistory: HistoryEntry[] = [
    { created_by: '/bin/sh -c #(nop) ADD file:6f1a2c0d9e5b in / ' },
    { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
    {
      created_by: 'ENV APP_HOME=/usr/lib/app',
      comment: 'buildkit.dockerfile.v0',
      empty_layer: true,
    },
  ]
  const tail = (version: string): HistoryEntry[] => [
    {
      created_by: `LABEL org.opencontainers.image.version=${version}`,
      comment: 'buildkit.dockerfile.v0',
      empty_layer: true,
    },
    { created_by: 'WORKDIR /usr/lib/app', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    { created_by: 'USER app', comment: 'buildkit.dockerfile.v0', empty_layer: true },
    {
      created_by: 'ENTRYPOINT ["/usr/bin/app"]',
      comment: 'buildkit.dockerfile.v0',
      empty_layer: true,
    },
    {
      created_by: 'CMD ["serve" "--port" "8080"]',
      comment: 'buildkit.dockerfile.v0',
      empty_layer: true,
    },
  ]
  const runtime = (version: string) => ({
    Env: [PATH_ENV, 'APP_HOME=/usr/lib/app', `APP_VERSION=${version}`],
    Entrypoint: ['/usr/bin/app'],
    Cmd: ['serve', '--port', '8080'],
    Labels: {
      'org.opencontainers.image.title': 'web-app',
      'org.opencontainers.image.version': version,
      'org.opencontainers.image.source': 'https://example.invalid/demo/web-app',
    },
    WorkingDir: '/usr/lib/app',
    User: 'app',
    ExposedPorts: { '8080/tcp': {} },
  })

  const currentConfig = b.config(MEDIA_TYPES.dockerConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t2,
    config: runtime('1.2.0'),
    diffIds: [base.diffId, wasteful.diffId, update.diffId],
    history: [
      ...baseHistory,
      {
        created_by:
          'RUN /bin/sh -c dd if=/dev/urandom of=/tmp/build-cache.bin bs=1024 count=200 && make install # buildkit',
        comment: 'buildkit.dockerfile.v0',
      },
      {
        created_by:
          'RUN /bin/sh -c rm -rf /tmp/build-cache.bin /etc/app/old.conf /var/cache/app && mkdir -p /var/cache/app && app warm-cache # buildkit',
        comment: 'buildkit.dockerfile.v0',
      },
      ...tail('1.2.0'),
    ],
  })
  const current = b.manifest(
    {
      repositoryName,
      tags: [TAGS.latest, TAGS.current],
      pushedAt: at(30 * DAY - 2 * HOUR),
      lastRecordedPullTime: at(2 * HOUR),
      scan: scanComplete(at(30 * DAY - 3 * HOUR), {
        CRITICAL: 1,
        HIGH: 3,
        MEDIUM: 7,
        LOW: 12,
        INFORMATIONAL: 2,
      }),
    },
    'docker',
    currentConfig,
    [base.ref, wasteful.ref, update.ref],
  )

  const tOld = at(90 * DAY)
  const previousApp = await b.layer(
    [
      dir('etc/', { mtime: tOld }),
      dir('etc/app/', { ...APP_OWNER, mode: 0o750, mtime: tOld }),
      {
        name: 'etc/app/config.yaml',
        ...APP_OWNER,
        mode: 0o640,
        mtime: tOld,
        content: 'listen: 0.0.0.0:8080\nlog_level: warn\n',
      },
      dir('usr/', { mtime: tOld }),
      dir('usr/lib/', { mtime: tOld }),
      dir('usr/lib/app/', { ...APP_OWNER, mtime: tOld }),
      { name: 'usr/lib/app/plugin.so', mtime: tOld, mode: 0o755, content: 'plugin v1.1\n' },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  const previousConfig = b.config(MEDIA_TYPES.dockerConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: tOld,
    config: runtime('1.1.0'),
    diffIds: [base.diffId, previousApp.diffId],
    history: [
      ...baseHistory,
      { created_by: 'COPY rootfs/ / # buildkit', comment: 'buildkit.dockerfile.v0' },
      ...tail('1.1.0'),
    ],
  })
  const previous = b.manifest(
    {
      repositoryName,
      tags: [TAGS.previous],
      pushedAt: at(90 * DAY - HOUR),
      scan: scanComplete(at(89 * DAY), { CRITICAL: 4, HIGH: 9, MEDIUM: 15, LOW: 20 }),
    },
    'docker',
    previousConfig,
    [base.ref, previousApp.ref],
  )

  const orphan = await b.layer(
    [{ name: 'orphan.txt', content: 'uploaded, never referenced\n' }],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  return {
    current,
    previous,
    orphanBlobDigest: orphan.ref.digest,
    archivedLayerDigest: previousApp.ref.digest,
  }
}

/** `demo/web-app`: three releases sharing a base layer, an orphan blob and an ARCHIVED layer. */
export const webApp = defineSample({
  key: 'webApp',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
  state: (s) => ({ orphans: [s.orphanBlobDigest], archived: [s.archivedLayerDigest] }),
})
