import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser'
import { load } from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { electronSpecOutcome, type PlaywrightReport } from './check-electron-e2e'

// The GitHub workflows cannot run here (no hosted runners), so they are checked with GitHub's own
// workflow parser (@actions/workflow-parser, the one the Actions language services use) against
// the workflow schema, then for what the README promises they do.

const ROOT = resolve(import.meta.dirname, '..')

interface Parsed {
  errors: string[]
  template: WorkflowTemplate
  /** The file as plain YAML, for what the parser's model leaves out (`with:`). */
  raw: {
    jobs: Record<
      string,
      {
        steps: { uses?: string; run?: string; name?: string; with?: Record<string, unknown> }[]
        permissions?: Record<string, string>
      }
    >
    permissions?: Record<string, string>
  }
}

async function parse(name: string, content?: string): Promise<Parsed> {
  const text = content ?? (await readFile(join(ROOT, '.github/workflows', name), 'utf8'))
  const result = parseWorkflow({ name, content: text }, new NoOperationTraceWriter())
  const errors = result.context.errors.getErrors().map((error) => error.message)
  const template = await convertWorkflowTemplate(result.context, result.value!)
  return { errors, template, raw: load(text) as Parsed['raw'] }
}

/**
 * A template token's plain value: a literal, a sequence, a mapping or an expression's text. Tokens
 * serialise to { type, map: [{ Key, Value }] | seq | expr } or to their literal.
 */
function plain(token: unknown): unknown {
  return fromJson(JSON.parse(JSON.stringify(token ?? null)))
}
function fromJson(json: unknown): unknown {
  if (json === null || typeof json !== 'object') return json
  const t = json as { seq?: unknown[]; map?: { Key: unknown; Value: unknown }[]; expr?: string }
  if (t.seq) return t.seq.map(fromJson)
  if (t.map)
    return Object.fromEntries(t.map.map(({ Key, Value }) => [fromJson(Key), fromJson(Value)]))
  if (t.expr !== undefined) return `\${{ ${t.expr} }}`
  return json
}

type Step = { name?: string; uses?: string; run?: unknown; if?: unknown }
function steps(template: WorkflowTemplate, job: string): Step[] {
  const found = template.jobs.find((j) => plain(j.id) === job) as { steps?: Step[] } | undefined
  expect(found, `job ${job}`).toBeDefined()
  return found!.steps ?? []
}
/** A step's script: its text, or a format() expression's. */
const script = (step: Step | undefined) => {
  const value = plain(step?.run)
  return typeof value === 'string' ? value : ''
}
const runs = (list: Step[]) => list.map(script).join('\n')

describe('the workflow parser', () => {
  it('rejects what GitHub would reject, so a clean parse means something', async () => {
    const bad = await parse(
      'bad.yml',
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz:\n      - run: echo\n',
    )
    expect(bad.errors.join('\n')).toMatch(/Unexpected value 'stepz'/)
  })
})

describe('.github/workflows/ci.yml', () => {
  it('is a valid workflow', async () => {
    expect((await parse('ci.yml')).errors).toEqual([])
  })

  it('runs npm ci then npm test on Linux, macOS and Windows, with the pinned Node', async () => {
    const { template, raw } = await parse('ci.yml')
    expect(Object.keys(template.events).sort()).toEqual(['pull_request', 'push'])
    const job = template.jobs.find((j) => plain(j.id) === 'test') as unknown as {
      strategy: unknown
      'runs-on': unknown
    }
    expect(plain(job.strategy)).toMatchObject({
      'fail-fast': false,
      matrix: { os: ['ubuntu-latest', 'macos-latest', 'windows-latest'] },
    })
    expect(plain(job['runs-on'])).toBe('${{ matrix.os }}')
    const setupNode = raw.jobs.test!.steps.find((step) =>
      step.uses?.startsWith('actions/setup-node'),
    )
    expect(setupNode?.with?.['node-version-file']).toBe('.node-version')
    const script = runs(steps(template, 'test'))
    expect(script.indexOf('npm ci')).toBeGreaterThanOrEqual(0)
    expect(script.indexOf('npm ci')).toBeLessThan(script.indexOf('npm test'))
    expect(raw.permissions).toEqual({ contents: 'read' })
  })

  it('runs the Electron e2e under xvfb on Linux and fails the job when it skipped', async () => {
    const { template } = await parse('ci.yml')
    const list = steps(template, 'test')
    const linux = list.find((step) => script(step).includes('xvfb-run'))
    expect(plain(linux?.run)).toBe('xvfb-run --auto-servernum npm test')
    expect(plain(linux?.if)).toMatch(/runner\.os == 'Linux'/)
    // Nothing downloads the binary away: npm ci runs without ELECTRON_SKIP_BINARY_DOWNLOAD.
    expect(JSON.stringify(template)).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD')
    const check = list.find((step) => script(step).includes('check-electron-e2e'))
    expect(check, 'the step that fails on a skipped Electron spec').toBeDefined()
    expect(plain(check!.if)).toBe('${{ !cancelled() }}')
    const job = template.jobs.find((j) => plain(j.id) === 'test') as unknown as { env: unknown }
    expect((plain(job.env) as Record<string, string>).ELB_E2E_REPORT).toMatch(/\.json$/)
    const config = await readFile(join(ROOT, 'playwright.config.ts'), 'utf8')
    expect(config).toMatch(/\['json', \{ outputFile: process\.env\.ELB_E2E_REPORT \}\]/)
  })
})

describe('.github/workflows/release.yml', () => {
  it('is a valid workflow, run on version tags', async () => {
    const { errors, template } = await parse('release.yml')
    expect(errors).toEqual([])
    expect(template.events).toEqual({ push: { tags: ['v*'] } })
  })

  it('builds dmg+zip (x64, arm64), nsis and AppImage+deb with electron-builder on each OS', async () => {
    const { template, raw } = await parse('release.yml')
    const setupNode = raw.jobs.build!.steps.find((step) =>
      step.uses?.startsWith('actions/setup-node'),
    )
    expect(setupNode?.with?.['node-version-file']).toBe('.node-version')
    const build = template.jobs.find((j) => plain(j.id) === 'build') as unknown as {
      strategy: unknown
    }
    const matrix = plain(build.strategy) as {
      matrix: { include: { os: string; targets: string }[] }
    }
    expect(
      Object.fromEntries(matrix.matrix.include.map(({ os, targets }) => [os, targets])),
    ).toEqual({
      'macos-latest': '--mac dmg zip --x64 --arm64',
      'windows-latest': '--win nsis --x64',
      'ubuntu-latest': '--linux AppImage deb --x64',
    })
    // The parser turns `${{ }}` inside a string into a format() expression.
    expect(runs(steps(template, 'build'))).toContain(
      "format('npx electron-builder {0} --publish never', matrix.targets)",
    )
  })

  it('signs and notarizes only when the secrets exist, and says so in the log when not', async () => {
    const { template } = await parse('release.yml')
    const list = steps(template, 'build')
    const builder = list.find((step) => plain(step.name) === 'electron-builder') as unknown as {
      env: unknown
    }
    expect(Object.keys(plain(builder.env) as object).sort()).toEqual([
      'APPLE_APP_SPECIFIC_PASSWORD',
      'APPLE_ID',
      'APPLE_TEAM_ID',
      'CSC_KEY_PASSWORD',
      'CSC_LINK',
    ])
    for (const [name, value] of Object.entries(plain(builder.env) as Record<string, string>)) {
      expect(value).toBe(`\${{ secrets.${name} }}`)
    }
    const signing = String(
      plain(list.find((step) => plain(step.name) === 'Signing and notarization')?.run),
    )
    expect(signing).toMatch(/::warning::Code signing: off/)
    expect(signing).toMatch(/CSC_IDENTITY_AUTO_DISCOVERY=false/)
    expect(signing).toMatch(/::warning::Notarization: off/)
  })

  it('uploads the installers with SHA-256 checksums to a draft release', async () => {
    const { template, raw } = await parse('release.yml')
    expect(runs(steps(template, 'build'))).toContain('scripts/checksums.ts')
    const publish = runs(steps(template, 'draft-release'))
    expect(publish).toMatch(/gh release create "\$GITHUB_REF_NAME" --draft/)
    expect(publish).toContain('SHA256SUMS.txt')
    // Only the job that creates the release may write to the repository.
    expect(raw.permissions).toEqual({ contents: 'read' })
    expect(raw.jobs['draft-release']!.permissions).toEqual({ contents: 'write' })
    const upload = raw.jobs.build!.steps.find((step) => step.uses?.startsWith('actions/upload'))
    const paths = String(upload?.with?.path)
    for (const ext of ['dmg', 'zip', 'exe', 'AppImage', 'deb', 'blockmap']) {
      expect(paths).toContain(`*.${ext}`)
    }
    // electron-updater reads these feeds from the release.
    expect(paths).toContain('latest*.yml')
  })
})

describe('check-electron-e2e', () => {
  const report = (...statuses: ('expected' | 'skipped' | 'unexpected')[]): PlaywrightReport => ({
    suites: [
      {
        file: 'repositories.spec.ts',
        specs: [{ title: 'lists', file: 'repositories.spec.ts', tests: [{ status: 'skipped' }] }],
      },
      {
        file: 'electron.spec.ts',
        specs: statuses.map((status, i) => ({
          title: `test ${i}`,
          file: 'electron.spec.ts',
          tests: [{ status }],
        })),
      },
    ],
  })

  it('passes when every test of the Electron spec ran', () => {
    expect(electronSpecOutcome(report('expected', 'expected'))).toEqual({ ran: 2, problems: [] })
  })

  it('fails when one skipped or failed, or none is in the report', () => {
    expect(electronSpecOutcome(report('expected', 'skipped')).problems).toEqual([
      '"test 1" skipped',
    ])
    expect(electronSpecOutcome(report('unexpected')).problems).toEqual(['"test 0" failed'])
    expect(electronSpecOutcome({ suites: [] }).problems).toEqual([
      'no test of e2e/electron.spec.ts is in the report',
    ])
  })
})
