import { appendFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { startBridge } from './server'

// `npm run web`: the real renderer in any browser, backed by the real main-process services and
// the AWS environment of this shell.
const env = process.env
const dataDir = env.ECR_LAYER_BROWSER_DATA_DIR || join(homedir(), '.config', 'ecr-layer-browser')
const traceFile = env.ECR_LAYER_BROWSER_BRIDGE_TRACE

const bridge = await startBridge({
  rendererDir: resolve('out/renderer'),
  dataDir,
  downloadDir: env.ECR_LAYER_BROWSER_DOWNLOAD_DIR || join(homedir(), 'Downloads'),
  env,
  port: Number(env.PORT) || 0,
  ...(traceFile
    ? { trace: (kind, channel, body) => appendFileSync(traceFile, `${kind} ${channel} ${body}\n`) }
    : {}),
})

if (bridge.logProblem) {
  console.warn(`Warning: ${bridge.logProblem}. Problems are printed here instead.`)
}
console.log('ECR Layer Browser web bridge. Open this URL (it carries a per-run access token):')
console.log(bridge.url)

const stop = () => {
  void bridge.close().finally(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
