import { cpus, loadavg } from 'node:os'
import { readFile, writeFile, mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { browse } from './browse'
import { bundle } from './bundle'
import { download } from './download'
import { exportImage } from './export'
import { downloadUi } from './download-ui'
import { layers } from './layers'
import type { Suite } from './suite'

// `npm run bench [-- suite-id …] [-- --strict]`: runs the suites (all by default) and rewrites
// their sections of docs/benchmarks.md, keeping the sections of suites that did not run. Add a
// suite by writing a module that exports a Suite and listing it here.
const SUITES: Suite[] = [browse, download, downloadUi, layers, exportImage, bundle]

const DOC = resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md')
const HEADER = `# Benchmarks

Written by \`npm run bench\` (\`bench/run.ts\`); each section is replaced when its suite runs
again (\`npm run bench -- <suite>\` runs one). The numbers are from one run on the machine
described in each section; run it again rather than editing them.
`

const args = process.argv.slice(2)
const strict = args.includes('--strict')
const wanted = args.filter((arg) => !arg.startsWith('--'))
const unknown = wanted.filter((id) => !SUITES.some((suite) => suite.id === id))
if (unknown.length > 0) {
  console.error(
    `Unknown suite: ${unknown.join(', ')}. Known: ${SUITES.map((s) => s.id).join(', ')}`,
  )
  process.exit(2)
}
const selected = wanted.length === 0 ? SUITES : SUITES.filter((suite) => wanted.includes(suite.id))

const fresh = new Map<string, string>()
const missed: string[] = []
for (const suite of selected) {
  console.log(`\n== ${suite.title} ==`)
  const started = Date.now()
  const loadBefore = loadavg()[0]!
  const result = await suite.run()
  const load = `load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`
  console.log(result.console)
  console.log(`(${suite.id} took ${((Date.now() - started) / 1000).toFixed(0)} s)`)
  missed.push(...result.missed.map((line) => `${suite.id}: ${line}`))
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`
  fresh.set(
    suite.id,
    `## ${suite.title}\n\nRun ${new Date().toISOString().slice(0, 10)} on ${machine} (${load}).\n\n${result.markdown.trim()}\n`,
  )
}

// Read the file only now, so sections another run wrote meanwhile are kept. Suites in the
// runner's order first, then sections of suites no longer listed (kept, not lost).
const sections = new Map([...(await readSections()), ...fresh])
const order = [...SUITES.map((suite) => suite.id), ...sections.keys()]
const body = [...new Set(order)]
  .filter((id) => sections.has(id))
  .map((id) => `<!-- bench:${id} -->\n\n${sections.get(id)!.trim()}\n\n<!-- /bench:${id} -->`)
  .join('\n\n')
await mkdir(dirname(DOC), { recursive: true })
// Formatted as `npm test` checks it (Prettier aligns the tables).
const options = { ...(await resolveConfig(DOC)), filepath: DOC }
await writeFile(DOC, await format(`${HEADER}\n${body}\n`, options))
console.log(`\nWrote ${DOC}`)

if (missed.length > 0) {
  console.log(`\nGoals missed:\n${missed.map((line) => `  - ${line}`).join('\n')}`)
  if (strict) process.exit(1)
}

async function readSections(): Promise<Map<string, string>> {
  const text = await readFile(DOC, 'utf8').catch(() => '')
  const found = new Map<string, string>()
  for (const match of text.matchAll(
    /<!-- bench:([\w-]+) -->\s*\n([\s\S]*?)\n\s*<!-- \/bench:\1 -->/g,
  )) {
    found.set(match[1]!, match[2]!.trim())
  }
  return found
}
