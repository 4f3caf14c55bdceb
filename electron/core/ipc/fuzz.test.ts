import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { isInside } from '../fs/inside'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InvokeChannel } from '../../../shared/ipc/contract'
import { startHarness, stubProcessEnv, type Harness } from '../testing/app-harness'

let harness: Harness
let restoreEnv: () => void

beforeAll(async () => {
  harness = await startHarness({
    settings: { connection: { kind: 'aws', profile: null, region: 'us-east-1' } },
  })
  restoreEnv = stubProcessEnv(harness.env)
})
afterAll(async () => {
  restoreEnv()
  await harness.close()
})

/** A malformed request and the field the error must name. */
interface Case {
  channel: InvokeChannel
  request: unknown
  field: string
}

const notAnObject = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.string(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
)
const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.object({ maxDepth: 1 }),
)

const badRegistryId = fc.oneof(
  fc.stringMatching(/^[0-9]{0,11}$/),
  fc.stringMatching(/^[0-9]{13,20}$/),
  fc.stringMatching(/^[0-9]{5}[a-zA-Z -][0-9]{6}$/),
  notAString,
)
const badRepositoryName = fc.oneof(
  fc.stringMatching(/^[a-z0-9]$/),
  fc.stringMatching(/^[a-z]{1,6}[A-Z][a-z]{0,6}$/),
  fc.stringMatching(/^[a-z]{1,6} [a-z]{1,6}$/),
  fc.stringMatching(/^\/[a-z]{2,8}$/),
  fc.stringMatching(/^[a-z]{2,8}(\/\/|--|__|\.\.)[a-z]{2,8}$/),
  fc.stringMatching(/^[a-z]{2,8}[/._-]$/),
  fc.constant('a'.repeat(257)),
  notAString,
)
const badMaxResults = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 1001 }),
  fc.double({ min: 1.01, max: 999.99, noNaN: true }).filter((n) => !Number.isInteger(n)),
  fc.constant(Number.NaN),
  fc.stringMatching(/^[0-9]{1,3}$/),
)
const badNextToken = fc.oneof(fc.constant(''), fc.integer(), fc.constant(null))
const badRegion = fc.oneof(
  fc.stringMatching(/^[A-Z]{2}-[A-Z]+-[0-9]$/),
  fc.stringMatching(/^[a-z]{2,10}$/),
  fc.stringMatching(/^[a-z]{2}-[a-z]+-[0-9]{3,4}$/),
  notAString,
)
const badProfile = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[a-z]{1,5} [a-z]{1,5}$/),
  fc.stringMatching(/^\[[a-z]{1,5}\]$/),
  fc.constant('p'.repeat(129)),
  fc.integer(),
)
const badUrl = fc.oneof(
  fc.webUrl().map((url) => url.replace(/^https?:/, 'http:')),
  fc.stringMatching(/^[a-z]{1,10}$/),
  fc.webUrl().map((url) => url.replace(/^https?:/, 'file:')),
  notAString,
)
const unknownKey = fc
  .stringMatching(/^[a-zA-Z]{1,12}$/)
  .filter(
    (key) =>
      ![
        'registryId',
        'nextToken',
        'maxResults',
        'repositoryName',
        'kind',
        'profile',
        'region',
        'repositorySort',
        'url',
      ].includes(key) && !(key in Object.prototype),
  )

const emptyChannels: InvokeChannel[] = [
  'connection:get',
  'connection:list-profiles',
  'connection:identity',
  'connection:caller-identity',
  'settings:get',
]

const field = <T>(channel: InvokeChannel, name: string, bad: fc.Arbitrary<T>, base = {}) =>
  bad.map((value): Case => ({ channel, request: { ...base, [name]: value }, field: name }))

const cases: fc.Arbitrary<Case> = fc.oneof(
  // Any channel: a request that is not an object at all.
  fc
    .tuple(fc.constantFrom<InvokeChannel>(...emptyChannels, 'ecr:list-repositories'), notAnObject)
    .map(([channel, request]): Case => ({ channel, request, field: 'request' })),
  // Any channel: a field the contract does not know.
  fc
    .tuple(
      fc.constantFrom<InvokeChannel>(...emptyChannels, 'ecr:list-repositories', 'settings:update'),
      unknownKey,
      fc.jsonValue(),
    )
    .map(([channel, key, value]): Case => ({ channel, request: { [key]: value }, field: key })),
  field('ecr:list-repositories', 'registryId', badRegistryId),
  field('ecr:list-repositories', 'maxResults', badMaxResults),
  field('ecr:list-repositories', 'nextToken', badNextToken),
  field('ecr:describe-repository', 'repositoryName', badRepositoryName),
  field('ecr:describe-repository', 'registryId', badRegistryId, { repositoryName: 'demo/api' }),
  field('connection:set', 'region', badRegion, { kind: 'aws', profile: null }),
  field('connection:set', 'profile', badProfile, { kind: 'aws', region: 'eu-west-1' }),
  field(
    'connection:set',
    'kind',
    fc.stringMatching(/^[a-z]{1,8}$/).filter((k) => k !== 'aws' && k !== 'demo'),
  ),
  field(
    'settings:update',
    'repositorySort',
    fc.string().filter((s) => s !== 'name' && s !== 'created'),
  ),
  field('dialogs:open-external', 'url', badUrl),
)

describe('schema validation at the IPC boundary', () => {
  it('answers InvalidParameter naming the field for 1,500 malformed requests, with no AWS call', async () => {
    let checked = 0
    await fc.assert(
      fc.asyncProperty(cases, async ({ channel, request, field }) => {
        const result = await harness.app.dispatch(channel, request)
        expect(result.ok).toBe(false)
        if (result.ok) return
        expect(result.error.code).toBe('InvalidParameter')
        expect(result.error.field).toBe(field)
        expect(result.error.message.length).toBeGreaterThan(0)
        checked++
      }),
      { numRuns: 1500 },
    )
    expect(checked).toBe(1500)
    expect(harness.registry.requestCount()).toBe(0)

    // The same setup does reach the registry for a well-formed request, so the zero above counts.
    const valid = await harness.app.dispatch('ecr:list-repositories', { maxResults: 5 })
    expect(valid.ok).toBe(true)
    expect(harness.registry.requestCount('DescribeRepositories')).toBe(1)
  })

  it('answers InvalidParameter for a channel outside the contract', async () => {
    const result = await harness.app.dispatch('shell:exec', { command: 'rm -rf /' })
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'InvalidParameter',
        field: 'channel',
        message: 'unknown channel "shell:exec"',
      },
    })
  })
})

describe('schema-valid but broad paths', () => {
  const segment = fc.oneof(
    fc.stringMatching(/^[a-zA-Z0-9._-]{1,12}$/),
    fc.constantFrom('..', '.', 'etc', 'shadow', 'passwd', '.ssh', 'id_rsa', 'downloads'),
  )
  // Absolute paths anywhere, and paths that climb out of the download folder with `..`.
  const broadPath = fc
    .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 }))
    .map(([fromDownloads, parts]) =>
      fromDownloads
        ? [join(harness.dataDir, 'downloads'), '..', ...parts].join('/')
        : `/${parts.join('/')}`,
    )
    .filter((path) => {
      return !isInside(join(harness.dataDir, 'downloads'), resolve(path))
    })
  const digest = `sha256:${'a'.repeat(64)}`

  it('answers PathNotChosen for 300 paths outside the download folder on every path channel, touching nothing', async () => {
    let checked = 0
    const urls = harness.registry.requestCount('GetDownloadUrlForLayer')
    await fc.assert(
      fc.asyncProperty(broadPath, async (path) => {
        const existed = existsSync(path)
        const requests: [InvokeChannel, unknown, string][] = [
          ['downloads:verify-file', { operationId: 'fuzz-path-1', path, digest }, 'path'],
          [
            'contents:index-file',
            { operationId: 'fuzz-path-2', path, mediaType: 'application/x-tar' },
            'path',
          ],
          ['dialogs:show-in-folder', { path }, 'path'],
          [
            'downloads:start',
            {
              operationId: 'fuzz-path-3',
              repositoryName: 'demo/web-app',
              digest,
              mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
              size: null,
              directory: path,
            },
            'directory',
          ],
          ['settings:update', { downloadDir: path }, 'downloadDir'],
          [
            'export:save-image',
            {
              operationId: 'fuzz-path-4',
              repositoryName: 'demo/web-app',
              imageTag: 'latest',
              format: 'oci-tar',
              target: path,
            },
            'target',
          ],
          ['export:verify-layout', { path }, 'path'],
          [
            'findings:export',
            {
              repositoryName: 'demo/scanned',
              imageDigest: `sha256:${'0'.repeat(64)}`,
              format: 'csv',
              path,
            },
            'path',
          ],
        ]
        for (const [channel, request, field] of requests) {
          const result = await harness.app.dispatch(channel, request)
          expect(result.ok, `${channel} ${path}`).toBe(false)
          if (result.ok) return
          expect(result.error.code, `${channel} ${path}`).toBe('PathNotChosen')
          expect(result.error.field).toBe(field)
          expect(result.error.message).toContain('download folder')
        }
        expect(existsSync(path)).toBe(existed)
        checked++
      }),
      { numRuns: 300 },
    )
    expect(checked).toBe(300)
    expect(harness.registry.requestCount('GetDownloadUrlForLayer')).toBe(urls)
    expect(harness.platform.shown).toEqual([])
    const settings = await harness.app.dispatch('settings:get', {})
    expect(settings).toMatchObject({ ok: true, value: { downloadDir: null } })
  })
})
