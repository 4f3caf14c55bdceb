import { describe, expect, it } from 'vitest'
import type { LayerDescriptor, PlatformEntry } from '../../../../shared/models/image'
import {
  attestationLabel,
  availabilityLabel,
  availabilitySummary,
  choosePlatform,
  dockerfileStep,
  dockerPullCommand,
  formatCommand,
  imageUri,
  isImageConfig,
  layerFormatLabel,
  layerTotals,
  platformLabel,
  repositoryUriFor,
} from './image-detail'

const d = (c: string) => `sha256:${c.repeat(64)}`

const platform = (
  digest: string,
  os: string | null,
  architecture: string | null,
  extra: Partial<PlatformEntry> = {},
): PlatformEntry => ({
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1000,
  os,
  architecture,
  variant: null,
  osVersion: null,
  attestation: false,
  ...extra,
})

const amd64 = platform(d('1'), 'linux', 'amd64')
const arm64 = platform(d('2'), 'linux', 'arm64', { variant: 'v8' })
const attestation = platform(d('3'), 'unknown', 'unknown', {
  attestation: true,
  annotations: {
    'vnd.docker.reference.digest': d('1'),
    'vnd.docker.reference.type': 'attestation-manifest',
  },
})
const platforms = [attestation, amd64, arm64]

const layer = (
  compression: LayerDescriptor['compression'],
  size: number,
  foreign = false,
  digest = d('a'),
): LayerDescriptor => ({
  digest,
  mediaType: `application/vnd.oci.image.layer.v1.tar+${compression}`,
  size,
  compression,
  foreign,
})

describe('platforms', () => {
  it('labels os/architecture/variant and the Windows version', () => {
    expect(platformLabel(amd64)).toBe('linux/amd64')
    expect(platformLabel(arm64)).toBe('linux/arm64/v8')
    expect(
      platformLabel(platform(d('4'), 'windows', 'amd64', { osVersion: '10.0.20348.2113' })),
    ).toBe('windows/amd64 10.0.20348.2113')
    expect(platformLabel(platform(d('5'), null, null))).toBe('unknown/unknown')
  })

  it('names what an attestation is for', () => {
    expect(attestationLabel(attestation, platforms)).toBe('Attestation for linux/amd64')
    expect(attestationLabel(attestation, [attestation])).toBe('Attestation')
  })

  it('picks the requested platform, never an attestation, else the first runnable one', () => {
    expect(choosePlatform(platforms, d('2'))).toBe(arm64)
    expect(choosePlatform(platforms, null)).toBe(amd64)
    expect(choosePlatform(platforms, d('3'))).toBe(amd64)
    expect(choosePlatform(platforms, d('9'))).toBe(amd64)
    expect(choosePlatform([attestation], null)).toBeNull()
  })
})

describe('image URIs', () => {
  const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/web-app'

  it('builds digest and tag references', () => {
    expect(imageUri(uri, { digest: d('a') })).toBe(`${uri}@${d('a')}`)
    expect(imageUri(uri, { tag: '1.2.0' })).toBe(`${uri}:1.2.0`)
  })

  it('builds a repository URI like ECR does, including China regions', () => {
    expect(repositoryUriFor('123456789012', 'us-east-1', 'demo/web-app')).toBe(uri)
    expect(repositoryUriFor('123456789012', 'cn-north-1', 'a/b')).toBe(
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a/b',
    )
  })

  it('builds docker pull, pinned to a platform when one is chosen', () => {
    expect(dockerPullCommand(`${uri}:1.2.0`)).toBe(`docker pull ${uri}:1.2.0`)
    expect(dockerPullCommand(`${uri}@${d('a')}`, arm64)).toBe(
      `docker pull --platform linux/arm64/v8 ${uri}@${d('a')}`,
    )
  })
})

describe('layers', () => {
  it('labels formats, with unknown types shown in full', () => {
    expect(layerFormatLabel(layer('gzip', 1))).toBe('gzip')
    expect(layerFormatLabel(layer('zstd', 1))).toBe('zstd')
    expect(layerFormatLabel({ ...layer('none', 1), mediaType: 'x' })).toBe('tar')
    expect(layerFormatLabel({ ...layer('unknown', 1), mediaType: 'application/x-odd' })).toBe(
      'application/x-odd',
    )
  })

  it('describes availability, and foreign layers as outside ECR', () => {
    const base = { digest: d('a'), failureCode: null, failureReason: null }
    expect(availabilityLabel(layer('gzip', 1), { ...base, availability: 'AVAILABLE' })).toBe(
      'Available',
    )
    expect(availabilityLabel(layer('gzip', 1), { ...base, availability: 'ARCHIVED' })).toBe(
      'Archived',
    )
    expect(availabilityLabel(layer('gzip', 1), { ...base, availability: 'UNAVAILABLE' })).toBe(
      'Unavailable',
    )
    expect(
      availabilityLabel(layer('gzip', 1), {
        ...base,
        availability: null,
        failureCode: 'MissingLayerDigest',
      }),
    ).toBe('Missing (MissingLayerDigest)')
    expect(availabilityLabel(layer('gzip', 1, true), undefined)).toBe('Outside ECR')
    expect(availabilityLabel(layer('gzip', 1), undefined)).toBe('—')
  })

  it('totals the layers and sums availability up', () => {
    const layers = [
      layer('gzip', 100, false, d('a')),
      layer('gzip', 50, false, d('b')),
      layer('gzip', 7, true, d('c')),
    ]
    expect(layerTotals(layers)).toEqual({ count: 3, compressedSize: 157, foreign: 1 })
    const base = { failureCode: null, failureReason: null }
    const byDigest = new Map([
      [d('a'), { ...base, digest: d('a'), availability: 'AVAILABLE' as const }],
      [d('b'), { ...base, digest: d('b'), availability: 'ARCHIVED' as const }],
    ])
    expect(availabilitySummary(layers, byDigest)).toBe('1 available, 1 archived, 1 outside ECR')
  })

  it('reads image config types', () => {
    expect(isImageConfig('application/vnd.oci.image.config.v1+json')).toBe(true)
    expect(isImageConfig('application/vnd.docker.container.image.v1+json')).toBe(true)
    expect(isImageConfig('application/vnd.oci.empty.v1+json')).toBe(false)
  })
})

describe('history steps', () => {
  it('turns created_by into a Dockerfile line', () => {
    expect(dockerfileStep('/bin/sh -c #(nop)  CMD ["nginx" "-g" "daemon off;"]')).toBe(
      'CMD ["nginx" "-g" "daemon off;"]',
    )
    expect(dockerfileStep('/bin/sh -c apk add --no-cache curl')).toBe('RUN apk add --no-cache curl')
    expect(dockerfileStep('RUN /bin/sh -c npm ci # buildkit')).toBe('RUN /bin/sh -c npm ci')
    expect(dockerfileStep('COPY dist/ /app/ # buildkit')).toBe('COPY dist/ /app/')
    expect(dockerfileStep('cmd /S /C #(nop)  CMD ["C:\\App\\app.exe"]')).toBe(
      'CMD ["C:\\App\\app.exe"]',
    )
    expect(dockerfileStep('cmd /S /C copy app.exe C:\\App\\')).toBe('RUN copy app.exe C:\\App\\')
    expect(dockerfileStep('Apply image 10.0.20348.2113')).toBe('Apply image 10.0.20348.2113')
    expect(dockerfileStep(null)).toBe('—')
  })
})

describe('text helpers', () => {
  it('shows an exec-form command with quotes only where needed', () => {
    expect(formatCommand(['nginx', '-g', 'daemon off;'])).toBe('nginx -g "daemon off;"')
    expect(formatCommand(['/docker-entrypoint.sh'])).toBe('/docker-entrypoint.sh')
    expect(formatCommand(null)).toBe('—')
    expect(formatCommand([])).toBe('—')
  })
})
