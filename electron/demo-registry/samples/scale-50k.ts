import { MEDIA_TYPES } from '../images'
import { ScaleImageCollection } from '../scale'
import { at, DAY, PATH_ENV } from './builder'
import type { SampleBuilder } from './builder'

/** `demo/scale-50k`: 50,000 generated manifests sharing one config and one layer. */
export async function buildScale(
  b: SampleBuilder,
  repositoryName: string,
): Promise<ScaleImageCollection> {
  const t = at(400 * DAY)
  const layer = await b.layer(
    [{ name: 'build-info.txt', mtime: t, content: 'built by the nightly pipeline\n' }],
    'gzip',
    MEDIA_TYPES.ociLayerGzip,
  )
  const config = b.config(MEDIA_TYPES.ociConfig, {
    architecture: 'amd64',
    os: 'linux',
    created: t,
    config: { Env: [PATH_ENV], Cmd: ['cat', '/build-info.txt'] },
    diffIds: [layer.diffId],
    history: [
      { created_by: 'COPY build-info.txt / # buildkit', comment: 'buildkit.dockerfile.v0' },
    ],
  })
  return new ScaleImageCollection(repositoryName, config, layer.ref)
}
