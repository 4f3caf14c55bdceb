import { MEDIA_TYPES } from '../images'
import type { BlobRef, ImageRecord } from '../images'
import { deterministicBytes } from '../keystream'
import { sha256Digest } from '../layers'
import { at, DAY, defineSample, dir } from './builder'
import type { SampleBuilder } from './builder'

const REPOSITORY = 'demo/windows'
const TAGS = { latest: 'ltsc2022' } as const

export interface WindowsSample {
  readonly latest: ImageRecord
  readonly foreignLayer: BlobRef
}

async function build(b: SampleBuilder): Promise<WindowsSample> {
  const t = at(60 * DAY)
  const foreignDigest = sha256Digest('foreign:windows/servercore:ltsc2022')
  // Non-distributable: the manifest names it, but only Microsoft's registry serves the bytes.
  const foreignLayer: BlobRef = {
    mediaType: MEDIA_TYPES.dockerForeignLayer,
    size: 1_436_210_987,
    digest: foreignDigest,
    urls: [`https://mcr.microsoft.com/v2/windows/servercore/blobs/${foreignDigest}`],
  }
  const app = await b.layer(
    [
      dir('Files/', { mtime: t }),
      dir('Files/App/', { mtime: t }),
      {
        name: 'Files/App/app.exe',
        mtime: t,
        content: Buffer.concat([Buffer.from('MZ'), deterministicBytes('windows:app', 16 * 1024)]),
      },
      dir('Hives/', { mtime: t }),
      { name: 'Hives/Software_Delta', mtime: t, content: deterministicBytes('windows:hive', 4096) },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  const config = b.config(MEDIA_TYPES.dockerConfig, {
    architecture: 'amd64',
    os: 'windows',
    osVersion: '10.0.20348.2113',
    created: t,
    config: { Env: [], Cmd: ['C:\\App\\app.exe'], WorkingDir: 'C:\\App' },
    diffIds: [sha256Digest('foreign:windows/servercore:ltsc2022:tar'), app.diffId],
    history: [
      { created_by: 'Apply image 10.0.20348.2113' },
      { created_by: 'cmd /S /C copy app.exe C:\\App\\' },
      { created_by: 'cmd /S /C #(nop)  CMD ["C:\\\\App\\\\app.exe"]', empty_layer: true },
    ],
  })
  const latest = b.manifest(
    {
      repositoryName: REPOSITORY,
      tags: [TAGS.latest],
      pushedAt: t,
      scan: {
        status: {
          status: 'UNSUPPORTED_IMAGE',
          description: 'The operating system and/or package manager are not supported.',
        },
      },
    },
    'docker',
    config,
    [foreignLayer, app.ref],
  )
  return { latest, foreignLayer }
}

/** `demo/windows`: a Windows image whose base layer is foreign (non-distributable). */
export const windows = defineSample({
  key: 'windows',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
})
