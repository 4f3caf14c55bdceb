import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'

// `tsx scripts/check-electron-e2e.ts <Playwright JSON report>`: fails when e2e/electron.spec.ts
// did not run for real. CI runs it on hosted runners, which download the Electron binary, so
// there the spec's "binary is absent" skip means something is broken, not missing.

const SPEC = 'electron.spec.ts'

interface ReportSpec {
  title: string
  file: string
  tests: { status: 'expected' | 'unexpected' | 'flaky' | 'skipped' }[]
}
interface ReportSuite {
  file?: string
  specs?: ReportSpec[]
  suites?: ReportSuite[]
}
/** The part of Playwright's JSON reporter output this check reads. */
export interface PlaywrightReport {
  suites: ReportSuite[]
}

/** What happened to the Electron spec's tests: problems, one line each, and how many ran. */
export function electronSpecOutcome(report: PlaywrightReport): { ran: number; problems: string[] } {
  const specs: ReportSpec[] = []
  const visit = (suite: ReportSuite) => {
    for (const spec of suite.specs ?? []) if (spec.file.endsWith(SPEC)) specs.push(spec)
    for (const child of suite.suites ?? []) visit(child)
  }
  for (const suite of report.suites) visit(suite)
  if (specs.length === 0) return { ran: 0, problems: [`no test of e2e/${SPEC} is in the report`] }
  const problems: string[] = []
  let ran = 0
  for (const spec of specs) {
    for (const test of spec.tests) {
      if (test.status === 'skipped') problems.push(`"${spec.title}" skipped`)
      else if (test.status === 'unexpected') problems.push(`"${spec.title}" failed`)
      else ran++
    }
  }
  return { ran, problems }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const path = process.argv[2]
  if (!path) {
    console.error('usage: tsx scripts/check-electron-e2e.ts <Playwright JSON report>')
    process.exit(2)
  }
  const report = JSON.parse(await readFile(path, 'utf8')) as PlaywrightReport
  const { ran, problems } = electronSpecOutcome(report)
  if (problems.length > 0) {
    console.error(
      `e2e/${SPEC} must run on this runner, which has the Electron binary:\n${problems.map((line) => `  - ${line}`).join('\n')}`,
    )
    process.exit(1)
  }
  console.log(`e2e/${SPEC}: ${ran} test(s) ran in Electron.`)
}
