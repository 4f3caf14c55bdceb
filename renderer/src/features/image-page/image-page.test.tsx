// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ImageManifest } from '../../../../shared/models/image'
import { fail } from '../../test/fake-ecr'
import type { FakeHandlers } from '../../test/fake-ecr'
import { digest, sampleImage, sampleIndex } from '../../test/fake-images'
import { appState, renderApp, waitForReady } from '../../test/render-app'

const writeText = vi.fn<(text: string) => Promise<void>>()
beforeEach(() => {
  writeText.mockReset().mockResolvedValue(undefined)
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
})
afterEach(() => {
  cleanup()
  delete window.ecr
})

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/demo/web-app'

/** Handlers that serve one image (or an index and its platforms) like main would. */
function serve(
  manifests: ImageManifest[],
  extra: FakeHandlers = {},
  images = [sampleImage(), sampleIndex().platforms.amd64, sampleIndex().platforms.arm64],
): FakeHandlers {
  return {
    'ecr:describe-image': ({ imageDigest }) => {
      const found = images.find((image) => image.summary.digest === imageDigest)
      return found?.summary ?? sampleIndex().summary
    },
    'ecr:get-manifest': ({ imageDigest }) =>
      manifests.find((manifest) => manifest.digest === imageDigest) ??
      fail({ code: 'ImageNotFound', message: `no ${imageDigest}` }),
    'ecr:get-config': ({ digest: configDigest }) =>
      images.find((image) => image.config.digest === configDigest)?.config ??
      fail({ code: 'LayersNotFound', message: 'no config' }),
    'ecr:check-layers': ({ layerDigests }) =>
      layerDigests.map((layerDigest, index) => ({
        digest: layerDigest,
        availability: index === 1 ? 'ARCHIVED' : 'AVAILABLE',
        failureCode: null,
        failureReason: null,
      })),
    ...extra,
  }
}

const layerRows = () =>
  within(screen.getByRole('table', { name: 'Layers' }))
    .getAllByRole('row')
    .filter((row) => row.classList.contains('layer-row'))

describe('image page', () => {
  it('shows the summary, the layers with their history, availability and totals', async () => {
    const { manifest, config } = sampleImage()
    const ecr = renderApp(`/repositories/demo/web-app/images/${manifest.digest}`, serve([manifest]))
    expect(
      await screen.findByRole('heading', { level: 1, name: 'demo/web-app:1.2.0' }),
    ).toBeTruthy()
    await waitForReady()
    expect(ecr.requests('ecr:get-manifest')).toEqual([
      { repositoryName: 'demo/web-app', imageDigest: manifest.digest },
    ])
    expect(ecr.requests('ecr:get-config')).toEqual([
      { repositoryName: 'demo/web-app', digest: config.digest, imageDigest: manifest.digest },
    ])
    expect(ecr.requests('ecr:describe-image')).toEqual([
      { repositoryName: 'demo/web-app', imageDigest: manifest.digest },
    ])

    const summary = screen.getByRole('region', { name: 'Summary' })
    for (const text of [
      manifest.digest,
      `${URI}@${manifest.digest}`,
      `docker pull ${URI}@${manifest.digest}`,
      'Docker v2',
      '1 critical',
      'linux/amd64',
      'docker-entrypoint.sh',
      'node server.js',
      '/app',
      'PATH=/usr/local/bin:/usr/bin',
      'org.opencontainers.image.source=https://example.com/web-app',
      '8080/tcp',
    ]) {
      expect(within(summary).getByText(text)).toBeTruthy()
    }
    expect(within(summary).getByText('1.2.0')).toBeTruthy()
    expect(
      within(summary)
        .getByText(/4\.49 MiB/)
        .getAttribute('title'),
    ).toBe('4,705,330 bytes')

    // Three layers; each created_by is the next non-empty history step.
    const rows = layerRows()
    expect(rows).toHaveLength(3)
    expect(within(rows[0]!).getByText('ADD file:abc in /')).toBeTruthy()
    expect(within(rows[1]!).getByText('RUN apk add --no-cache nodejs')).toBeTruthy()
    expect(within(rows[2]!).getByText('COPY dist/ /app/')).toBeTruthy()
    expect(within(rows[0]!).getAllByRole('cell')[2]?.textContent).toBe('gzip')
    expect(within(rows[0]!).getByText('3.34 MiB').getAttribute('title')).toBe('3,500,000 bytes')

    // The empty-layer steps sit between the layers they happened between.
    const table = screen.getByRole('table', { name: 'Layers' })
    const all = within(table).getAllByRole('row')
    const texts = all.map((row) => row.textContent ?? '')
    const cmd = texts.findIndex((t) => t.includes('CMD ["/bin/sh"]'))
    const env = texts.findIndex((t) => t.includes('ENV NODE_VERSION=22.1.0'))
    const expose = texts.findIndex((t) => t.includes('EXPOSE map[8080/tcp:{}]'))
    expect(all.indexOf(rows[0]!)).toBeLessThan(cmd)
    expect(env).toBeLessThan(all.indexOf(rows[1]!))
    expect(expose).toBeGreaterThan(all.indexOf(rows[2]!))
    expect(all[cmd]?.textContent).toContain('no layer')

    // Availability from BatchCheckLayerAvailability, and the totals.
    await waitFor(() => expect(within(rows[1]!).getByText('Archived')).toBeTruthy())
    expect(within(rows[0]!).getByText('Available')).toBeTruthy()
    expect(ecr.requests('ecr:check-layers')).toEqual([
      { repositoryName: 'demo/web-app', layerDigests: manifest.layers.map((l) => l.digest) },
    ])
    const footer = all.at(-1)!
    expect(footer.textContent).toContain('Total: 3 layers')
    expect(footer.textContent).toContain('4.49 MiB')
    expect(footer.textContent).toContain('2 available, 1 archived')

    // The history, every step.
    const history = screen.getByRole('list', { name: 'History' })
    expect(within(history).getAllByRole('listitem')).toHaveLength(6)
    expect(within(history).getByText('/bin/sh -c apk add --no-cache nodejs')).toBeTruthy()
    expect(within(history).getAllByText('no layer')).toHaveLength(3)
    expect(within(history).getByText('layer 3')).toBeTruthy()
  })

  it('copies the digest, the URIs and docker pull, and says so', async () => {
    const { manifest } = sampleImage()
    renderApp(`/repositories/demo/web-app/images/${manifest.digest}`, serve([manifest]))
    await waitForReady()
    const cases: Array<[string, string]> = [
      ['Copy digest', manifest.digest],
      ['Copy URI by digest', `${URI}@${manifest.digest}`],
      ['Copy URI with tag 1.2.0', `${URI}:1.2.0`],
      ['Copy URI with tag latest', `${URI}:latest`],
      ['Copy docker pull command', `docker pull ${URI}@${manifest.digest}`],
      ['Copy Manifest JSON', manifest.raw],
    ]
    for (const [name, text] of cases) {
      // The raw JSON lives in the image's "Manifest & config" tab.
      if (name === 'Copy Manifest JSON') {
        fireEvent.click(screen.getByRole('tab', { name: 'Manifest & config' }))
      }
      const button = await screen.findByRole('button', { name })
      fireEvent.click(button)
      await waitFor(() => expect(writeText).toHaveBeenLastCalledWith(text))
      expect(await within(button.parentElement!).findByText('Copied')).toBeTruthy()
    }
  })

  it('says so when the clipboard is refused', async () => {
    writeText.mockRejectedValue(new DOMException('denied', 'NotAllowedError'))
    const { manifest } = sampleImage()
    renderApp(`/repositories/demo/web-app/images/${manifest.digest}`, serve([manifest]))
    const button = await screen.findByRole('button', { name: 'Copy digest' })
    fireEvent.click(button)
    expect(
      await within(button.parentElement!).findByText(
        'Could not copy: The system refused the app access to the clipboard. Select the text and copy it with Ctrl+C (Cmd+C on a Mac).',
      ),
    ).toBeTruthy()
  })

  it('shows the manifest and config JSON as trees, and raw and indented on request', async () => {
    const { manifest, config } = sampleImage()
    renderApp(`/repositories/demo/web-app/images/${manifest.digest}`, serve([manifest]))
    await waitForReady()
    fireEvent.click(screen.getByRole('tab', { name: 'Manifest & config' }))
    const viewer = await screen.findByRole('figure', { name: 'Config JSON' })
    expect(within(viewer).getByRole('region', { name: 'Config JSON tree' })).toBeTruthy()
    fireEvent.click(within(viewer).getByRole('button', { name: 'Raw' }))
    const pre = within(viewer).getByRole('region', { name: 'Config JSON' })
    expect(pre.textContent).toBe(JSON.stringify(JSON.parse(config.raw), null, 2))
    expect(screen.getByRole('figure', { name: 'Manifest JSON' })).toBeTruthy()
  })

  it('lists the platforms of an index; attestations are shown, not selectable', async () => {
    const { index, platforms } = sampleIndex()
    const ecr = renderApp(
      `/repositories/demo/multi-arch/images/${index.digest}`,
      serve([index, platforms.amd64.manifest, platforms.arm64.manifest]),
    )
    const group = await screen.findByRole('group', { name: 'Platform' })
    await waitForReady()
    const amd64 = within(group).getByRole<HTMLInputElement>('radio', { name: 'linux/amd64' })
    const arm64 = within(group).getByRole<HTMLInputElement>('radio', { name: 'linux/arm64/v8' })
    const attestation = within(group).getByRole<HTMLInputElement>('radio', {
      name: 'Attestation for linux/amd64',
    })
    // The first runnable platform is shown until the user picks one.
    expect(amd64.checked).toBe(true)
    expect(attestation.disabled).toBe(true)
    expect(within(group).getByText('attestation-manifest')).toBeTruthy()
    expect(within(group).getByText('vnd.docker.reference.type')).toBeTruthy()
    expect(within(group).getByText(platforms.amd64.manifest.digest)).toBeTruthy()
    expect(ecr.requests('ecr:get-manifest').map((r) => r.imageDigest)).toEqual([
      index.digest,
      platforms.amd64.manifest.digest,
    ])

    fireEvent.click(arm64)
    await waitFor(() => expect(arm64.checked).toBe(true))
    expect(window.location.hash).toBe(
      `#/repositories/demo/multi-arch/images/${index.digest}?platform=${encodeURIComponent(platforms.arm64.manifest.digest)}`,
    )
    expect(await screen.findByRole('region', { name: 'Layers (linux/arm64/v8)' })).toBeTruthy()
    expect(
      await within(layerRows()[1]!).findByText('RUN apk add --no-cache nodejs-arm64'),
    ).toBeTruthy()
    expect(
      screen.getByText(
        `docker pull --platform linux/arm64/v8 ${'123456789012.dkr.ecr.eu-west-1.amazonaws.com/demo/multi-arch'}@${index.digest}`,
      ),
    ).toBeTruthy()
    fireEvent.click(screen.getByRole('tab', { name: 'Manifest & config' }))
    expect(await screen.findByRole('figure', { name: 'Index JSON' })).toBeTruthy()
    expect(screen.getByRole('figure', { name: 'Manifest JSON' })).toBeTruthy()
  })

  it('opens the platform a link names', async () => {
    const { index, platforms } = sampleIndex()
    const ecr = renderApp(
      `/repositories/demo/multi-arch/images/${index.digest}?platform=${platforms.arm64.manifest.digest}`,
      serve([index, platforms.amd64.manifest, platforms.arm64.manifest]),
    )
    await waitForReady()
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'linux/arm64/v8' }).checked).toBe(
      true,
    )
    expect(ecr.requests('ecr:get-manifest').map((r) => r.imageDigest)).toEqual([
      index.digest,
      platforms.arm64.manifest.digest,
    ])
  })

  it('marks a foreign layer and does not ask ECR about it', async () => {
    const image = sampleImage('b7')
    const foreign = {
      ...image.manifest.layers[0]!,
      mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
      foreign: true,
      urls: ['https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:1'],
    }
    const manifest = { ...image.manifest, layers: [foreign, ...image.manifest.layers.slice(1)] }
    const ecr = renderApp(
      `/repositories/demo/windows/images/${manifest.digest}`,
      serve([manifest], {}, [image]),
    )
    await waitForReady()
    const row = layerRows()[0]!
    expect(within(row).getByText('foreign').getAttribute('title')).toContain(
      'https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:1',
    )
    expect(within(row).getByText('Outside ECR')).toBeTruthy()
    await waitFor(() => expect(ecr.requests('ecr:check-layers')).toHaveLength(1))
    expect(ecr.requests('ecr:check-layers')[0]?.layerDigests).not.toContain(foreign.digest)
    expect(screen.getByText('Total: 3 layers (1 foreign)')).toBeTruthy()
  })

  it('shows a pull-through failure with the upstream registry it came from', async () => {
    renderApp(`/repositories/ecr-public/docker/library/alpine/images/${digest('99')}`, {
      'ecr:list-pull-through-rules': () => [
        {
          prefix: 'ecr-public',
          upstreamRegistryUrl: 'public.ecr.aws',
          upstreamRegistry: 'ecr-public',
          createdAt: null,
        },
      ],
      'ecr:describe-image': () => fail({ code: 'ImageNotFound', message: 'not cached' }),
      'ecr:get-manifest': () =>
        fail({
          code: 'UnableToGetUpstreamImage',
          message: 'The upstream registry answered 503.',
          resource: 'public.ecr.aws',
          awsName: 'UnableToGetUpstreamImageException',
        }),
    })
    const alert = await screen.findByRole('alert')
    await waitForReady()
    expect(
      within(alert).getByRole('heading', {
        name: 'The upstream registry did not provide the image',
      }),
    ).toBeTruthy()
    expect(alert.textContent).toContain('This repository is a pull-through cache of public.ecr.aws')
    // Only one error: the summary's own failure would say the same thing.
    expect(screen.getAllByRole('alert')).toHaveLength(1)
  })

  it.each([
    ['ImageNotFound', 'Image not found'],
    ['UnsupportedManifest', 'Unsupported manifest type'],
    ['InvalidImageDigest', 'Invalid image digest'],
    ['ImageTagDoesNotMatchDigest', 'The tag points at another image now'],
    ['ImageReferencedByManifestList', 'Image is part of a manifest list'],
    ['KmsError', 'The image could not be decrypted'],
    ['UpstreamAccessDenied', 'The upstream registry refused access'],
    ['UpstreamTooManyRequests', 'The upstream registry is rate limiting'],
    ['UpstreamUnavailable', 'The upstream registry is unavailable'],
    ['ImageInaccessible', 'Image is not accessible'],
    ['LimitExceeded', 'Too many items in one request'],
    ['InvalidManifest', 'The manifest could not be read'],
  ] as const)('shows %s from BatchGetImage through the catalog', async (code, title) => {
    renderApp(`/repositories/demo/web-app/images/${digest('77')}`, {
      'ecr:describe-image': () => sampleImage().summary,
      'ecr:get-manifest': () => fail({ code, message: `${code} happened` }),
    })
    const alert = await screen.findByRole('alert')
    expect(within(alert).getByRole('heading', { name: title })).toBeTruthy()
    await waitForReady()
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy()
  })

  it('shows a config download failure without hiding the layers', async () => {
    const { manifest } = sampleImage()
    renderApp(
      `/repositories/demo/web-app/images/${manifest.digest}`,
      serve([manifest], {
        'ecr:get-config': () =>
          fail({ code: 'DigestMismatch', message: 'Config blob sha256 did not match' }),
      }),
    )
    const alert = await screen.findByRole('alert')
    await waitForReady()
    expect(
      within(alert).getByRole('heading', { name: 'Downloaded bytes do not match the digest' }),
    ).toBeTruthy()
    expect(layerRows()).toHaveLength(3)
    expect(within(layerRows()[0]!).getAllByRole('cell')[4]?.textContent).toBe('—')
  })

  it('stays loading until the manifest, platform and config have settled', async () => {
    const { manifest, config } = sampleImage()
    let release: () => void = () => {}
    renderApp(
      `/repositories/demo/web-app/images/${manifest.digest}`,
      serve([manifest], {
        'ecr:get-config': () => new Promise((resolve) => (release = () => resolve(config))),
      }),
    )
    await screen.findByRole('table', { name: 'Layers' })
    expect(appState()).toBe('loading')
    release()
    await waitForReady()
  })

  it('goes up to the repository on Alt+Left when opened from a link', async () => {
    const { manifest } = sampleImage()
    renderApp(`/repositories/demo/web-app/images/${manifest.digest}`, {
      ...serve([manifest]),
      'ecr:list-images': () => ({ items: [], nextToken: null }),
    })
    await waitForReady()
    fireEvent.keyDown(window, { key: 'ArrowLeft', altKey: true })
    expect(await screen.findByRole('searchbox', { name: 'Filter images' })).toBeTruthy()
    expect(window.location.hash).toBe('#/repositories/demo/web-app')
  })
})
