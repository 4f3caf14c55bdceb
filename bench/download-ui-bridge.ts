import { startBridge } from '../electron/web/server'

// The web bridge for the UI download bench, serving a private copy of the built renderer (out/ is
// shared, and a rebuild there mid-run would pull the page's assets away): `node --import tsx
// bench/download-ui-bridge.ts <rendererDir> <dataDir> <downloadDir>`. Prints the URL, then serves
// until killed.
const [rendererDir, dataDir, downloadDir] = process.argv.slice(2)
const bridge = await startBridge({
  rendererDir: rendererDir!,
  dataDir: dataDir!,
  downloadDir: downloadDir!,
  env: process.env,
  port: 0,
})
console.log(bridge.url)
process.on('SIGTERM', () => void bridge.close().finally(() => process.exit(0)))
