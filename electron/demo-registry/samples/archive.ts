import { MEDIA_TYPES } from '../images'
import type { BlobRef, ImageRecord, ImageStatus } from '../images'
import { deterministicBytes } from '../keystream'
import { at, DAY, defineSample, PATH_ENV } from './builder'
import type { ImageSpec, SampleBuilder } from './builder'

const REPOSITORY = 'demo/archive'
const TAGS = {
  current: 'current',
  restored: '2024.09',
  activating: '2024.06',
  archived: '2024.01',
} as const

export interface ArchiveSample {
  /** ACTIVE, never archived. */
  readonly current: ImageRecord
  /** ACTIVE again: archived, then restored. */
  readonly restored: ImageRecord
  /** Being restored from archive: not pullable yet. */
  readonly activating: ImageRecord
  /** ARCHIVED: DescribeImages lists it only with `filter.imageStatus`. */
  readonly archived: ImageRecord
  /** The layer only the archived image has, so GetDownloadUrlForLayer refuses it. */
  readonly archivedOnlyLayer: BlobRef
  /** The base layer every image shares, pullable through the active ones. */
  readonly sharedLayer: BlobRef
}

async function build(b: SampleBuilder): Promise<ArchiveSample> {
  const base = await b.layer(
    [{ name: 'etc/os-release', mtime: at(400 * DAY), content: 'NAME="Demo Linux"\nID=demo\n' }],
    'gzip',
    MEDIA_TYPES.ociLayerGzip,
  )
  const release = async (
    tag: string,
    pushedAt: Date,
    status: Partial<Pick<ImageSpec, 'imageStatus' | 'lastArchivedAt' | 'lastActivatedAt'>> & {
      imageStatus?: ImageStatus
    } = {},
  ) => {
    const own = await b.layer(
      [
        {
          name: 'srv/release.bin',
          mtime: pushedAt,
          content: deterministicBytes(`archive:${tag}`, 8 * 1024),
        },
      ],
      'gzip',
      MEDIA_TYPES.ociLayerGzip,
    )
    const config = b.config(MEDIA_TYPES.ociConfig, {
      architecture: 'amd64',
      os: 'linux',
      created: pushedAt,
      config: { Env: [PATH_ENV], Cmd: ['/srv/release.bin'] },
      diffIds: [base.diffId, own.diffId],
      history: [{ created_by: 'ADD rootfs /' }, { created_by: `COPY release ${tag} /srv/` }],
    })
    const image = b.manifest(
      { repositoryName: REPOSITORY, tags: [tag], pushedAt, ...status },
      'oci',
      config,
      [base.ref, own.ref],
    )
    return { image, own: own.ref }
  }
  const archived = await release(TAGS.archived, at(320 * DAY), {
    imageStatus: 'ARCHIVED',
    lastArchivedAt: at(200 * DAY),
  })
  const activating = await release(TAGS.activating, at(200 * DAY), {
    imageStatus: 'ACTIVATING',
    lastArchivedAt: at(100 * DAY),
  })
  const restored = await release(TAGS.restored, at(110 * DAY), {
    lastArchivedAt: at(90 * DAY - DAY),
    lastActivatedAt: at(5 * DAY),
  })
  const current = await release(TAGS.current, at(2 * DAY))
  return {
    current: current.image,
    restored: restored.image,
    activating: activating.image,
    archived: archived.image,
    archivedOnlyLayer: archived.own,
    sharedLayer: base.ref,
  }
}

/** `demo/archive`: images in each storage state (archived, being restored, restored, active). */
export const archive = defineSample({
  key: 'archive',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
})
