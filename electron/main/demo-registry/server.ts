import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AwsError } from './aws-error'
import { generateKeyPair, isDenied, toIdentity } from './credentials'
import type { DemoCredentialsInit, Identity } from './credentials'
import { RegistryData } from './data'
import { FaultInjector } from './faults'
import type { FaultError, FaultSpec } from './faults'
import { ECR_OPERATIONS } from './operations'
import type { JsonObject, OperationContext } from './operations/types'
import { verifySigV4 } from './sigv4'
import type { IncomingSignedRequest } from './sigv4'
import { parseStsAction, sendCallerIdentity, sendStsError } from './sts'
import { baseHeaders, headerValue, readBody, send, sendJson, sendJsonError } from './wire'

export type { DemoCredentialsInit } from './credentials'
export type { FaultError, FaultSpec } from './faults'

/** How the registry is seeded and which clock it checks signatures against. */
export interface DemoRegistryOptions {
  /** How many repositories to seed (default 40): the fixed samples first, then generated ones. */
  repositoryCount?: number
  /** The 12-digit account that owns the registry (default 123456789012). */
  accountId?: string
  /** The region requests must be signed for (default us-east-1). */
  region?: string
  /** The server's idea of now, for signature-expiry checks and the `Date` header. */
  clock?: () => Date
}

/** One request as the registry saw it, whether or not it succeeded. */
export interface RequestLogEntry {
  /** Which API the request addressed: ECR's JSON API, STS's Query API, or neither. */
  readonly service: 'ecr' | 'sts' | 'unknown'
  /** The operation named by X-Amz-Target or `Action`, even when it is unknown or was rejected. */
  readonly operation: string | undefined
  /** The access key id from the Authorization header, even when it was not accepted. */
  readonly accessKeyId: string | undefined
  readonly status: number
  /** The error name sent back, or undefined for a success. */
  readonly errorCode: string | undefined
}

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.'

const FAULTS: Readonly<Record<FaultError, () => AwsError>> = {
  ThrottlingException: () => new AwsError('ThrottlingException', 'Rate exceeded'),
  ServerException: () =>
    new AwsError('ServerException', 'An internal error occurred. Please try again later.', 500),
}

/** An ECR (and STS GetCallerIdentity) emulator on loopback that verifies SigV4 like AWS. */
export class DemoRegistry {
  /** The random key pair every run accepts; hand it to clients as static credentials. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
  readonly accountId: string
  readonly region: string

  private readonly clock: () => Date
  private readonly data: RegistryData
  private readonly identities = new Map<string, Identity>()
  private readonly faults = new FaultInjector()
  private readonly log: RequestLogEntry[] = []
  private server: Server | undefined
  private url: string | undefined

  /** Seeds the data and generates this run's key pair; nothing listens until start(). */
  constructor(options: DemoRegistryOptions = {}) {
    const repositoryCount = options.repositoryCount ?? 40
    if (!Number.isInteger(repositoryCount) || repositoryCount < 0) {
      throw new RangeError(`repositoryCount must be a non-negative integer, got ${repositoryCount}`)
    }
    this.accountId = options.accountId ?? '123456789012'
    if (!/^\d{12}$/.test(this.accountId)) {
      throw new RangeError(`accountId must be 12 digits, got ${this.accountId}`)
    }
    this.region = options.region ?? 'us-east-1'
    this.clock = options.clock ?? (() => new Date())
    this.data = new RegistryData({
      repositoryCount,
      accountId: this.accountId,
      region: this.region,
    })
    this.credentials = generateKeyPair()
    this.addCredentials(this.credentials)
  }

  /** Listens on 127.0.0.1 at a free port and resolves with the endpoint URL. */
  async start(): Promise<{ endpoint: string }> {
    if (this.url) return { endpoint: this.url }
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // Reaching here means a bug in the emulator; answer like AWS would rather than hang.
        if (!res.headersSent) {
          send(res, 500, {}, JSON.stringify({ __type: 'InternalFailure', message: String(error) }))
        } else {
          res.destroy()
        }
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    const { port } = server.address() as AddressInfo
    this.server = server
    this.url = `http://127.0.0.1:${port}`
    return { endpoint: this.url }
  }

  /** Stops listening and closes every open connection, including idle keep-alive sockets. */
  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    this.url = undefined
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()))
      server.closeAllConnections()
    })
  }

  /** The endpoint URL while running, else undefined. */
  get endpoint(): string | undefined {
    return this.url
  }

  /** Registers (or replaces) an identity, e.g. an expired session or a key denied some actions. */
  addCredentials(credentials: DemoCredentialsInit): void {
    this.identities.set(credentials.accessKeyId, toIdentity(credentials, this.accountId))
  }

  /** Makes the next `times` requests (for `operation`, or any) fail with `error`. */
  injectFault(spec: FaultSpec): void {
    this.faults.inject(spec)
  }

  /** Drops every fault not yet consumed. */
  clearFaults(): void {
    this.faults.clear()
  }

  /** Every request received so far, oldest first. */
  requestLog(): readonly RequestLogEntry[] {
    return [...this.log]
  }

  /** How many requests arrived, optionally only those naming `operation`. */
  requestCount(operation?: string): number {
    if (operation === undefined) return this.log.length
    return this.log.filter((entry) => entry.operation === operation).length
  }

  /** Forgets the requests logged so far. */
  clearRequestLog(): void {
    this.log.length = 0
  }

  /** Every seeded repository name, in DescribeRepositories order. */
  repositoryNames(): string[] {
    return this.data.repositories.map((r) => r.repositoryName)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID()
    const now = this.clock()
    const base = baseHeaders(requestId, now)
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(headerValue(req, 'authorization') ?? '')?.[1]
    const target = headerValue(req, 'x-amz-target')
    const contentType = headerValue(req, 'content-type') ?? ''
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s)

    let body: Buffer
    try {
      body = await readBody(req)
    } catch (error) {
      const awsError = asAwsError(error)
      this.record('unknown', undefined, accessKeyId, awsError.status, awsError.code)
      sendJsonError(res, base, awsError)
      return
    }
    const signed: IncomingSignedRequest = {
      method: req.method ?? 'GET',
      rawPath,
      rawQuery,
      headers: req.headersDistinct,
      body,
    }

    if (req.method !== 'POST' || rawPath !== '/') {
      const error = new AwsError(
        'UnknownOperationException',
        `No route for ${req.method} ${rawPath}`,
        404,
      )
      this.record('unknown', undefined, accessKeyId, error.status, error.code)
      sendJsonError(res, base, error)
      return
    }

    if (target === undefined && contentType.startsWith('application/x-www-form-urlencoded')) {
      await this.handleSts(res, base, requestId, now, signed, accessKeyId)
      return
    }

    const operationName = target?.startsWith(TARGET_PREFIX)
      ? target.slice(TARGET_PREFIX.length)
      : undefined
    // Log what the client asked for even when it is not an ECR target, so tests can see it.
    const loggedName = operationName ?? target
    try {
      const identity = await verifySigV4(signed, {
        lookup: (id) => this.identities.get(id),
        now,
        region: this.region,
        service: 'ecr',
      })
      const operation = operationName === undefined ? undefined : ECR_OPERATIONS.get(operationName)
      if (!operation || operationName === undefined) {
        throw new AwsError('UnknownOperationException', '')
      }
      const input = parseJsonBody(body)
      const ctx: OperationContext = {
        accountId: this.accountId,
        region: this.region,
        data: this.data,
        identity,
        now,
      }
      if (isDenied(identity, operation.action)) {
        throw accessDenied(identity, operation.action, operation.resource(input, ctx))
      }
      const fault = this.faults.take(operationName)
      if (fault) throw FAULTS[fault]()
      const result = operation.handle(input, ctx)
      this.record('ecr', loggedName, accessKeyId, 200, undefined)
      sendJson(res, base, result)
    } catch (error) {
      const awsError = asAwsError(error)
      this.record('ecr', loggedName, accessKeyId, awsError.status, awsError.code)
      sendJsonError(res, base, awsError)
    }
  }

  private async handleSts(
    res: ServerResponse,
    base: Record<string, string>,
    requestId: string,
    now: Date,
    signed: IncomingSignedRequest,
    accessKeyId: string | undefined,
  ): Promise<void> {
    const params = new URLSearchParams(signed.body.toString('utf8'))
    const actionName = params.get('Action') ?? undefined
    try {
      const identity = await verifySigV4(signed, {
        lookup: (id) => this.identities.get(id),
        now,
        region: this.region,
        service: 'sts',
      })
      const action = parseStsAction(params)
      const fault = this.faults.take(action)
      if (fault) throw FAULTS[fault]()
      this.record('sts', action, accessKeyId, 200, undefined)
      sendCallerIdentity(res, base, identity, this.accountId, requestId)
    } catch (error) {
      const rendered = sendStsError(res, base, asAwsError(error), requestId)
      this.record('sts', actionName, accessKeyId, rendered.status, rendered.code)
    }
  }

  private record(
    service: RequestLogEntry['service'],
    operation: string | undefined,
    accessKeyId: string | undefined,
    status: number,
    errorCode: string | undefined,
  ): void {
    this.log.push({ service, operation, accessKeyId, status, errorCode })
  }
}

function parseJsonBody(body: Buffer): JsonObject {
  // Clients may omit the body entirely for operations without input; AWS treats that as `{}`.
  if (body.length === 0) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw new AwsError('SerializationException', 'Unable to parse the request body as JSON.')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError(
      'SerializationException',
      'Start of structure or map found where not expected.',
    )
  }
  return parsed as JsonObject
}

function accessDenied(identity: Identity, action: string, resource: string): AwsError {
  return new AwsError(
    'AccessDeniedException',
    `User: ${identity.arn} is not authorized to perform: ${action} on resource: ${resource} ` +
      `because no identity-based policy allows the ${action} action`,
  )
}

function asAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error
  return new AwsError('ServerException', `Internal error: ${String(error)}`, 500)
}
