import { z } from 'zod'
import { AppErrorException } from './ipc/result'
import type {
  Descriptor,
  HistoryEntry,
  ImageConfig,
  ImageManifest,
  LayerCompression,
  LayerDescriptor,
  PlatformEntry,
} from './models/image'

/** The manifest media types the app asks ECR for and can read. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const

/** BatchGetImage's acceptedMediaTypes: indexes come back unconverted, as real clients ask. */
export const ACCEPTED_MANIFEST_TYPES = Object.values(MEDIA_TYPES)

const digestSchema = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/)
const annotationsSchema = z.record(z.string(), z.string()).optional()

const descriptorSchema = z.object({
  mediaType: z.string().optional(),
  digest: digestSchema,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: annotationsSchema,
})

const imageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
})

const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(
    descriptorSchema.extend({
      platform: z
        .object({
          os: z.string().optional(),
          architecture: z.string().optional(),
          variant: z.string().optional(),
          'os.version': z.string().optional(),
        })
        .optional(),
    }),
  ),
})

const fail = (code: 'UnsupportedManifest' | 'InvalidManifest', message: string): never => {
  throw new AppErrorException({ code, message })
}

/** How a layer is compressed and whether it lives outside the registry, from its media type. */
export function classifyLayer(mediaType: string): {
  compression: LayerCompression
  foreign: boolean
} {
  const foreign = /foreign|nondistributable/.test(mediaType)
  if (/gzip$/.test(mediaType)) return { compression: 'gzip', foreign }
  if (/zstd$/.test(mediaType)) return { compression: 'zstd', foreign }
  if (/\.tar$|diff\.tar$/.test(mediaType)) return { compression: 'none', foreign }
  return { compression: 'unknown', foreign }
}

/** Parses and validates a manifest string as ECR returned it. */
export function parseManifest(
  raw: string,
  digest: string,
  mediaTypeHint: string | null,
): ImageManifest {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return fail('InvalidManifest', 'The manifest is not valid JSON.')
  }
  const declared =
    (typeof json === 'object' && json !== null && 'mediaType' in json
      ? String(json.mediaType)
      : null) ??
    mediaTypeHint ??
    (typeof json === 'object' && json !== null && 'manifests' in json
      ? MEDIA_TYPES.ociIndex
      : MEDIA_TYPES.ociManifest)

  if (declared === MEDIA_TYPES.ociIndex || declared === MEDIA_TYPES.dockerManifestList) {
    const parsed = indexSchema.safeParse(json)
    if (!parsed.success) return fail('InvalidManifest', describe(parsed.error))
    const platforms: PlatformEntry[] = parsed.data.manifests.map((entry) => {
      const annotations = entry.annotations ?? {}
      const os = entry.platform?.os ?? null
      return {
        digest: entry.digest,
        mediaType: entry.mediaType ?? MEDIA_TYPES.ociManifest,
        size: entry.size,
        ...(entry.annotations ? { annotations: entry.annotations } : {}),
        os,
        architecture: entry.platform?.architecture ?? null,
        variant: entry.platform?.variant ?? null,
        osVersion: entry.platform?.['os.version'] ?? null,
        attestation:
          annotations['vnd.docker.reference.type'] === 'attestation-manifest' || os === 'unknown',
      }
    })
    return { kind: 'index', digest, mediaType: declared, raw, platforms }
  }
  if (declared === MEDIA_TYPES.ociManifest || declared === MEDIA_TYPES.dockerManifest) {
    const parsed = imageManifestSchema.safeParse(json)
    if (!parsed.success) return fail('InvalidManifest', describe(parsed.error))
    const layers: LayerDescriptor[] = parsed.data.layers.map((layer) => {
      const mediaType = layer.mediaType ?? 'application/vnd.oci.image.layer.v1.tar'
      return { ...toDescriptor(layer, mediaType), ...classifyLayer(mediaType) }
    })
    return {
      kind: 'image',
      digest,
      mediaType: declared,
      raw,
      config: toDescriptor(
        parsed.data.config,
        parsed.data.config.mediaType ?? 'application/vnd.oci.image.config.v1+json',
      ),
      layers,
      artifactType: parsed.data.artifactType ?? null,
    }
  }
  return fail(
    'UnsupportedManifest',
    `The manifest media type "${declared}" is not one the app can read (Docker v2 schema 2, Docker manifest list, OCI manifest or OCI index).`,
  )
}

const configSchema = z.object({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  created: z.string().optional(),
  author: z.string().optional(),
  config: z
    .object({
      Env: z.array(z.string()).nullish(),
      Entrypoint: z.array(z.string()).nullish(),
      Cmd: z.array(z.string()).nullish(),
      WorkingDir: z.string().nullish(),
      User: z.string().nullish(),
      Labels: z.record(z.string(), z.string()).nullish(),
      ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
  rootfs: z.object({ diff_ids: z.array(z.string()).nullish() }).nullish(),
  history: z
    .array(
      z.object({
        created: z.string().nullish(),
        created_by: z.string().nullish(),
        comment: z.string().nullish(),
        author: z.string().nullish(),
        empty_layer: z.boolean().nullish(),
      }),
    )
    .nullish(),
})

/** Parses an image config blob (already verified against its digest). */
export function parseImageConfig(raw: string, digest: string): ImageConfig {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return fail('InvalidManifest', 'The image config is not valid JSON.')
  }
  const parsed = configSchema.safeParse(json)
  if (!parsed.success) return fail('InvalidManifest', describe(parsed.error))
  const c = parsed.data
  const history: HistoryEntry[] = (c.history ?? []).map((h) => ({
    created: h.created ?? null,
    createdBy: h.created_by ?? null,
    comment: h.comment ?? null,
    author: h.author ?? null,
    emptyLayer: h.empty_layer ?? false,
  }))
  return {
    digest,
    raw,
    os: c.os ?? null,
    architecture: c.architecture ?? null,
    variant: c.variant ?? null,
    created: c.created ?? null,
    author: c.author ?? null,
    env: c.config?.Env ?? [],
    entrypoint: c.config?.Entrypoint ?? null,
    cmd: c.config?.Cmd ?? null,
    workingDir: c.config?.WorkingDir || null,
    user: c.config?.User || null,
    labels: c.config?.Labels ?? {},
    exposedPorts: Object.keys(c.config?.ExposedPorts ?? {}),
    history,
    diffIds: c.rootfs?.diff_ids ?? [],
  }
}

/** A layer row with the history that made it, and the empty-layer steps just before it. */
export interface LayerWithHistory {
  index: number
  layer: LayerDescriptor
  history: HistoryEntry | null
  /** Metadata-only steps (ENV, CMD, LABEL…) between the previous layer and this one. */
  emptyBefore: HistoryEntry[]
}

/**
 * Pairs layers with the non-empty history entries, in order, as the OCI spec defines. Returns the
 * empty-layer entries after the last layer separately.
 */
export function alignHistory(
  layers: LayerDescriptor[],
  history: HistoryEntry[],
): { rows: LayerWithHistory[]; emptyAfter: HistoryEntry[] } {
  const rows: LayerWithHistory[] = []
  let pending: HistoryEntry[] = []
  let next = 0
  for (const entry of history) {
    if (entry.emptyLayer || next >= layers.length) {
      pending.push(entry)
      continue
    }
    rows.push({ index: next, layer: layers[next]!, history: entry, emptyBefore: pending })
    pending = []
    next++
  }
  for (; next < layers.length; next++) {
    rows.push({ index: next, layer: layers[next]!, history: null, emptyBefore: pending })
    pending = []
  }
  return { rows, emptyAfter: pending }
}

function toDescriptor(d: z.infer<typeof descriptorSchema>, mediaType: string): Descriptor {
  return {
    digest: d.digest,
    mediaType,
    size: d.size,
    ...(d.urls ? { urls: d.urls } : {}),
    ...(d.annotations ? { annotations: d.annotations } : {}),
  }
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]
  return `The manifest is malformed at "${issue?.path.join('.') || '(root)'}": ${issue?.message ?? 'invalid'}`
}
