import { start } from '../electron/demo-registry/testing'

// The export benchmark's registry, in its own process: a 2-layer image of `sizes` bytes and a small
// warm-up image. Prints one JSON line (what the bench needs, blob URLs for the skopeo peer's push),
// then serves until killed.
const sizes = process.argv.slice(2).map(Number)
const { registry, endpoint, region, credentials, stop } = await start({ repositoryCount: 5 })
const repositoryName = 'bench/image'
const warm = await registry.addSyntheticImage({
  repositoryName,
  tag: 'warm-up',
  sizes: [4 << 20, 4 << 20],
})
const image = await registry.addSyntheticImage({ repositoryName, tag: 'bench', sizes })
const layers = (JSON.parse(image.imageManifest) as { layers: { digest: string; size: number }[] })
  .layers
console.log(
  JSON.stringify({
    endpoint,
    region,
    credentials,
    repositoryName,
    warmUp: { tag: 'warm-up', imageDigest: warm.imageDigest },
    image: {
      tag: 'bench',
      imageDigest: image.imageDigest,
      manifest: image.imageManifest,
      config: image.config.toString('base64'),
      layers: await Promise.all(
        layers.map(async (l) => ({ ...l, url: await registry.blobUrl(repositoryName, l.digest) })),
      ),
    },
  }),
)
process.on('SIGTERM', () => void stop().then(() => process.exit(0)))
