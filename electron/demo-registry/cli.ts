import { parseArgs } from 'node:util'
import { DemoRegistry } from './server'

// Runs the emulator on its own so the AWS CLI, a shell or a second app instance can use it.
const { values } = parseArgs({
  options: { repositories: { type: 'string', default: '40' } },
  strict: true,
})
const repositoryCount = Number(values.repositories)
if (!Number.isInteger(repositoryCount) || repositoryCount < 0) {
  console.error(`--repositories must be a non-negative integer, got ${values.repositories}`)
  process.exit(2)
}

const registry = new DemoRegistry({ repositoryCount })
const { endpoint } = await registry.start()
console.log(`Demo registry listening on ${endpoint}`)
console.log(
  [
    `export AWS_ACCESS_KEY_ID=${registry.credentials.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${registry.credentials.secretAccessKey}`,
    `export AWS_REGION=${registry.region}`,
    `export AWS_ENDPOINT_URL_ECR=${endpoint}`,
  ].join('\n'),
)

let stopping = false
const shutdown = (): void => {
  if (stopping) return
  stopping = true
  registry.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
