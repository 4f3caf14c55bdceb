import { MEDIA_TYPES } from '../images'
import type { ImageRecord } from '../images'
import { at, DAY, defineSample, PATH_ENV, scanComplete } from './builder'
import type { SampleBuilder } from './builder'

const REPOSITORY = 'demo/untagged'
const TAGS = { tagged: 'stable' } as const

export interface UntaggedSample {
  readonly tagged: ImageRecord
  readonly untagged: readonly ImageRecord[]
}

async function build(b: SampleBuilder): Promise<UntaggedSample> {
  const images: ImageRecord[] = []
  for (let i = 0; i < 4; i++) {
    const t = at((40 - i * 9) * DAY)
    const layer = await b.layer(
      [{ name: 'build.txt', mtime: t, content: `build ${i + 1}\n` }],
      'gzip',
      MEDIA_TYPES.dockerLayerGzip,
    )
    const config = b.config(MEDIA_TYPES.dockerConfig, {
      architecture: 'amd64',
      os: 'linux',
      created: t,
      config: { Env: [PATH_ENV], Cmd: ['cat', '/build.txt'] },
      diffIds: [layer.diffId],
      history: [{ created_by: 'COPY build.txt / # buildkit', comment: 'buildkit.dockerfile.v0' }],
    })
    const tagged = i === 3
    images.push(
      b.manifest(
        {
          repositoryName: REPOSITORY,
          pushedAt: t,
          ...(tagged ? { tags: [TAGS.tagged], scan: scanComplete(t, {}) } : {}),
        },
        'docker',
        config,
        [layer.ref],
      ),
    )
  }
  const [a, b2, c, tagged] = images
  if (!a || !b2 || !c || !tagged) throw new Error('untagged samples missing')
  return { tagged, untagged: [a, b2, c] }
}

/** `demo/untagged`: three untagged builds and one tagged one. */
export const untagged = defineSample({
  key: 'untagged',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
})
