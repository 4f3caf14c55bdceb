import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

// One Node for everything: .node-version pins it (CI's setup-node and .ci/run read it), engines
// names the lowest that works, and scripts/require-node.mjs says what to install otherwise.

const ROOT = resolve(import.meta.dirname, '..')

interface RequireNode {
  minimumOf: (range: string) => [number, number, number]
  satisfies: (version: string, minimum: [number, number, number]) => boolean
  problem: (version: string, range: string, pinned: string) => string | null
}
const requireNode = async () =>
  (await import(pathToFileURL(join(ROOT, 'scripts/require-node.mjs')).href)) as RequireNode

describe('scripts/require-node.mjs', () => {
  it('compares versions against an engines range', async () => {
    const { minimumOf, satisfies } = await requireNode()
    expect(minimumOf('>=22.15')).toEqual([22, 15, 0])
    expect(minimumOf('>= 22.15.1')).toEqual([22, 15, 1])
    expect(() => minimumOf('^22')).toThrow(/must be ">=X.Y.Z"/)
    expect(satisfies('22.15.0', [22, 15, 0])).toBe(true)
    expect(satisfies('22.23.5', [22, 15, 0])).toBe(true)
    expect(satisfies('24.0.0', [22, 15, 0])).toBe(true)
    expect(satisfies('22.14.9', [22, 15, 0])).toBe(false)
    expect(satisfies('20.20.2', [22, 15, 0])).toBe(false)
  })

  it('tells someone on Node 20 what to install, and says nothing on Node 22', async () => {
    const { problem } = await requireNode()
    const message = problem('20.20.2', '>=22.15', '22.23.5')
    expect(message).toMatch(/needs Node 22\.15\.0 or newer/)
    expect(message).toMatch(/this is Node 20\.20\.2/)
    expect(message).toMatch(/Install Node 22\.23\.5/)
    expect(message).toMatch(/\.ci\/run/)
    expect(problem('22.23.5', '>=22.15', '22.23.5')).toBeNull()
  })
})

describe('the pinned Node', () => {
  it('is a Node 22 that package.json engines allows', async () => {
    const pinned = (await readFile(join(ROOT, '.node-version'), 'utf8')).trim()
    expect(pinned).toMatch(/^22\.\d+\.\d+$/)
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string }
    }
    const { minimumOf, satisfies } = await requireNode()
    expect(satisfies(pinned, minimumOf(pkg.engines.node))).toBe(true)
  })

  it('is what .ci/run installs when the machine has an older one', async () => {
    const script = await readFile(join(ROOT, '.ci/run'), 'utf8')
    expect(script).toContain('want="$(cat .node-version)"')
    expect(script).toContain('"$pkg@$want"')
    expect(script).toMatch(/export PATH="\$tools\/node_modules\/\$pkg\/bin:\$PATH"/)
    // ...before anything runs on it.
    expect(script.indexOf('export PATH="$tools')).toBeLessThan(script.indexOf('npm ci --no-audit'))
  })
})
