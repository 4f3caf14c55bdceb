import { z } from 'zod'
import { SHA256_DIGEST } from './digest'

// Patterns are ECR's own, from the service model (botocore ecr/2015-09-21/service-2.json).

/** A repository name: 2 to 256 characters, lower-case path segments. */
export const repositoryNameSchema = z
  .string()
  .min(2)
  .max(256)
  .regex(
    /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    'must be a repository name such as "team/app" (lower case, digits, ".", "_", "-" and "/")',
  )

/** A registry (account) ID: exactly 12 digits. */
export const registryIdSchema = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit account ID')

/** A content digest such as sha256:<64 hex>. */
export const layerDigestSchema = z
  .string()
  .max(1000)
  .regex(/^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/, 'must be a digest such as "sha256:<hex>"')

/** An image tag, as ECR accepts it. */
export const imageTagSchema = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[a-zA-Z0-9_][a-zA-Z0-9._-]*$/, 'must be an image tag such as "1.2.0" or "latest"')

/** An image manifest digest: sha256 with 64 hex digits, as ECR stores them. */
export const imageDigestSchema = z
  .string()
  .regex(SHA256_DIGEST, 'must be an image digest such as "sha256:<64 hex digits>"')

/** A blob's media type, as a manifest names it (artifact types are media types too). */
export const mediaTypeSchema = z.string().min(1).max(255)

/** A blob's size in bytes, or null when the manifest did not give it. */
export const blobSizeSchema = z.number().int().nonnegative().nullable()

/** DescribeImages' tag filter. */
export const tagStatusSchema = z.enum(['TAGGED', 'UNTAGGED', 'ANY'])

/** ECR's opaque pagination token. */
export const nextTokenSchema = z.string().min(1).max(65_536)

/** DescribeRepositories/DescribeImages page size. */
export const maxResultsSchema = z.number().int().min(1).max(1000)

/** An AWS region name such as eu-west-1 or us-gov-west-1. */
export const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region such as "eu-west-1"')

/** A profile name from the shared config or credentials file. */
export const profileNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s[\]]+$/, 'must be a profile name without spaces or brackets')

/** A connection the user can pick: an AWS profile (null for the default chain) and region, or the demo. */
export const connectionChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('aws'),
    profile: profileNameSchema.nullable(),
    region: regionSchema,
  }),
  z.strictObject({ kind: z.literal('demo') }),
])

/** How the repositories list is sorted. */
export const repositorySortSchema = z.enum(['name', 'created'])

/** How many downloads may run at once. */
export const downloadConcurrencySchema = z.number().int().min(1).max(8)

/** An operation ID the renderer makes up to follow and cancel one long task. */
export const operationIdSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, "-" or "_"')

/** An absolute file or folder path on this machine. */
export const absolutePathSchema = z
  .string()
  .min(1)
  .max(32_767)
  .refine((p) => /^(\/|[a-zA-Z]:[\\/]|\\\\)/.test(p), 'must be an absolute path')
  .refine((p) => !p.includes('\u0000'), 'must not contain a NUL character')

/** How the images list is sorted. */
export const imageSortSchema = z.enum(['pushed', 'size', 'tag'])

/** How many folders the folder dialog returned are remembered. */
export const MAX_PICKED_FOLDERS = 32

/** How many trusted public keys settings keep. */
export const MAX_TRUSTED_KEYS = 50

/** A PEM public key's text, at most 16 KiB (main checks that it is one). */
export const publicKeyPemSchema = z
  .string()
  .min(1)
  .max(16 * 1024)

/** A trusted key's name, as the user gave it. */
export const trustedKeyNameSchema = z
  .string()
  .trim()
  .min(1, 'give the key a name')
  .max(100)
  .refine(
    (n) => [...n].every((c) => c.charCodeAt(0) >= 0x20),
    'must not contain control characters',
  )

/**
 * The start of the repository names a trusted key is for ("team/" or "team/app"); empty for every
 * repository.
 */
export const repositoryPrefixSchema = z
  .string()
  .trim()
  .max(256)
  .regex(
    /^[a-z0-9._/-]*$/,
    'must be the start of a repository name such as "team/" (lower case, digits, ".", "_", "-" and "/")',
  )

/** A public key the user trusts for the repositories whose names start with `repositoryPrefix`. */
export const trustedKeySchema = z.strictObject({
  id: z.string().regex(/^[a-zA-Z0-9_-]{8,64}$/),
  name: trustedKeyNameSchema,
  repositoryPrefix: repositoryPrefixSchema,
  publicKeyPem: publicKeyPemSchema,
  /** ISO 8601. */
  addedAt: z.string().max(64),
})

/** An object with no prototype: a key from outside (`__proto__`, `constructor`) is only a key. */
export function ownMap<V>(entries: Iterable<[string, V]> = []): Record<string, V> {
  const map = Object.create(null) as Record<string, V>
  for (const [key, value] of entries) map[key] = value
  return map
}

/**
 * A string-keyed record whose keys come from outside (profile names, say). zod's own record drops
 * a `__proto__` key, so the entries are read as pairs and built into a null-prototype object.
 */
export function ownRecord<V extends z.ZodType>(value: V) {
  return z
    .preprocess(
      (input) =>
        typeof input === 'object' && input !== null && !Array.isArray(input)
          ? Object.entries(input)
          : input,
      z.array(z.tuple([z.string(), value])),
    )
    .transform((entries) => ownMap(entries as [string, z.output<V>][]))
}

/** The settings file. Unknown keys are dropped; a bad value falls back to its default. */
export const settingsSchema = z.object({
  connection: connectionChoiceSchema.nullable().catch(null),
  repositorySort: repositorySortSchema.catch('name'),
  /** Another account's registry to browse, keyed by profile ("" for the default chain). */
  registryByProfile: ownRecord(registryIdSchema).catch(() => ownMap<string>()),
  /** The images list's tag filter. */
  tagStatus: tagStatusSchema.catch('ANY'),
  /** How the images list is sorted. */
  imageSort: imageSortSchema.catch('pushed'),
  /**
   * Where downloads go; null for the OS Downloads folder. Absolute only: a relative path would be
   * resolved against whatever the working folder happens to be.
   */
  downloadDir: absolutePathSchema.nullable().catch(null),
  /**
   * Folders the folder dialog returned, newest last: main honours paths from the renderer only
   * under these, the download folder, or files the file dialog returned.
   */
  pickedFolders: z.array(absolutePathSchema).max(MAX_PICKED_FOLDERS).catch([]),
  /** How many downloads run at once. */
  downloadConcurrency: downloadConcurrencySchema.catch(3),
  /** Whether the desktop app asks GitHub for a newer version at start (the menu item always can). */
  checkForUpdates: z.boolean().catch(true),
  /**
   * Public keys the user trusts to verify cosign signatures, per repository prefix (never private
   * keys: main refuses them before saving).
   */
  trustedKeys: z.array(trustedKeySchema).max(MAX_TRUSTED_KEYS).catch([]),
})
