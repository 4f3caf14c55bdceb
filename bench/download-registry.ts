import { DemoRegistry } from '../electron/main/demo-registry/server'

// Runs the demo registry in its own process, so that the download under test and the server do
// not share one event loop. Prints one JSON line with what the bench needs, then serves until
// killed.
const sizes = process.argv.slice(2).map(Number)
const registry = new DemoRegistry({ repositoryCount: 5 })
const { endpoint } = await registry.start()
const blobs = []
for (const size of sizes) {
  const blob = await registry.addSyntheticBlob({
    repositoryName: 'bench/blobs',
    size,
    seed: `bench-${size}`,
  })
  blobs.push(blob)
}
console.log(
  JSON.stringify({
    endpoint,
    region: registry.region,
    credentials: registry.credentials,
    repositoryName: 'bench/blobs',
    blobs,
  }),
)
process.on('SIGTERM', () => void registry.stop().then(() => process.exit(0)))
