import { z } from 'zod'
import type { CallerIdentity, ConnectionState, Identity, ProfilesList } from '../models/connection'
import type {
  ImageConfig,
  ImageManifest,
  ImageReferrer,
  ImageSummary,
  LayerAvailability,
  PullThroughRule,
  SigningStatus,
} from '../models/image'
import type {
  DownloadProgress,
  DownloadResult,
  DownloadUrl,
  PartialDownload,
  VerifyResult,
} from '../models/download'
import type {
  ContentsCacheInfo,
  ContentsDiff,
  ContentsProgress,
  ExtractResult,
  FilePreview,
  ImageFilesystem,
  LayerIndex,
  Paged,
} from '../models/layer-contents'
import type { DownloadHistoryEntry } from '../models/download-history'
import type { ExportProgress, ExportResult, LayoutCheck, UnfinishedExport } from '../models/export'
import type { FindingsExport, ImageFindings, ScanCounts } from '../models/findings'
import type { Page, Repository } from '../models/repository'
import type { Settings, SettingsNotice } from '../models/settings'
import type { ReferrerBlobText } from '../models/supply-chain-raw'
import type {
  KeylessCheck,
  NotationSummary,
  ProvenanceSummary,
  SbomDocument,
  SignatureVerdict,
  SupplyChainReferrer,
} from '../models/supply-chain'
import {
  buildApi as buildApiFromNames,
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type EventChannel,
  type EventMethodOf,
  type InvokeChannel,
  type MethodOf,
} from './channels'
import type { Result } from './result'
import {
  blobSizeSchema,
  mediaTypeSchema,
  imageDigestSchema,
  imageTagSchema,
  layerDigestSchema,
  tagStatusSchema,
  imageSortSchema,
  absolutePathSchema,
  downloadConcurrencySchema,
  operationIdSchema,
  connectionChoiceSchema,
  maxResultsSchema,
  nextTokenSchema,
  registryIdSchema,
  repositoryNameSchema,
  repositorySortSchema,
  publicKeyPemSchema,
  repositoryPrefixSchema,
  trustedKeyNameSchema,
} from '../schemas'

// The single source of truth for IPC. The channel is each call's one name: the window.ecr method
// is derived from it (channels.ts), and the preload, the main-process handlers and the web bridge
// are all built from the channel list and these two objects, so they cannot drift apart.

interface InvokeDef<S extends z.ZodType, R> {
  /** Validates the one request object before any service runs. */
  request: S
  /** Phantom: carries the response type only (boxed, so `null` survives NonNullable). */
  readonly response?: { type: R }
}

interface EventDef<P> {
  /** Phantom: carries the payload type only. */
  readonly payload?: { type: P }
}

const returns =
  <R>() =>
  <S extends z.ZodType>(def: { request: S }) =>
    def as InvokeDef<S, R>

const emits = <P>(): EventDef<P> => ({})

const empty = z.strictObject({})

/** A path inside a layer, as the index lists it ('' for the whole layer). */
const entryPathSchema = z
  .string()
  .max(4096)
  .refine((p) => !p.includes('\u0000'), 'must not contain a NUL character')
/** One layer blob of a repository. */
const layerFields = {
  registryId: registryIdSchema.optional(),
  repositoryName: repositoryNameSchema,
  digest: layerDigestSchema,
  mediaType: mediaTypeSchema,
  size: blobSizeSchema,
  /** The image the layer was opened from, when known: an archived image's error names it. */
  imageDigest: imageDigestSchema.optional(),
}
/** The next page of a paged reply, as the previous page named it. */
const pageSchema = z.strictObject({
  cursor: z.string().regex(/^[a-f0-9]{16}$/),
  offset: z.number().int().min(0).max(100_000_000),
})
/** One side of a diff: an image by digest or tag, or a single layer. */
const contentsRefSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('image'),
      imageDigest: imageDigestSchema.optional(),
      imageTag: imageTagSchema.optional(),
    }),
    z.strictObject({
      kind: z.literal('layer'),
      digest: layerDigestSchema,
      mediaType: mediaTypeSchema,
      size: blobSizeSchema,
    }),
  ])
  .refine(
    (ref) => ref.kind === 'layer' || ref.imageDigest !== undefined || ref.imageTag !== undefined,
    {
      message: 'name an image by imageDigest or imageTag',
    },
  )

/** Every request/response channel from the renderer to main. */
/** One referrer artifact of a repository, by its manifest digest. */
const artifactRequest = z.strictObject({
  registryId: registryIdSchema.optional(),
  repositoryName: repositoryNameSchema,
  digest: imageDigestSchema,
})

export const invokeContract = {
  /** Returns the connection in use (kind, profile, region, whether credentials exist). */
  'connection:get': returns<ConnectionState>()({ request: empty }),
  /** Switches to an AWS profile and region, or to the demo registry, and remembers the choice. */
  'connection:set': returns<ConnectionState>()({ request: connectionChoiceSchema }),
  /** Lists the profiles of the shared config and credentials files. */
  'connection:list-profiles': returns<ProfilesList>()({ request: empty }),
  /** Calls DescribeRegistry to show the account, region and profile in use. */
  'connection:identity': returns<Identity>()({ request: empty }),
  /** Calls STS GetCallerIdentity with a short timeout; the ARN is null if it does not answer. */
  'connection:caller-identity': returns<CallerIdentity>()({ request: empty }),
  /** Fetches one page of DescribeRepositories. */
  'ecr:list-repositories': returns<Page<Repository>>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      nextToken: nextTokenSchema.optional(),
      maxResults: maxResultsSchema.optional(),
    }),
  }),
  /** Describes one repository by name (DescribeRepositories with repositoryNames). */
  'ecr:describe-repository': returns<Repository>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
    }),
  }),
  /** Browses another account's registry (or the caller's own, with null); remembered per profile. */
  'connection:set-registry': returns<ConnectionState>()({
    request: z.strictObject({ registryId: registryIdSchema.nullable() }),
  }),
  /** Fetches one page of DescribeImages with a tag-status filter. */
  'ecr:list-images': returns<Page<ImageSummary>>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      tagStatus: tagStatusSchema.default('ANY'),
      nextToken: nextTokenSchema.optional(),
      maxResults: maxResultsSchema.optional(),
    }),
  }),
  /** DescribeImages for one image by digest: its tags, size, push and pull times, scan status. */
  'ecr:describe-image': returns<ImageSummary>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      imageDigest: imageDigestSchema,
    }),
  }),
  /** ListImageReferrers for one image, every page and status: its signatures, SBOMs, attestations. */
  'ecr:list-referrers': returns<ImageReferrer[]>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      imageDigest: imageDigestSchema,
      artifactTypes: z.array(mediaTypeSchema).min(1).max(20).optional(),
    }),
  }),
  /** DescribeImageSigningStatus: ECR managed signing's status per signing profile for one image. */
  'ecr:signing-status': returns<SigningStatus[]>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      imageDigest: imageDigestSchema,
    }),
  }),
  /** The image's referrers described in words (SBOMs, provenance, signatures, SOCI), with their own referrers. */
  'supply-chain:referrers': returns<SupplyChainReferrer[]>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      imageDigest: imageDigestSchema,
    }),
  }),
  /** An SBOM referrer's document (SPDX 2.x or CycloneDX 1.x JSON), read through the blob pipeline and parsed. */
  'supply-chain:sbom': returns<SbomDocument>()({ request: artifactRequest }),
  /** A provenance referrer's in-toto statement (DSSE, SLSA v0.2 or v1), in words and raw. */
  'supply-chain:provenance': returns<ProvenanceSummary>()({ request: artifactRequest }),
  /** A Notation signature's signer, signing time and signed digest, from its JWS envelope. */
  'supply-chain:notation': returns<NotationSummary & { matchesCertificate: boolean }>()({
    request: artifactRequest,
  }),
  /** The demo registry's signing public key (PEM) for this run, or null when the demo is not in use. */
  'supply-chain:demo-key': returns<{ publicKeyPem: string } | null>()({ request: empty }),
  /**
   * Verifies a cosign signature in main with a PEM public key, or, without one, with the trusted
   * keys (settings) whose prefix matches the repository; only the verdict comes back, naming the
   * trusted key that verified it.
   */
  'supply-chain:verify': returns<SignatureVerdict>()({
    request: artifactRequest.extend({
      subjectDigest: imageDigestSchema,
      publicKeyPem: publicKeyPemSchema.optional(),
    }),
  }),
  /** One blob a referrer lists, read through the blob pipeline and verified, as text for "View raw". */
  'supply-chain:blob': returns<ReferrerBlobText>()({
    request: artifactRequest.extend({ blobDigest: layerDigestSchema }),
  }),
  /**
   * Verifies a keyless Sigstore bundle referrer offline in main against the Sigstore public-good
   * trusted root the app ships: the certificate's identity and the verdict (covers this image,
   * covers another digest, invalid, or the app's root is older than the certificate).
   */
  'supply-chain:keyless': returns<KeylessCheck>()({
    request: artifactRequest.extend({ subjectDigest: imageDigestSchema }),
  }),
  /** BatchGetImage by digest or tag: the parsed, validated manifest or index. */
  'ecr:get-manifest': returns<ImageManifest>()({
    request: z
      .strictObject({
        registryId: registryIdSchema.optional(),
        repositoryName: repositoryNameSchema,
        imageDigest: imageDigestSchema.optional(),
        imageTag: imageTagSchema.optional(),
      })
      .refine((r) => r.imageDigest !== undefined || r.imageTag !== undefined, {
        message: 'name an image by imageDigest or imageTag',
        path: ['imageDigest'],
      }),
  }),
  /** Downloads an image config blob through GetDownloadUrlForLayer, verifies it and parses it. */
  'ecr:get-config': returns<ImageConfig>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      digest: layerDigestSchema,
      /** The image the config belongs to, so an archived image's error names it. */
      imageDigest: imageDigestSchema.optional(),
    }),
  }),
  /** BatchCheckLayerAvailability for an image's layers (split into calls of 100). */
  'ecr:check-layers': returns<LayerAvailability[]>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      layerDigests: z.array(layerDigestSchema).min(1).max(1000),
    }),
  }),
  /** Lists the registry's pull-through cache rules (DescribePullThroughCacheRules, every page). */
  'ecr:list-pull-through-rules': returns<PullThroughRule[]>()({
    request: z.strictObject({ registryId: registryIdSchema.optional() }),
  }),
  /** Queues one blob: GetDownloadUrlForLayer, then streamed, verified and renamed into place. */
  'downloads:start': returns<DownloadResult>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      ...layerFields,
      directory: absolutePathSchema.optional(),
      onExisting: z.enum(['ask', 'replace', 'keep-both', 'skip']).default('ask'),
      /** A leftover `.partial` file to continue; the blob lands at the name it belongs to. */
      resumePartial: absolutePathSchema.optional(),
    }),
  }),
  /** Cancels a download, file check, or layer contents operation at once; nothing is left behind. */
  'operations:cancel': returns<{ cancelled: boolean }>()({
    request: z.strictObject({ operationId: operationIdSchema }),
  }),
  /** GetDownloadUrlForLayer only: the pre-signed URL and when it expires, for "Copy download URL". */
  'downloads:url': returns<DownloadUrl>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      digest: layerDigestSchema,
      /** The image the layer was opened from, when known: an archived image's error names it. */
      imageDigest: imageDigestSchema.optional(),
    }),
  }),
  /** Checks a file on disk against a digest, as a stream with progress. */
  'downloads:verify-file': returns<VerifyResult>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      path: absolutePathSchema,
      digest: layerDigestSchema,
    }),
  }),
  /** Lists .partial files an earlier run left in the download folder, to offer resuming them. */
  'downloads:list-partials': returns<PartialDownload[]>()({ request: empty }),
  /** Deletes a leftover partial download. */
  'downloads:discard-partial': returns<null>()({
    request: z.strictObject({ path: absolutePathSchema }),
  }),
  /** Reveals a downloaded file in the OS file manager. */
  'dialogs:show-in-folder': returns<null>()({
    request: z.strictObject({ path: absolutePathSchema }),
  }),
  /** Asks for a download folder with the native dialog; null when cancelled. */
  'dialogs:choose-folder': returns<{ path: string | null }>()({ request: empty }),
  /**
   * Asks for a file to verify with the native dialog, starting at `defaultPath` (else the download
   * folder). `path` is null when cancelled; `picker` is false where there is no dialog (the web
   * bridge), so the user types the path instead.
   */
  'dialogs:choose-file': returns<{ path: string | null; picker: boolean }>()({
    request: z.strictObject({ defaultPath: absolutePathSchema.optional() }),
  }),
  /** Where downloads go now: the override, the setting, or the OS Downloads folder. */
  'downloads:folder': returns<{ path: string; overridden: boolean }>()({ request: empty }),
  /** Lists a layer's entries, one page at a time (cached by digest; else fetched, verified and read as a stream). */
  'contents:index': returns<Paged<LayerIndex>>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      ...layerFields,
      page: pageSchema.optional(),
    }),
  }),
  /** Lists the entries of a layer blob already on disk, one page at a time, keyed by the digest computed on the way. */
  'contents:index-file': returns<Paged<LayerIndex>>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      path: absolutePathSchema,
      mediaType: mediaTypeSchema,
      page: pageSchema.optional(),
    }),
  }),
  /** An image's layers merged in order (or one layer against those below), one page of entries at a time: last writer, badges, waste. */
  'contents:image-filesystem': returns<Paged<ImageFilesystem>>()({
    request: z
      .strictObject({
        operationId: operationIdSchema,
        page: pageSchema.optional(),
        registryId: registryIdSchema.optional(),
        repositoryName: repositoryNameSchema,
        imageDigest: imageDigestSchema.optional(),
        imageTag: imageTagSchema.optional(),
        layer: z.number().int().min(0).max(10_000).optional(),
        /** The filesystem as it stands after this layer (layers 0..through merged). */
        through: z.number().int().min(0).max(10_000).optional(),
      })
      .refine((r) => r.imageDigest !== undefined || r.imageTag !== undefined, {
        message: 'name an image by imageDigest or imageTag',
        path: ['imageDigest'],
      })
      .refine((r) => r.layer === undefined || r.through === undefined, {
        message: 'ask for one layer or for the layers through one, not both',
        path: ['through'],
      }),
  }),
  /** Paths added, modified and deleted between two images or two layers, optionally under one path, one page at a time. */
  'contents:diff': returns<Paged<ContentsDiff>>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      page: pageSchema.optional(),
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      from: contentsRefSchema,
      to: contentsRefSchema,
      path: entryPathSchema.optional(),
    }),
  }),
  /** Extracts a file or folder of a layer into a folder chosen in a native dialog, safely. */
  'contents:extract': returns<ExtractResult>()({
    request: z.strictObject({
      operationId: operationIdSchema,
      ...layerFields,
      path: entryPathSchema,
    }),
  }),
  /** The text of a small file of a layer (up to 1 MiB), or why it cannot be shown. */
  'contents:preview': returns<FilePreview>()({
    request: z.strictObject({ ...layerFields, path: entryPathSchema.min(1) }),
  }),
  /** The sizes and bounds of the layer index and blob caches. */
  'contents:cache': returns<ContentsCacheInfo>()({ request: empty }),
  /** Empties the layer index and blob caches (for settings). */
  'contents:clear-cache': returns<ContentsCacheInfo>()({ request: empty }),
  /** The downloads of this and earlier runs (finished, failed, cancelled), newest first, bounded. */
  'downloads:history': returns<DownloadHistoryEntry[]>()({ request: empty }),
  /** Forgets the download history; the downloaded files stay where they are. */
  'downloads:clear-history': returns<DownloadHistoryEntry[]>()({ request: empty }),
  /**
   * DescribeImageScanFindings, every page: the scan status and findings of an image, per platform
   * child for an index. Never scanned, or a status without findings, is a scan with its `problem`.
   */
  'ecr:scan-findings': returns<ImageFindings>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      imageDigest: imageDigestSchema,
    }),
  }),
  /**
   * An image manifest's findings by severity, for the images list: one DescribeImageScanFindings
   * call of one finding when its first page carries the counts (it does), every page otherwise.
   */
  'ecr:scan-counts': returns<ScanCounts>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      imageDigest: imageDigestSchema,
    }),
  }),
  /**
   * Exports an image's findings as CSV or as the API's JSON through the safe write path
   * (temporary file, fsync, rename): into the download folder, or to a path the user chose.
   */
  'findings:export': returns<FindingsExport>()({
    request: z.strictObject({
      registryId: registryIdSchema.optional(),
      repositoryName: repositoryNameSchema,
      imageDigest: imageDigestSchema,
      format: z.enum(['csv', 'json']),
      path: absolutePathSchema.optional(),
    }),
  }),
  /**
   * Saves a whole image as an OCI layout folder, an OCI layout tar, or a tar that is also a
   * docker-archive: byte-exact, verified at the end, resumed where an earlier run stopped.
   */
  'export:save-image': returns<ExportResult>()({
    request: z
      .strictObject({
        operationId: operationIdSchema,
        registryId: registryIdSchema.optional(),
        repositoryName: repositoryNameSchema,
        imageTag: imageTagSchema.optional(),
        imageDigest: imageDigestSchema.optional(),
        /** 'all' keeps an index as it is; a digest saves that one platform's manifest. */
        platform: z.union([z.literal('all'), imageDigestSchema]).default('all'),
        includeReferrers: z.boolean().default(false),
        format: z.enum(['oci-dir', 'oci-tar', 'docker-archive']),
        /** A folder for oci-dir, a `.tar` file otherwise. */
        target: absolutePathSchema,
      })
      .refine((r) => r.imageTag !== undefined || r.imageDigest !== undefined, {
        message: 'name the image by imageTag or imageDigest',
        path: ['imageTag'],
      }),
  }),
  /**
   * Checks any OCI layout folder or tar: every manifest re-read, every blob re-hashed; progress
   * as `export:progress` under `operationId` (phase 'verifying'), cancel with operations:cancel.
   */
  'export:verify-layout': returns<LayoutCheck>()({
    request: z.strictObject({
      path: absolutePathSchema,
      operationId: operationIdSchema.optional(),
    }),
  }),
  /** Exports an earlier run left unfinished in the download folder, to offer resuming them. */
  'export:list-unfinished': returns<UnfinishedExport[]>()({ request: empty }),
  /** Reads the remembered settings. */
  'settings:get': returns<Settings>()({ request: empty }),
  /** What to tell the user once about settings.json (damaged and kept aside, a value refused). */
  'settings:notice': returns<SettingsNotice | null>()({ request: empty }),
  /** The user read the settings notice: it is not shown again this run. */
  'settings:dismiss-notice': returns<null>()({ request: empty }),
  /**
   * Trusts a public key (PEM) for the repositories whose names start with `repositoryPrefix` (empty
   * for every repository). Main checks it is a public key of a kind cosign signs with and refuses
   * private keys before saving.
   */
  'settings:add-trusted-key': returns<Settings>()({
    request: z.strictObject({
      name: trustedKeyNameSchema,
      repositoryPrefix: repositoryPrefixSchema,
      publicKeyPem: publicKeyPemSchema,
    }),
  }),
  /** Stops trusting a key. */
  'settings:remove-trusted-key': returns<Settings>()({
    request: z.strictObject({ id: z.string().min(1).max(64) }),
  }),
  /** Changes the renderer's own preferences and saves them. */
  'settings:update': returns<Settings>()({
    request: z.strictObject({
      repositorySort: repositorySortSchema.optional(),
      tagStatus: tagStatusSchema.optional(),
      imageSort: imageSortSchema.optional(),
      downloadDir: absolutePathSchema.nullable().optional(),
      downloadConcurrency: downloadConcurrencySchema.optional(),
      checkForUpdates: z.boolean().optional(),
    }),
  }),
  /** Opens an AWS documentation or console link in the browser; other URLs are refused. */
  /**
   * What this shell can do for the user: open the file manager at a file, show a folder dialog, a
   * file dialog. The web bridge can do none of them, so the UI says what it would do instead.
   */
  'dialogs:capabilities': returns<{
    showInFolder: boolean
    chooseFolder: boolean
    chooseFile: boolean
  }>()({ request: empty }),
  'dialogs:open-external': returns<null>()({
    request: z.strictObject({ url: z.url({ protocol: /^https$/ }).max(2048) }),
  }),
} as const satisfies Record<InvokeChannel, InvokeDef<z.ZodType, unknown>>

/** Every event from main to the renderer. */
export const eventContract = {
  /** The connection changed (picked by the user, or the demo registry started). */
  'connection:changed': emits<ConnectionState>(),
  /** Progress of one download or file check, at most 10 a second each. */
  'downloads:progress': emits<DownloadProgress>(),
  /** Progress of indexing, merging or extracting layer contents, at most 10 a second each. */
  'contents:progress': emits<ContentsProgress>(),
  /** Progress of one image export: overall and per blob in flight, at most 10 a second. */
  'export:progress': emits<ExportProgress>(),
} as const satisfies Record<EventChannel, EventDef<unknown>>

export type InvokeContract = typeof invokeContract
export type EventContract = typeof eventContract
export type { EventChannel, InvokeChannel }

/** What the renderer sends on a channel. */
export type RequestOf<C extends InvokeChannel> = z.input<InvokeContract[C]['request']>
/** What a handler receives once the request has been parsed. */
export type ParsedRequestOf<C extends InvokeChannel> = z.output<InvokeContract[C]['request']>
/** What a handler resolves with. */
export type ResponseOf<C extends InvokeChannel> = NonNullable<InvokeContract[C]['response']>['type']
/** What an event carries. */
export type PayloadOf<E extends EventChannel> = NonNullable<EventContract[E]['payload']>['type']

/** The object the preload exposes as window.ecr: one method per channel, one `on…` per event. */
export type EcrApi = {
  [C in InvokeChannel as MethodOf<C>]: (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>
} & {
  [E in EventChannel as EventMethodOf<E>]: (listener: (payload: PayloadOf<E>) => void) => () => void
}

/** The channel names, in declaration order. */
export const invokeChannels = INVOKE_CHANNELS
/** The event names, in declaration order. */
export const eventChannels = EVENT_CHANNELS

/** buildApi (channels.ts), typed with the contract's requests and responses. */
export const buildApi = buildApiFromNames as (
  invoke: (channel: InvokeChannel, request: unknown) => Promise<unknown>,
  subscribe: (channel: EventChannel, listener: (payload: unknown) => void) => () => void,
) => EcrApi
