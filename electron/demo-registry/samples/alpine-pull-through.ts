import { MEDIA_TYPES } from '../images'
import type { ImageRecord } from '../images'
import { deterministicBytes } from '../keystream'
import type { PullThroughCacheRuleRecord } from '../data'
import { at, DAY, defineSample, dir, HOUR, PATH_ENV, SampleBuilder, scanComplete } from './builder'
import type { UncachedUpstreamImage } from './builder'

const REPOSITORY = 'ecr-public/docker/library/alpine'
const TAGS = { cached: '3.20', uncached: '3.21' } as const

/** The upstream the `ecr-public` pull-through cache rule mirrors; error messages name it. */
export const ECR_PUBLIC_UPSTREAM = 'public.ecr.aws'

export interface AlpineSample {
  readonly cached: ImageRecord
  readonly uncached: UncachedUpstreamImage
}

/** The registry's pull-through cache rules: `ecr-public` (which created the alpine repository) and a Docker Hub rule. */
export function pullThroughCacheRules(
  accountId: string,
  region: string,
): PullThroughCacheRuleRecord[] {
  return [
    {
      ecrRepositoryPrefix: 'docker-hub',
      upstreamRegistryUrl: 'registry-1.docker.io',
      upstreamRegistry: 'docker-hub',
      credentialArn: `arn:aws:secretsmanager:${region}:${accountId}:secret:ecr-pullthroughcache/docker-hub-Xy12Ab`,
      createdAt: at(300 * DAY),
      updatedAt: at(100 * DAY),
    },
    {
      ecrRepositoryPrefix: 'ecr-public',
      upstreamRegistryUrl: ECR_PUBLIC_UPSTREAM,
      upstreamRegistry: 'ecr-public',
      createdAt: at(400 * DAY),
    },
  ]
}

async function build(b: SampleBuilder): Promise<AlpineSample> {
  const release = async (version: string, t: Date, store: SampleBuilder) => {
    const layer = await store.layer(
      [
        dir('bin/', { mtime: t }),
        {
          name: 'bin/busybox',
          mode: 0o755,
          mtime: t,
          content: deterministicBytes(`alpine:${version}:busybox`, 40 * 1024),
        },
        { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', mtime: t },
        dir('etc/', { mtime: t }),
        { name: 'etc/alpine-release', mtime: t, content: `${version}.0\n` },
        dir('etc/apk/', { mtime: t }),
        {
          name: 'etc/apk/repositories',
          mtime: t,
          content: `https://dl-cdn.alpinelinux.org/alpine/v${version}/main\n`,
        },
      ],
      'gzip',
      MEDIA_TYPES.dockerLayerGzip,
    )
    const config = store.config(MEDIA_TYPES.dockerConfig, {
      architecture: 'amd64',
      os: 'linux',
      created: t,
      config: { Env: [PATH_ENV], Cmd: ['/bin/sh'] },
      diffIds: [layer.diffId],
      history: [
        { created_by: `/bin/sh -c #(nop) ADD file:alpine-${version} in / ` },
        { created_by: '/bin/sh -c #(nop)  CMD ["/bin/sh"]', empty_layer: true },
      ],
    })
    return { layer: layer.ref, config }
  }
  const t = at(45 * DAY)
  const cachedParts = await release('3.20', t, b)
  const cached = b.manifest(
    {
      repositoryName: REPOSITORY,
      tags: [TAGS.cached],
      pushedAt: at(20 * DAY),
      lastRecordedPullTime: at(DAY + 3 * HOUR),
      scan: scanComplete(at(20 * DAY), {}),
    },
    'docker',
    cachedParts.config,
    [cachedParts.layer],
  )
  // Built in a throwaway builder: nothing of the uncached release may land in the registry.
  const upstream = new SampleBuilder()
  const upstreamParts = await release('3.21', at(10 * DAY), upstream)
  const upstreamImage = upstream.manifest(
    { repositoryName: REPOSITORY, pushedAt: at(10 * DAY) },
    'docker',
    upstreamParts.config,
    [upstreamParts.layer],
  )
  return {
    cached,
    uncached: {
      tag: TAGS.uncached,
      digest: upstreamImage.imageDigest,
      manifest: upstreamImage.imageManifest,
      layerDigests: [upstreamParts.config.digest, upstreamParts.layer.digest],
    },
  }
}

/** `ecr-public/docker/library/alpine`: a pull-through cache repository with one release cached. */
export const alpine = defineSample({
  key: 'alpine',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
  state: (s) => ({ upstreamOnly: s.uncached }),
})
