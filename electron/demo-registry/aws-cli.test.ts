import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { access, constants, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DemoRegistry, SAMPLE_REPOSITORIES as REPOS, SAMPLE_TAGS as TAGS } from './server'

// botocore signs independently of the JS SDK, so it catches canonicalisation bugs the SDK shares.
// Debian's path; hosted CI runners keep it elsewhere and say where in ELB_AWS_CLI.
const AWS_CLI = process.env.ELB_AWS_CLI || '/usr/bin/aws'
// The CLI needs 1-2 s just to start, and the full listing makes 25 round trips.
const CLI_TIMEOUT_MS = 90_000

interface CliResult {
  code: number
  stdout: string
  stderr: string
}

describe('AWS CLI v2 against the demo registry', () => {
  const registry = new DemoRegistry({ repositoryCount: 2500 })
  let endpoint: string
  let home: string

  beforeAll(async () => {
    ;({ endpoint } = await registry.start())
    home = await mkdtemp(join(tmpdir(), 'demo-registry-cli-'))
  })
  afterAll(async () => {
    await registry.stop()
    await rm(home, { recursive: true, force: true })
  })

  async function aws(args: string[]): Promise<CliResult> {
    await access(AWS_CLI, constants.X_OK).catch(() => {
      throw new Error(
        `AWS CLI v2 not found at ${AWS_CLI}. Install Debian's awscli package (CI installs it); these wire checks must not be skipped.`,
      )
    })
    // A clean environment: no profile, config file or metadata lookup can change what is signed.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      LANG: 'C.UTF-8',
      AWS_ACCESS_KEY_ID: registry.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: registry.credentials.secretAccessKey,
      AWS_REGION: registry.region,
      AWS_DEFAULT_REGION: registry.region,
      AWS_CONFIG_FILE: join(home, 'missing-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'missing-credentials'),
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    }
    return new Promise((resolve) => {
      execFile(
        AWS_CLI,
        [...args, '--endpoint-url', endpoint],
        { env, maxBuffer: 64 * 1024 * 1024, timeout: CLI_TIMEOUT_MS },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
          resolve({ code, stdout, stderr })
        },
      )
    })
  }

  it(
    'lists all 2,500 repositories through its own paginator, each name exactly once',
    async () => {
      registry.clearRequestLog()
      const result = await aws(['ecr', 'describe-repositories', '--output', 'json'])
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)

      const names = (
        JSON.parse(result.stdout) as { repositories: { repositoryName: string }[] }
      ).repositories.map((r) => r.repositoryName)
      expect(names).toHaveLength(2500)
      expect(new Set(names).size).toBe(2500)
      expect([...names].sort()).toEqual([...registry.repositoryNames()].sort())
      expect(registry.requestCount('DescribeRepositories')).toBeGreaterThanOrEqual(3)
      expect(registry.requestLog().every((e) => e.status === 200)).toBe(true)
    },
    CLI_TIMEOUT_MS,
  )

  it(
    'sends maxResults from --page-size and needs exactly 3 pages of 1000',
    async () => {
      registry.clearRequestLog()
      const result = await aws([
        'ecr',
        'describe-repositories',
        '--page-size',
        '1000',
        '--output',
        'json',
      ])
      expect(result.code).toBe(0)
      const listed = JSON.parse(result.stdout) as { repositories: unknown[] }
      expect(listed.repositories).toHaveLength(2500)
      expect(registry.requestCount('DescribeRepositories')).toBe(3)
    },
    CLI_TIMEOUT_MS,
  )

  it(
    'exits non-zero and prints RepositoryNotFoundException for a missing repository',
    async () => {
      const result = await aws(['ecr', 'describe-repositories', '--repository-names', 'missing'])
      expect(result.code).not.toBe(0)
      expect(result.stderr).toContain(
        `An error occurred (RepositoryNotFoundException) when calling the DescribeRepositories operation: The repository with name 'missing' does not exist in the registry with id '${registry.accountId}'`,
      )
    },
    CLI_TIMEOUT_MS,
  )

  it(
    'describes the registry',
    async () => {
      const result = await aws(['ecr', 'describe-registry', '--output', 'json'])
      expect(result.code).toBe(0)
      expect(JSON.parse(result.stdout)).toEqual({
        registryId: registry.accountId,
        replicationConfiguration: { rules: [] },
      })
    },
    CLI_TIMEOUT_MS,
  )

  it(
    'answers sts get-caller-identity signed by botocore',
    async () => {
      const result = await aws(['sts', 'get-caller-identity', '--output', 'json'])
      expect(result.code).toBe(0)
      expect(JSON.parse(result.stdout)).toMatchObject({
        Account: registry.accountId,
        Arn: `arn:aws:iam::${registry.accountId}:user/demo`,
      })
    },
    CLI_TIMEOUT_MS,
  )

  it(
    'pages describe-images over demo/scale-50k in 50 calls of 1000',
    async () => {
      registry.clearRequestLog()
      // --query keeps the CLI from printing 50,000 entries; it still parses every page.
      const result = await aws([
        'ecr',
        'describe-images',
        '--repository-name',
        REPOS.scale,
        '--page-size',
        '1000',
        '--query',
        'length(imageDetails)',
        '--output',
        'json',
      ])
      expect(result.stderr).toBe('')
      expect(JSON.parse(result.stdout)).toBe(50_000)
      expect(registry.requestCount('DescribeImages')).toBe(50)
    },
    CLI_TIMEOUT_MS,
  )

  it(
    'gets the exact stored manifest with batch-get-image by tag, and a failure for a missing tag',
    async () => {
      const result = await aws([
        'ecr',
        'batch-get-image',
        '--repository-name',
        REPOS.webApp,
        '--image-ids',
        `imageTag=${TAGS.webApp.latest}`,
        'imageTag=missing',
        '--output',
        'json',
      ])
      expect(result.code).toBe(0)
      const out = JSON.parse(result.stdout) as {
        images: { imageManifest: string; imageId: { imageDigest: string } }[]
        failures: { failureCode: string; imageId: { imageTag: string } }[]
      }
      const { current } = registry.samples().webApp
      expect(out.images).toHaveLength(1)
      expect(out.images[0]?.imageManifest).toBe(current.imageManifest)
      expect(out.images[0]?.imageId.imageDigest).toBe(current.imageDigest)
      expect(out.failures).toEqual([
        {
          imageId: { imageTag: 'missing' },
          failureCode: 'ImageNotFound',
          failureReason: 'Requested image not found',
        },
      ])
    },
    CLI_TIMEOUT_MS,
  )

  it(
    'gets a download URL whose blob hashes to the layer digest',
    async () => {
      const layer = registry.samples().webApp.current.layers[1]
      const result = await aws([
        'ecr',
        'get-download-url-for-layer',
        '--repository-name',
        REPOS.webApp,
        '--layer-digest',
        layer?.digest ?? '',
        '--output',
        'json',
      ])
      expect(result.code).toBe(0)
      const out = JSON.parse(result.stdout) as { downloadUrl: string; layerDigest: string }
      expect(out.layerDigest).toBe(layer?.digest)
      const body = Buffer.from(await (await fetch(out.downloadUrl)).arrayBuffer())
      expect(body.length).toBe(layer?.size)
      expect(`sha256:${createHash('sha256').update(body).digest('hex')}`).toBe(layer?.digest)
    },
    CLI_TIMEOUT_MS,
  )

  it(
    'prints LayersNotFoundException for a layer the repository does not have',
    async () => {
      const digest = `sha256:${'0'.repeat(64)}`
      const result = await aws([
        'ecr',
        'get-download-url-for-layer',
        '--repository-name',
        REPOS.webApp,
        '--layer-digest',
        digest,
      ])
      expect(result.code).not.toBe(0)
      expect(result.stderr).toContain(
        `An error occurred (LayersNotFoundException) when calling the GetDownloadUrlForLayer operation: The layer with digest '${digest}'`,
      )
    },
    CLI_TIMEOUT_MS,
  )

  it(
    'lists untagged images and checks layer availability, including ARCHIVED',
    async () => {
      const listed = await aws([
        'ecr',
        'list-images',
        '--repository-name',
        REPOS.untagged,
        '--filter',
        'tagStatus=UNTAGGED',
        '--output',
        'json',
      ])
      expect(listed.code).toBe(0)
      const ids = (JSON.parse(listed.stdout) as { imageIds: { imageTag?: string }[] }).imageIds
      expect(ids).toHaveLength(3)
      expect(ids.every((id) => id.imageTag === undefined)).toBe(true)

      const { archivedLayerDigest } = registry.samples().webApp
      const checked = await aws([
        'ecr',
        'batch-check-layer-availability',
        '--repository-name',
        REPOS.webApp,
        '--layer-digests',
        archivedLayerDigest,
        '--output',
        'json',
      ])
      expect(checked.code).toBe(0)
      expect(JSON.parse(checked.stdout)).toMatchObject({
        layers: [{ layerDigest: archivedLayerDigest, layerAvailability: 'ARCHIVED' }],
      })
    },
    CLI_TIMEOUT_MS,
  )

  // 2.9.19 predates imageStatus, ListImageReferrers and DescribeImageSigningStatus (the SDK tests
  // cover those); what it can check is that a client unaware of archive sees only ACTIVE images.
  it(
    'lists only the ACTIVE images of demo/archive to a CLI that knows no imageStatus filter',
    async () => {
      const described = await aws([
        'ecr',
        'describe-images',
        '--repository-name',
        REPOS.archive,
        '--output',
        'json',
      ])
      expect(described.stderr).toBe('')
      expect(described.code).toBe(0)
      const tags = (
        JSON.parse(described.stdout) as { imageDetails: { imageTags: string[] }[] }
      ).imageDetails.map((d) => d.imageTags[0])
      expect(tags.sort()).toEqual([TAGS.archive.current, TAGS.archive.restored].sort())
    },
    CLI_TIMEOUT_MS,
  )
})
