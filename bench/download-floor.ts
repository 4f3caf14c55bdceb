import { createBlobHttp } from '../electron/core/services/http'

// The floor under our download path: the app's own blob HTTP path (BlobHttp) fetching the same URL
// and throwing the bytes away (no hash, no file, no fsync). Whatever our path costs beyond this is
// hashing and writing; what this costs beyond `curl -o` is receiving. Prints one JSON line.
const [url, warmUrl] = process.argv.slice(2)
const http = createBlobHttp({})

async function fetchAll(target: string): Promise<number> {
  const response = await http.get(target, {
    headers: {},
    signal: new AbortController().signal,
    headersTimeoutMs: 30_000,
    bodyTimeoutMs: 60_000,
  })
  if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`)
  let bytes = 0
  await response.pipe({
    write: (view) => {
      bytes += view.length
      return true
    },
    drained: () => Promise.resolve(),
  })
  return bytes
}

// Warmed up like the measured download, so both start from a compiled path.
await fetchAll(warmUrl!)
const started = performance.now()
const bytes = await fetchAll(url!)
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, bytes }))
