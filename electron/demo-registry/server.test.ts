import {
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  type Repository,
} from '@aws-sdk/client-ecr'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DemoRegistry } from './server'
import { ecrTarget, rejectionOf, signedPost } from './testing/requests'

const REGION = 'us-east-1'
const ACCOUNT = '123456789012'

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

function ecrClient(
  endpoint: string,
  credentials: Credentials,
  options: { maxAttempts?: number; region?: string } = {},
): ECRClient {
  return new ECRClient({
    endpoint,
    region: options.region ?? REGION,
    credentials,
    maxAttempts: options.maxAttempts ?? 1,
  })
}

describe('DemoRegistry with 2,500 repositories', () => {
  const registry = new DemoRegistry({ repositoryCount: 2500, faults: true })
  let endpoint: string
  let ecr: ECRClient

  beforeAll(async () => {
    ;({ endpoint } = await registry.start())
    ecr = ecrClient(endpoint, registry.credentials)
  })
  afterAll(async () => {
    ecr.destroy()
    await registry.stop()
  })
  beforeEach(() => registry.clearRequestLog())
  afterEach(() => registry.clearFaults())

  describe('DescribeRepositories', () => {
    it('pages 2,500 repositories with maxResults 1000 in exactly 3 calls, each name once', async () => {
      const names: string[] = []
      let nextToken: string | undefined
      do {
        const page = await ecr.send(
          new DescribeRepositoriesCommand({ maxResults: 1000, nextToken }),
        )
        names.push(...(page.repositories ?? []).map((r) => r.repositoryName ?? ''))
        nextToken = page.nextToken
      } while (nextToken)

      expect(registry.requestCount('DescribeRepositories')).toBe(3)
      expect(names).toHaveLength(2500)
      expect(new Set(names).size).toBe(2500)
      expect(names).toEqual(registry.repositoryNames())
    })

    it('returns 100 repositories and a nextToken when maxResults is omitted', async () => {
      const page = await ecr.send(new DescribeRepositoriesCommand({}))
      expect(page.repositories).toHaveLength(100)
      expect(page.nextToken).toEqual(expect.any(String))
      expect(page.repositories?.map((r) => r.repositoryName)).toEqual(
        registry.repositoryNames().slice(0, 100),
      )
    })

    it('omits nextToken on the last page', async () => {
      const names = registry.repositoryNames()
      const first = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 1000 }))
      const second = await ecr.send(
        new DescribeRepositoriesCommand({ maxResults: 1000, nextToken: first.nextToken }),
      )
      const last = await ecr.send(
        new DescribeRepositoriesCommand({ maxResults: 1000, nextToken: second.nextToken }),
      )
      expect(last.repositories?.map((r) => r.repositoryName)).toEqual(names.slice(2000))
      expect(last.nextToken).toBeUndefined()
    })

    it('describes only the named repositories when repositoryNames is given', async () => {
      const wanted = ['demo/web-app', 'team-03/service-0003', 'ecr-public/docker/library/alpine']
      const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: wanted }))
      expect(out.repositories?.map((r) => r.repositoryName)).toEqual(wanted)
      expect(out.nextToken).toBeUndefined()
    })

    it("answers RepositoryNotFoundException with ECR's message for an unknown name", async () => {
      const error = await rejectionOf(
        ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['demo/web-app', 'missing'] })),
      )
      expect(error.name).toBe('RepositoryNotFoundException')
      expect(error.message).toBe(
        `The repository with name 'missing' does not exist in the registry with id '${ACCOUNT}'`,
      )
      expect(error.$metadata?.httpStatusCode).toBe(400)
    })

    it("answers RepositoryNotFoundException for another account's registryId", async () => {
      const error = await rejectionOf(
        ecr.send(
          new DescribeRepositoriesCommand({
            registryId: '999999999999',
            repositoryNames: ['demo/web-app'],
          }),
        ),
      )
      expect(error.name).toBe('RepositoryNotFoundException')
      expect(error.message).toContain("registry with id '999999999999'")
    })

    it('accepts its own account as registryId', async () => {
      const out = await ecr.send(
        new DescribeRepositoriesCommand({ registryId: ACCOUNT, maxResults: 5 }),
      )
      expect(out.repositories).toHaveLength(5)
    })

    it.each([
      [0, 'greater than or equal to 1'],
      [1001, 'less than or equal to 1000'],
    ])('rejects maxResults %i with InvalidParameterException', async (maxResults, constraint) => {
      const error = await rejectionOf(ecr.send(new DescribeRepositoriesCommand({ maxResults })))
      expect(error.name).toBe('InvalidParameterException')
      expect(error.message).toBe(
        `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value ${constraint}`,
      )
    })

    it('rejects repositoryNames combined with maxResults or nextToken', async () => {
      const first = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 1 }))
      for (const paging of [{ maxResults: 10 }, { nextToken: first.nextToken }]) {
        const error = await rejectionOf(
          ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['demo/api'], ...paging })),
        )
        expect(error.name).toBe('InvalidParameterException')
        expect(error.message).toContain('repositoryNames')
      }
    })

    it('rejects more than 100 repositoryNames and names that break the pattern', async () => {
      const tooMany = registry.repositoryNames().slice(0, 101)
      const many = await rejectionOf(
        ecr.send(new DescribeRepositoriesCommand({ repositoryNames: tooMany })),
      )
      expect(many.name).toBe('InvalidParameterException')
      expect(many.message).toContain("at 'repositoryNames'")

      const bad = await rejectionOf(
        ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['Upper/Case'] })),
      )
      expect(bad.name).toBe('InvalidParameterException')
      expect(bad.message).toContain("at 'repositoryNames.1.member'")
    })

    it('rejects a nextToken it did not issue with InvalidParameterException', async () => {
      for (const nextToken of [
        'not-a-token',
        Buffer.from('{"s":"x","o":1}').toString('base64url'),
      ]) {
        const error = await rejectionOf(ecr.send(new DescribeRepositoriesCommand({ nextToken })))
        expect(error.name).toBe('InvalidParameterException')
      }
    })

    it("returns each repository in ECR's shape", async () => {
      const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['demo/api'] }))
      const repo = out.repositories?.[0] as Repository
      expect(repo).toMatchObject({
        repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/demo/api`,
        registryId: ACCOUNT,
        repositoryName: 'demo/api',
        repositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/demo/api`,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'KMS' },
      })
      expect(repo.createdAt).toBeInstanceOf(Date)
    })

    it('seeds a mix of tag mutability, scan-on-push and encryption settings', async () => {
      const out = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 1000 }))
      const repos = out.repositories ?? []
      const values = (pick: (r: Repository) => unknown) => new Set(repos.map(pick))
      expect(values((r) => r.imageTagMutability)).toEqual(new Set(['MUTABLE', 'IMMUTABLE']))
      expect(values((r) => r.imageScanningConfiguration?.scanOnPush)).toEqual(
        new Set([true, false]),
      )
      expect(values((r) => r.encryptionConfiguration?.encryptionType)).toEqual(
        new Set(['AES256', 'KMS']),
      )
    })
  })

  describe('DescribeRegistry', () => {
    it('returns the account id and an empty replication configuration', async () => {
      const out = await ecr.send(new DescribeRegistryCommand({}))
      expect(out.registryId).toBe(ACCOUNT)
      expect(out.replicationConfiguration).toEqual({ rules: [] })
    })
  })

  describe('SigV4 authentication', () => {
    it('rejects a wrong secret with InvalidSignatureException', async () => {
      const client = ecrClient(endpoint, {
        accessKeyId: registry.credentials.accessKeyId,
        secretAccessKey: 'x'.repeat(40),
      })
      const error = await rejectionOf(client.send(new DescribeRegistryCommand({})))
      expect(error.name).toBe('InvalidSignatureException')
      expect(error.message).toMatch(
        /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method/,
      )
    })

    it('rejects an unknown access key with UnrecognizedClientException', async () => {
      const client = ecrClient(endpoint, {
        accessKeyId: 'AKIAUNKNOWN000000000',
        secretAccessKey: 'x'.repeat(40),
      })
      const error = await rejectionOf(client.send(new DescribeRegistryCommand({})))
      expect(error.name).toBe('UnrecognizedClientException')
      expect(error.message).toBe('The security token included in the request is invalid.')
    })

    it('rejects an expired session with ExpiredTokenException', async () => {
      const expired = {
        accessKeyId: 'ASIAEXPIRED000000001',
        secretAccessKey: 'e'.repeat(40),
        sessionToken: 'expired-session-token',
      }
      registry.addCredentials({ ...expired, expired: true })
      const error = await rejectionOf(
        ecrClient(endpoint, expired).send(new DescribeRegistryCommand({})),
      )
      expect(error.name).toBe('ExpiredTokenException')
      expect(error.message).toBe('The security token included in the request is expired')
    })

    it('accepts a session credential only with its session token', async () => {
      const session = {
        accessKeyId: 'ASIASESSION000000001',
        secretAccessKey: 's'.repeat(40),
        sessionToken: 'the-session-token',
      }
      registry.addCredentials(session)
      const ok = await ecrClient(endpoint, session).send(new DescribeRegistryCommand({}))
      expect(ok.registryId).toBe(ACCOUNT)

      const withoutToken = {
        accessKeyId: session.accessKeyId,
        secretAccessKey: session.secretAccessKey,
      }
      const missing = await rejectionOf(
        ecrClient(endpoint, withoutToken).send(new DescribeRegistryCommand({})),
      )
      expect(missing.name).toBe('UnrecognizedClientException')

      const wrong = await rejectionOf(
        ecrClient(endpoint, { ...session, sessionToken: 'another-token' }).send(
          new DescribeRegistryCommand({}),
        ),
      )
      expect(wrong.name).toBe('UnrecognizedClientException')
    })

    it('rejects a request signed for another region', async () => {
      const client = ecrClient(endpoint, registry.credentials, { region: 'eu-west-1' })
      const error = await rejectionOf(client.send(new DescribeRegistryCommand({})))
      expect(error.name).toBe('InvalidSignatureException')
      expect(error.message).toBe('Credential should be scoped to a valid region.')
    })

    it('rejects a body altered after signing', async () => {
      const response = await signedPost({
        endpoint,
        credentials: registry.credentials,
        target: ecrTarget('DescribeRepositories'),
        body: '{"maxResults":1}',
        sentBody: '{"maxResults":2}',
      })
      expect(response.status).toBe(400)
      expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException')
    })

    it('rejects an unsigned request with MissingAuthenticationTokenException', async () => {
      const response = await fetch(`${endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': ecrTarget('DescribeRegistry'),
        },
        body: '{}',
      })
      expect(response.status).toBe(400)
      expect(await response.json()).toEqual({
        __type: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      })
    })
  })

  describe('authorization', () => {
    it('denies an action in denyActions with AccessDeniedException naming the action', async () => {
      const denied = { accessKeyId: 'AKIADENIED0000000001', secretAccessKey: 'd'.repeat(40) }
      registry.addCredentials({ ...denied, denyActions: ['ecr:DescribeRepositories'] })
      const client = ecrClient(endpoint, denied)

      const error = await rejectionOf(client.send(new DescribeRepositoriesCommand({})))
      expect(error.name).toBe('AccessDeniedException')
      expect(error.message).toBe(
        `User: arn:aws:iam::${ACCOUNT}:user/demo is not authorized to perform: ecr:DescribeRepositories on resource: arn:aws:ecr:${REGION}:${ACCOUNT}:repository/* because no identity-based policy allows the ecr:DescribeRepositories action`,
      )
      // Only the listed action is denied.
      const registryOut = await client.send(new DescribeRegistryCommand({}))
      expect(registryOut.registryId).toBe(ACCOUNT)
    })

    it('names the caller ARN and matches ecr:* wildcards', async () => {
      const role = { accessKeyId: 'ASIAROLE000000000001', secretAccessKey: 'r'.repeat(40) }
      const arn = `arn:aws:sts::${ACCOUNT}:assumed-role/ReadOnly/alice`
      registry.addCredentials({ ...role, arn, denyActions: ['ecr:*'] })
      const error = await rejectionOf(
        ecrClient(endpoint, role).send(new DescribeRegistryCommand({})),
      )
      expect(error.name).toBe('AccessDeniedException')
      expect(error.message).toMatch(
        new RegExp(`^User: ${arn} is not authorized to perform: ecr:DescribeRegistry `),
      )
    })
  })

  describe('fault injection', () => {
    it('answers ThrottlingException to the next N matching requests, then recovers', async () => {
      registry.injectFault({
        operation: 'DescribeRepositories',
        error: 'ThrottlingException',
        times: 2,
      })

      // Another operation does not consume the fault.
      await ecr.send(new DescribeRegistryCommand({}))
      for (let i = 0; i < 2; i++) {
        const error = await rejectionOf(ecr.send(new DescribeRepositoriesCommand({})))
        expect(error.name).toBe('ThrottlingException')
        expect(error.$metadata?.httpStatusCode).toBe(400)
      }
      const out = await ecr.send(new DescribeRepositoriesCommand({}))
      expect(out.repositories).toHaveLength(100)
    })

    it('answers ServerException with HTTP 500', async () => {
      registry.injectFault({ error: 'ServerException', times: 1 })
      const error = await rejectionOf(ecr.send(new DescribeRegistryCommand({})))
      expect(error.name).toBe('ServerException')
      expect(error.$metadata?.httpStatusCode).toBe(500)
    })

    it('lets the SDK retry an injected throttle and succeed', async () => {
      registry.injectFault({ error: 'ThrottlingException', times: 1 })
      const retrying = ecrClient(endpoint, registry.credentials, { maxAttempts: 3 })
      const out = await retrying.send(new DescribeRegistryCommand({}))
      expect(out.$metadata.attempts).toBe(2)
      expect(registry.requestCount('DescribeRegistry')).toBe(2)
      retrying.destroy()
    })
  })

  describe('request log', () => {
    it('starts empty and logs every request, rejected ones included, with operation and key', async () => {
      expect(registry.requestCount()).toBe(0)

      await ecr.send(new DescribeRegistryCommand({}))
      const canary = ecrClient(endpoint, {
        accessKeyId: 'AKIACANARY0000000001',
        secretAccessKey: 'c'.repeat(40),
      })
      await rejectionOf(canary.send(new DescribeRepositoriesCommand({})))

      expect(registry.requestCount()).toBe(2)
      expect(registry.requestCount('DescribeRepositories')).toBe(1)
      expect(registry.requestLog()).toEqual([
        {
          service: 'ecr',
          operation: 'DescribeRegistry',
          accessKeyId: registry.credentials.accessKeyId,
          status: 200,
          errorCode: undefined,
        },
        {
          service: 'ecr',
          operation: 'DescribeRepositories',
          accessKeyId: 'AKIACANARY0000000001',
          status: 400,
          errorCode: 'UnrecognizedClientException',
        },
      ])
    })
  })

  describe('wire format', () => {
    it('answers JSON 1.1 with a request id and epoch-second timestamps', async () => {
      const response = await signedPost({
        endpoint,
        credentials: registry.credentials,
        target: ecrTarget('DescribeRepositories'),
        body: '{"repositoryNames":["demo/web-app"]}',
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1')
      expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
      const body = (await response.json()) as { repositories: { createdAt: unknown }[] }
      const createdAt = body.repositories[0]?.createdAt
      expect(typeof createdAt).toBe('number')
      expect(createdAt).toBeGreaterThan(1_500_000_000)
      expect(createdAt).toBeLessThan(2_000_000_000)
    })

    it('answers errors with x-amzn-ErrorType and a __type body', async () => {
      const response = await signedPost({
        endpoint,
        credentials: registry.credentials,
        target: ecrTarget('DescribeRepositories'),
        body: '{"repositoryNames":["nope"]}',
      })
      expect(response.status).toBe(400)
      expect(response.headers.get('x-amzn-errortype')).toBe('RepositoryNotFoundException')
      expect(response.headers.get('x-amzn-requestid')).toBeTruthy()
      expect(await response.json()).toEqual({
        __type: 'RepositoryNotFoundException',
        message: `The repository with name 'nope' does not exist in the registry with id '${ACCOUNT}'`,
      })
    })

    it('answers an unknown operation with UnknownOperationException', async () => {
      for (const target of [ecrTarget('DeleteRepository'), 'SomeOtherService.DescribeRegistry']) {
        const response = await signedPost({
          endpoint,
          credentials: registry.credentials,
          target,
          body: '{}',
        })
        expect(response.status).toBe(400)
        expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException')
      }
    })

    it('answers malformed JSON with SerializationException', async () => {
      const response = await signedPost({
        endpoint,
        credentials: registry.credentials,
        target: ecrTarget('DescribeRepositories'),
        body: '{"maxResults":',
      })
      expect(response.status).toBe(400)
      expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException')
    })

    it('answers a wrongly typed member with SerializationException', async () => {
      const response = await signedPost({
        endpoint,
        credentials: registry.credentials,
        target: ecrTarget('DescribeRepositories'),
        body: '{"maxResults":"10"}',
      })
      expect(response.status).toBe(400)
      expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException')
    })
  })

  describe('STS GetCallerIdentity', () => {
    it("returns the caller's ARN, user id and account via @aws-sdk/client-sts", async () => {
      const sts = new STSClient({ endpoint, region: REGION, credentials: registry.credentials })
      const out = await sts.send(new GetCallerIdentityCommand({}))
      expect(out.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/demo`)
      expect(out.Account).toBe(ACCOUNT)
      expect(out.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/)
      expect(registry.requestLog()).toEqual([
        expect.objectContaining({ service: 'sts', operation: 'GetCallerIdentity', status: 200 }),
      ])
      sts.destroy()
    })

    it("returns a registered role session's ARN and role user id", async () => {
      const role = { accessKeyId: 'ASIASTSROLE000000001', secretAccessKey: 't'.repeat(40) }
      const arn = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/bob`
      registry.addCredentials({ ...role, arn })
      const sts = new STSClient({ endpoint, region: REGION, credentials: role })
      const out = await sts.send(new GetCallerIdentityCommand({}))
      expect(out.Arn).toBe(arn)
      expect(out.UserId).toMatch(/^AROA[A-Z0-9]{17}:bob$/)
      sts.destroy()
    })

    it("rejects an unknown key with STS's InvalidClientTokenId", async () => {
      const sts = new STSClient({
        endpoint,
        region: REGION,
        maxAttempts: 1,
        credentials: { accessKeyId: 'AKIANOBODY0000000001', secretAccessKey: 'n'.repeat(40) },
      })
      const error = await rejectionOf(sts.send(new GetCallerIdentityCommand({})))
      expect(error.name).toBe('InvalidClientTokenId')
      expect(error.$metadata?.httpStatusCode).toBe(403)
      sts.destroy()
    })

    it('rejects an ECR-scoped signature on the STS route', async () => {
      const response = await signedPost({
        endpoint,
        credentials: registry.credentials,
        contentType: 'application/x-www-form-urlencoded; charset=utf-8',
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
        service: 'ecr',
      })
      expect(response.status).toBe(403)
      expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
    })
  })
})

describe('DemoRegistry clock checks', () => {
  it('rejects a signature more than 5 minutes older than the server clock', async () => {
    const registry = new DemoRegistry({ clock: () => new Date(Date.now() + 10 * 60_000) })
    const { endpoint } = await registry.start()
    const client = ecrClient(endpoint, registry.credentials)
    try {
      const error = await rejectionOf(client.send(new DescribeRegistryCommand({})))
      expect(error.name).toBe('InvalidSignatureException')
      expect(error.message).toMatch(
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
      )
    } finally {
      client.destroy()
      await registry.stop()
    }
  })

  it('rejects a signature more than 5 minutes ahead of the server clock', async () => {
    const registry = new DemoRegistry({ clock: () => new Date(Date.now() - 10 * 60_000) })
    const { endpoint } = await registry.start()
    const client = ecrClient(endpoint, registry.credentials)
    try {
      const error = await rejectionOf(client.send(new DescribeRegistryCommand({})))
      expect(error.name).toBe('InvalidSignatureException')
      expect(error.message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than/)
    } finally {
      client.destroy()
      await registry.stop()
    }
  })

  it('sends its clock in the Date header, so the SDK can correct its skew and retry', async () => {
    const registry = new DemoRegistry({ clock: () => new Date(Date.now() + 10 * 60_000) })
    const { endpoint } = await registry.start()
    const client = ecrClient(endpoint, registry.credentials, { maxAttempts: 3 })
    try {
      const out = await client.send(new DescribeRegistryCommand({}))
      expect(out.$metadata.attempts).toBe(2)
      expect(registry.requestLog().map((e) => e.errorCode)).toEqual([
        'InvalidSignatureException',
        undefined,
      ])
    } finally {
      client.destroy()
      await registry.stop()
    }
  })

  it('accepts a signature 4 minutes off the server clock', async () => {
    const registry = new DemoRegistry({ clock: () => new Date(Date.now() + 4 * 60_000) })
    const { endpoint } = await registry.start()
    const client = ecrClient(endpoint, registry.credentials)
    try {
      const out = await client.send(new DescribeRegistryCommand({}))
      expect(out.registryId).toBe(ACCOUNT)
    } finally {
      client.destroy()
      await registry.stop()
    }
  })
})

describe('DemoRegistry lifecycle', () => {
  it('generates a fresh AKIADEMO key pair per instance', () => {
    const a = new DemoRegistry()
    const b = new DemoRegistry()
    expect(a.credentials.accessKeyId).toMatch(/^AKIADEMO[A-Z0-9]{12}$/)
    expect(a.credentials.secretAccessKey).toHaveLength(40)
    expect(a.credentials.accessKeyId).not.toBe(b.credentials.accessKeyId)
    expect(a.credentials.secretAccessKey).not.toBe(b.credentials.secretAccessKey)
  })

  it('listens on 127.0.0.1 and stop() closes idle keep-alive connections', async () => {
    const registry = new DemoRegistry({ repositoryCount: 3 })
    const { endpoint } = await registry.start()
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const client = ecrClient(endpoint, registry.credentials)
    try {
      const out = await client.send(new DescribeRepositoriesCommand({}))
      expect(out.repositories).toHaveLength(3)
      // The client still holds a keep-alive socket; stop() must not wait for it to time out.
      await registry.stop()
      expect(registry.endpoint).toBeUndefined()
      // Depending on when the client notices the close, the pooled socket hangs up or is refused.
      const error = await rejectionOf(client.send(new DescribeRegistryCommand({})))
      expect(error.message).toMatch(/ECONNREFUSED|socket hang up|ECONNRESET/)
      const refused = await rejectionOf(fetch(`${endpoint}/`, { method: 'POST' }))
      expect((refused.cause as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNREFUSED')
    } finally {
      client.destroy()
    }
  })
})
