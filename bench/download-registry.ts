import { start } from '../electron/demo-registry/testing'

// Runs the demo registry in its own process, so that the download under test and the server do
// not share one event loop. Prints one JSON line with what the bench needs, then serves until
// killed.
const sizes = process.argv.slice(2).map(Number)
const WARM_UP = 16 * 1024 * 1024
// Fault injection stays off: the bench measures the clean path.
const { registry, endpoint, region, credentials, stop } = await start({ repositoryCount: 5 })
const blobs = []
// A small blob first: the client downloads it once to warm up, as a long-running app is warm.
for (const size of [WARM_UP, ...sizes]) {
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
    region,
    credentials,
    repositoryName: 'bench/blobs',
    warmUp: blobs[0],
    blobs: blobs.slice(1),
  }),
)
process.on('SIGTERM', () => void stop().then(() => process.exit(0)))
