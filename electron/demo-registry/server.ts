import { createHash, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AwsError } from './aws-error'
import { BLOB_PATH_PREFIX, serveBlob } from './blob-endpoint'
import type { BlobRequestLogEntry, MutableBlobLogEntry } from './blob-endpoint'
import { ImageCatalog } from './catalog'
import { generateKeyPair, isDenied, toIdentity } from './credentials'
import type { DemoCredentialsInit, Identity } from './credentials'
import { RegistryData } from './data'
import { FaultQueue, parseBlobFault } from './faults'
import type { BlobFault, BlobFaultSpec, FaultError, FaultSpec } from './faults'
import { MEDIA_TYPES } from './images'
import type { ImageRecord } from './images'
import { KEYSTREAM_CHUNK, keystream } from './keystream'
import { sha256Digest } from './layers'
import { ECR_OPERATIONS } from './operations'
import type { JsonObject, OperationContext, PullThroughCacheRuleRecord } from './operations/types'
import { BlobUrlSigner } from './presign'
import { loadSamples, pullThroughCacheRules } from './samples/index'
import type { SampleCatalogue } from './samples/index'
import { verifySigV4 } from './sigv4'
import type { IncomingSignedRequest } from './sigv4'
import { parseStsAction, sendCallerIdentity, sendStsError } from './sts'
import { baseHeaders, headerValue, readBody, send, sendJson, sendJsonError } from './wire'

export type { DemoCredentialsInit } from './credentials'
export type { BlobFault, BlobFaultSpec, FaultError, FaultSpec } from './faults'
export type { BlobRequestLogEntry } from './blob-endpoint'
export type { BlobRef, ImageRecord, ScanInfo } from './images'
export type { SampleCatalogue, UncachedUpstreamImage } from './samples/index'
export { ECR_PUBLIC_UPSTREAM, SAMPLE_REPOSITORIES, SAMPLE_TAGS } from './samples/index'
export { MEDIA_TYPES } from './images'
export { SCALE_IMAGE_COUNT } from './scale'

/** What addSyntheticBlob needs: where the blob goes, how big it is, and what generates it. */
export interface SyntheticBlobOptions {
  /** The repository to add the blob and its one-layer image to; created if missing. */
  repositoryName: string
  /** The blob's length in bytes; memory use does not grow with it. */
  size: number
  /** Names the deterministic byte stream (default `synthetic-<size>`). */
  seed?: string
  /** The layer media type in the image's manifest (default: uncompressed OCI tar). */
  mediaType?: string
}

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
  /** How long pre-signed blob URLs stay valid, in seconds (default 3600, as ECR's are). */
  urlExpirySeconds?: number
  /**
   * Whether injectFault and injectBlobFault work. Off unless a test or bench passes `faults: true`
   * (through `start()` in ./testing, or to this class, which only tests construct): `start()` in
   * index.ts, the app's entry point, always passes false, and no default turns it on.
   */
  faults?: boolean
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
  private readonly faults = new FaultQueue<FaultError>()
  private readonly log: RequestLogEntry[] = []
  private server: Server | undefined
  private url: string | undefined
  private catalog: ImageCatalog | undefined
  private sampleCatalogue: SampleCatalogue | undefined
  private preparing: Promise<void> | undefined
  private urlExpirySeconds: number
  private uncachedImageErrors: 'failure' | 'exception' = 'failure'
  private readonly signer: BlobUrlSigner
  private readonly blobFaults = new FaultQueue<BlobFault>()
  private readonly faultsEnabled: boolean
  private readonly blobLog: MutableBlobLogEntry[] = []
  private readonly rules: readonly PullThroughCacheRuleRecord[]

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
    this.urlExpirySeconds = checkExpiry(options.urlExpirySeconds ?? 3600)
    this.signer = new BlobUrlSigner(this.region)
    this.rules = pullThroughCacheRules(this.accountId, this.region)
    this.faultsEnabled = options.faults === true
  }

  /** Builds the sample images (once per process, shared by every registry); start() calls it. */
  prepare(): Promise<void> {
    this.preparing ??= loadSamples().then((samples) => {
      this.catalog = new ImageCatalog(samples)
      this.sampleCatalogue = samples.catalogue
    })
    return this.preparing
  }

  /** Listens on 127.0.0.1 at a free port and resolves with the endpoint URL. */
  async start(): Promise<{ endpoint: string }> {
    if (this.url) return { endpoint: this.url }
    await this.prepare()
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
    this.requireFaults()
    this.faults.inject(spec.error, spec.times, spec.operation)
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

  /** Adds an empty MUTABLE repository (no-op if it exists); handy for synthetic blobs. */
  createRepository(name: string): void {
    this.data.addRepository(name)
  }

  /** The sample images and special digests, so tests look digests up instead of hard-coding them. */
  samples(): SampleCatalogue {
    return this.ready().sampleCatalogue
  }

  /** A repository's images in DescribeImages order (all of them; avoid on demo/scale-50k). */
  images(repositoryName: string): ImageRecord[] {
    const collection = this.ready().catalog.collection(repositoryName)
    const count = collection.imageCount('ANY')
    return Array.from({ length: count }, (_, i) => collection.imageAt('ANY', i))
  }

  /** One image by tag or `sha256:` digest, or undefined. */
  image(repositoryName: string, reference: string): ImageRecord | undefined {
    const collection = this.ready().catalog.collection(repositoryName)
    return reference.startsWith('sha256:')
      ? collection.byDigest(reference)
      : collection.byTag(reference)
  }

  /** A stored blob's bytes (synthetic blobs are generated in full: keep those small here). */
  blob(digest: string): Buffer | undefined {
    const source = this.ready().catalog.blobSource(digest)
    if (!source) return undefined
    return source.kind === 'bytes'
      ? source.bytes
      : Buffer.concat([...keystream(source.seed, 0, source.size)])
  }

  /**
   * Adds a blob whose bytes are generated on the fly (costing no memory), hashed once here by
   * streaming, plus a one-layer OCI image tagged `synthetic-<size>` that references it.
   */
  async addSyntheticBlob(options: SyntheticBlobOptions): Promise<{ digest: string; size: number }> {
    const { catalog } = this.ready()
    if (!Number.isSafeInteger(options.size) || options.size < 0) {
      throw new RangeError(`size must be a non-negative integer, got ${options.size}`)
    }
    const seed = options.seed ?? `synthetic-${options.size}`
    const hash = createHash('sha256')
    let chunks = 0
    for (const chunk of keystream(seed, 0, options.size, KEYSTREAM_CHUNK * 4)) {
      hash.update(chunk)
      // Yield now and then so a 1 GiB hash does not stall the server's event loop for seconds.
      if (++chunks % 64 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    const digest = `sha256:${hash.digest('hex')}`
    this.data.addRepository(options.repositoryName)
    catalog.addBlob(digest, { kind: 'synthetic', seed, size: options.size })

    const now = this.clock()
    const layer = {
      mediaType: options.mediaType ?? MEDIA_TYPES.ociLayerTar,
      size: options.size,
      digest,
    }
    const configBytes = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: now.toISOString(),
        config: {},
        rootfs: { type: 'layers', diff_ids: [digest] },
        history: [{ created: now.toISOString(), created_by: `synthetic blob ${seed}` }],
      }),
      'utf8',
    )
    const config = {
      mediaType: MEDIA_TYPES.ociConfig,
      size: configBytes.length,
      digest: sha256Digest(configBytes),
    }
    catalog.addBlob(config.digest, { kind: 'bytes', bytes: configBytes })
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config,
      layers: [layer],
    })
    catalog.addImage({
      repositoryName: options.repositoryName,
      imageDigest: sha256Digest(manifest),
      imageTags: [`synthetic-${options.size}`],
      imageManifest: manifest,
      imageManifestMediaType: MEDIA_TYPES.ociManifest,
      artifactMediaType: MEDIA_TYPES.ociConfig,
      imageSizeInBytes: options.size + configBytes.length,
      imagePushedAt: now,
      config,
      layers: [layer],
      children: [],
    })
    return { digest, size: options.size }
  }

  /**
   * Adds an image of several synthetic layers (bytes generated on the fly, as addSyntheticBlob's),
   * tagged `tag`: the export benchmark's multi-layer image. Returns its manifest text.
   */
  async addSyntheticImage(options: {
    repositoryName: string
    tag: string
    sizes: readonly number[]
    seed?: string
  }): Promise<{ imageDigest: string; imageManifest: string; config: Buffer }> {
    const { catalog } = this.ready()
    const layers = []
    for (const [i, size] of options.sizes.entries()) {
      const { digest } = await this.addSyntheticBlob({
        repositoryName: options.repositoryName,
        size,
        seed: `${options.seed ?? options.tag}-${i}`,
      })
      layers.push({ mediaType: MEDIA_TYPES.ociLayerTar, size, digest })
    }
    const now = this.clock()
    const configBytes = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: now.toISOString(),
        config: {},
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
        history: layers.map(() => ({ created: now.toISOString(), created_by: 'synthetic layer' })),
      }),
      'utf8',
    )
    const config = {
      mediaType: MEDIA_TYPES.ociConfig,
      size: configBytes.length,
      digest: sha256Digest(configBytes),
    }
    catalog.addBlob(config.digest, { kind: 'bytes', bytes: configBytes })
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config,
      layers,
    })
    const imageDigest = sha256Digest(manifest)
    catalog.addImage({
      repositoryName: options.repositoryName,
      imageDigest,
      imageTags: [options.tag],
      imageManifest: manifest,
      imageManifestMediaType: MEDIA_TYPES.ociManifest,
      artifactMediaType: MEDIA_TYPES.ociConfig,
      imageSizeInBytes: layers.reduce((sum, l) => sum + l.size, configBytes.length),
      imagePushedAt: now,
      config,
      layers,
      children: [],
    })
    return { imageDigest, imageManifest: manifest, config: configBytes }
  }

  /** Pre-signs a blob URL as GetDownloadUrlForLayer would (HEAD needs its own signature, as in S3). */
  blobUrl(
    repositoryName: string,
    digest: string,
    options: { method?: 'GET' | 'HEAD' } = {},
  ): Promise<string> {
    if (!this.url) {
      return Promise.reject(
        new Error('DemoRegistry: start() the registry before signing blob URLs'),
      )
    }
    return this.signer.sign(
      this.url,
      `${BLOB_PATH_PREFIX}${this.accountId}/${repositoryName}/${digest}`,
      this.clock(),
      this.urlExpirySeconds,
      options.method ?? 'GET',
    )
  }

  /** The registry-internal key blob URLs are signed with, for tests that re-sign independently. */
  get blobSigningCredentials(): { readonly accessKeyId: string; readonly secretAccessKey: string } {
    return this.signer.credentials
  }

  /** Changes how long newly issued blob URLs stay valid. */
  setUrlExpirySeconds(seconds: number): void {
    this.urlExpirySeconds = checkExpiry(seconds)
  }

  /**
   * How BatchGetImage answers for the pull-through image it has not cached: a per-image
   * UpstreamUnavailable failure (default) or UnableToGetUpstreamImageException for the whole call.
   */
  setUncachedImageErrors(mode: 'failure' | 'exception'): void {
    this.uncachedImageErrors = mode
  }

  /** Makes the next blob GETs (optionally of one digest) misbehave; see BlobFault. */
  injectBlobFault(spec: BlobFaultSpec): void {
    this.requireFaults()
    const { fault, times, digest } = parseBlobFault(spec)
    this.blobFaults.inject(fault, times, digest)
  }

  /** Drops every blob fault not yet consumed. */
  clearBlobFaults(): void {
    this.blobFaults.clear()
  }

  /** Every blob request so far, oldest first, with the bytes actually sent. */
  blobRequestLog(): BlobRequestLogEntry[] {
    return this.blobLog.map((entry) => ({ ...entry }))
  }

  /** Forgets the blob requests logged so far. */
  clearBlobRequestLog(): void {
    this.blobLog.length = 0
  }

  private requireFaults(): void {
    if (!this.faultsEnabled) {
      throw new Error('DemoRegistry: fault injection is off; a test turns it on with faults: true')
    }
  }

  private ready(): { catalog: ImageCatalog; sampleCatalogue: SampleCatalogue } {
    if (!this.catalog || !this.sampleCatalogue) {
      throw new Error('DemoRegistry: await start() or prepare() before reading images')
    }
    return { catalog: this.catalog, sampleCatalogue: this.sampleCatalogue }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID()
    const now = this.clock()
    const base = baseHeaders(requestId, now)
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(headerValue(req, 'authorization') ?? '')?.[1]
    const target = headerValue(req, 'x-amz-target')
    const contentType = headerValue(req, 'content-type') ?? ''
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s)

    if (rawPath.startsWith(BLOB_PATH_PREFIX) && req.method !== 'POST') {
      // Drain any request body so the keep-alive connection stays usable.
      req.resume()
      await serveBlob(req, res, {
        accountId: this.accountId,
        catalog: this.ready().catalog,
        signer: this.signer,
        faults: this.blobFaults,
        now,
        log: this.blobLog,
      })
      return
    }

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
        catalog: this.ready().catalog,
        pullThroughCacheRules: this.rules,
        uncachedImageErrors: this.uncachedImageErrors,
        blobUrl: (repositoryName, digest) => this.blobUrl(repositoryName, digest),
      }
      if (isDenied(identity, operation.action)) {
        throw accessDenied(identity, operation.action, operation.resource(input, ctx))
      }
      const fault = this.faults.take(operationName)
      if (fault) throw FAULTS[fault]()
      const result: unknown = await operation.handle(input, ctx)
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

function checkExpiry(seconds: number): number {
  // S3 refuses pre-signed URLs valid for more than a week.
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) {
    throw new RangeError(`urlExpirySeconds must be an integer from 1 to 604800, got ${seconds}`)
  }
  return seconds
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
