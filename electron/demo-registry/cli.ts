import { parseArgs } from 'node:util'
import { start } from './index'

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

const { endpoint, region, credentials, signingPublicKeyPem, stop } = await start({
  repositoryCount,
})
console.log(`Demo registry listening on ${endpoint}`)
console.log(
  [
    `export AWS_ACCESS_KEY_ID=${credentials.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`,
    `export AWS_REGION=${region}`,
    `export AWS_ENDPOINT_URL_ECR=${endpoint}`,
  ].join('\n'),
)
// Comments, so the block above stays sourceable as a whole.
console.log(
  [
    "# demo/signed's images are signed with this run's key; its public half, to verify them with:",
    ...signingPublicKeyPem
      .trim()
      .split('\n')
      .map((line) => `# ${line}`),
  ].join('\n'),
)

let stopping = false
const shutdown = (): void => {
  if (stopping) return
  stopping = true
  stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
