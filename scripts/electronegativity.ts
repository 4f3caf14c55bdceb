import { execFile } from 'node:child_process'
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

// `npm run lint:security`: Electronegativity over the app's sources. It exits 0 even when it finds
// something, so this script reads what it wrote: the SARIF report is the list of findings. SARIF
// carries no severity (its CSV output does, but the tool writes the CSV header and rows racily), so
// each finding's severity comes from the same run's result, through the tool's documented
// programmatic entry point. Any finding of MEDIUM or higher fails, unless
// build/electronegativity-allow.json names its check and file with a reason. An allow entry that
// no longer matches anything fails too, so the list cannot go stale.
//
// Offline it first spends ~10 s failing to fetch Electron's release list; the checks then run
// against the installed Electron version.

const ROOT = resolve(import.meta.dirname, '..')
const SOURCES = ['electron', 'renderer', 'shared']
const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const
const FAIL_AT = SEVERITIES.indexOf('MEDIUM')

/** One finding, from the SARIF with its severity from the CSV. */
export interface Finding {
  check: string
  file: string
  line: number
  severity: string
  confidence: string
  description: string
}

/** An accepted finding: its check, its file and why it is safe. */
export interface Allowance {
  check: string
  file: string
  reason: string
}

interface Sarif {
  runs: {
    results: {
      ruleId: string
      message: { text: string }
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }
      }[]
    }[]
  }[]
}

/** What the run itself says about one finding. */
export interface Rating {
  check: string
  file: string
  line: number
  severity: string
  confidence: string
}

/** Gives each SARIF result the severity the run reported for the same check, file and line. */
export function readFindings(sarif: Sarif, ratings: Rating[]): Finding[] {
  const byLocation = new Map(ratings.map((r) => [`${r.check}|${r.file}|${r.line || 1}`, r]))
  return sarif.runs.flatMap((run) =>
    run.results.map((result) => {
      const location = result.locations[0]?.physicalLocation
      const file = location?.artifactLocation.uri ?? 'N/A'
      const line = location?.region.startLine ?? 1
      // A finding that cannot be rated counts as HIGH: it is not waved through.
      const rating = byLocation.get(`${result.ruleId}|${file}|${line}`)
      return {
        check: result.ruleId,
        file,
        line,
        severity: rating?.severity ?? 'HIGH',
        confidence: rating?.confidence ?? 'UNKNOWN',
        description: result.message.text,
      }
    }),
  )
}

/** Splits findings into failures, accepted ones and notes, and finds unused allow entries. */
export function judge(findings: Finding[], allow: Allowance[]) {
  const used = new Set<Allowance>()
  const failures: Finding[] = []
  const accepted: { finding: Finding; reason: string }[] = []
  const notes: Finding[] = []
  for (const finding of findings) {
    const rank = SEVERITIES.indexOf(finding.severity as (typeof SEVERITIES)[number])
    const serious = rank === -1 || rank >= FAIL_AT
    const allowance = allow.find((a) => a.check === finding.check && a.file === finding.file)
    if (allowance) {
      used.add(allowance)
      accepted.push({ finding, reason: allowance.reason })
    } else if (serious) failures.push(finding)
    else notes.push(finding)
  }
  const unused = allow.filter((a) => !used.has(a))
  return { failures, accepted, notes, unused }
}

// Runs in a child process: the tool writes the SARIF with an un-awaited fs.writeFile, and a
// process only exits once that write is done.
const CHILD = `
  const run = require(process.env.ENGN)
  run({
    input: process.env.INPUT,
    output: process.env.SARIF,
    isSarif: true,
    isRelative: true,
    isVerbose: false,
    customScan: [],
    excludeFromScan: [],
    parserPlugins: [],
    electronVersionOverride: process.env.ELECTRON_VERSION,
  }).then((result) => {
    const ratings = result.issues.map((issue) => ({
      check: issue.id,
      file: issue.file,
      line: issue.location.line,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
    }))
    require('node:fs').writeFileSync(process.env.RATINGS, JSON.stringify(ratings))
  })
`

async function scan(input: string, sarif: string, ratings: string, electronVersion: string) {
  await promisify(execFile)(process.execPath, ['--input-type=commonjs', '-e', CHILD], {
    env: {
      ...process.env,
      ENGN: createRequire(import.meta.url).resolve('@doyensec/electronegativity'),
      INPUT: input,
      SARIF: sarif,
      RATINGS: ratings,
      ELECTRON_VERSION: electronVersion,
    },
    maxBuffer: 16 * 1024 * 1024,
  })
}

async function main(): Promise<number> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>
  }
  const electronVersion = (
    JSON.parse(await readFile(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string
    }
  ).version
  const allow = (
    JSON.parse(await readFile(join(ROOT, 'build/electronegativity-allow.json'), 'utf8')) as {
      allow: Allowance[]
    }
  ).allow
  for (const entry of allow) {
    if (!entry.reason?.trim())
      throw new Error(`allow entry ${entry.check} ${entry.file} has no reason`)
  }

  // The shipped sources only: tests are not part of the app and may hold deliberately bad
  // fixtures. A copy keeps the report's paths relative to the repository.
  const work = await mkdtemp(join(tmpdir(), 'elb-electronegativity-'))
  try {
    const input = join(work, 'src')
    for (const folder of SOURCES) {
      await cp(join(ROOT, folder), join(input, folder), {
        recursive: true,
        filter: (source) => !/\.(test|spec)\.[cm]?[jt]sx?$/.test(source),
      })
    }
    const sarifPath = join(work, 'electronegativity.sarif')
    const ratingsPath = join(work, 'ratings.json')
    console.log(
      `Electronegativity ${pkg.devDependencies['@doyensec/electronegativity']} over ${SOURCES.join(', ')} (Electron ${electronVersion})…`,
    )
    await scan(input, sarifPath, ratingsPath, electronVersion)
    const findings = readFindings(
      JSON.parse(await readFile(sarifPath, 'utf8')) as Sarif,
      JSON.parse(await readFile(ratingsPath, 'utf8')) as Rating[],
    )
    const { failures, accepted, notes, unused } = judge(findings, allow)
    const where = (f: Finding) => `${f.file}:${f.line}`
    for (const { finding, reason } of accepted) {
      console.log(`  accepted ${finding.check} ${finding.severity} ${where(finding)}: ${reason}`)
    }
    for (const finding of notes) {
      console.log(`  note     ${finding.check} ${finding.severity} ${where(finding)}`)
    }
    for (const finding of failures) {
      console.error(
        `  FAIL     ${finding.check} ${finding.severity}/${finding.confidence} ${where(finding)}: ${finding.description}`,
      )
    }
    for (const entry of unused) {
      console.error(`  FAIL     allow entry matches nothing: ${entry.check} ${entry.file}`)
    }
    const failed = failures.length + unused.length
    console.log(
      `Electronegativity: ${findings.length} findings, ${accepted.length} accepted, ${notes.length} below MEDIUM, ${failed} failing`,
    )
    return failed === 0 ? 0 : 1
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exitCode = await main()
}
