import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import type { AppError } from '../../../shared/ipc/result'
import type { DownloadResult } from '../../../shared/models/download'
import type { DownloadHistoryEntry, DownloadOutcome } from '../../../shared/models/download-history'
import { blobSizeSchema, mediaTypeSchema } from '../../../shared/schemas'
import { writeFileAtomic } from '../fs/safe-file'

/** How many entries the history keeps; the oldest go first. */
export const HISTORY_LIMIT = 200

// The file is read back as hostile input: an entry that does not parse is dropped, not trusted.
const entrySchema = z.object({
  id: z.string().min(1).max(200),
  endedAt: z.iso.datetime(),
  outcome: z.enum(['downloaded', 'already-verified', 'skipped', 'cancelled', 'failed']),
  registryId: z.string().max(64).nullable(),
  repositoryName: z.string().min(1).max(256),
  digest: z.string().min(1).max(200),
  mediaType: mediaTypeSchema,
  size: blobSizeSchema,
  path: z.string().max(32_767).nullable(),
  errorCode: z.string().max(100).nullable(),
  errorMessage: z.string().max(2000).nullable(),
})

/**
 * The downloads of earlier runs (and of this one): newest first, bounded, in
 * download-history.json in the app's data folder. Writes are atomic and serialised.
 */
export class DownloadHistoryService {
  private entries: DownloadHistoryEntry[] | null = null
  private loading: Promise<DownloadHistoryEntry[]> | null = null
  private writing: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly file: string,
    private readonly limit = HISTORY_LIMIT,
  ) {}

  /** Every remembered download, newest first. */
  async list(): Promise<DownloadHistoryEntry[]> {
    await this.load()
    // this.entries, not what load() resolved with: a record() that ran meanwhile replaced it.
    return [...(this.entries ?? [])]
  }

  /** Adds one ended download (replacing an entry with the same id) and saves. */
  async record(entry: DownloadHistoryEntry): Promise<void> {
    const current = await this.load()
    this.entries = [entry, ...current.filter((e) => e.id !== entry.id)].slice(0, this.limit)
    await this.save()
  }

  /** Forgets every entry. The files themselves stay where they are. */
  async clear(): Promise<DownloadHistoryEntry[]> {
    await this.load()
    this.entries = []
    await this.save()
    return []
  }

  private load(): Promise<DownloadHistoryEntry[]> {
    if (this.entries) return Promise.resolve(this.entries)
    this.loading ??= (async () => {
      let raw: unknown = []
      try {
        raw = JSON.parse(await readFile(this.file, 'utf8'))
      } catch {
        // Missing or damaged: start empty; the next save rewrites it whole.
      }
      const list = Array.isArray(raw) ? raw : []
      const parsed = list.flatMap((item) => {
        const entry = entrySchema.safeParse(item)
        return entry.success ? [entry.data] : []
      })
      this.entries ??= parsed.slice(0, this.limit)
      return this.entries
    })()
    return this.loading
  }

  private save(): Promise<void> {
    const text = JSON.stringify(this.entries ?? [], null, 2)
    const write = this.writing.then(() => writeFileAtomic(this.file, text, { createFolder: true }))
    this.writing = write.catch(() => undefined)
    return write
  }
}

/** What a download was asked for, as the history needs it. */
interface DownloadAsked {
  operationId: string
  registryId?: string | undefined
  repositoryName: string
  digest: string
  mediaType: string
  size: number | null
}

/** The history entry for a download that ended with `result`, or failed with `error`. */
export function historyEntry(
  request: DownloadAsked,
  result: DownloadResult | null,
  error: AppError | null,
  now: Date,
): DownloadHistoryEntry {
  const outcome: DownloadOutcome =
    result === null || result.status === 'conflict' ? 'failed' : result.status
  return {
    id: request.operationId,
    endedAt: now.toISOString(),
    outcome,
    registryId: request.registryId ?? null,
    repositoryName: request.repositoryName,
    digest: request.digest,
    mediaType: request.mediaType,
    size: result?.size ?? request.size,
    path:
      result && (outcome === 'downloaded' || outcome === 'already-verified') ? result.path : null,
    errorCode: error?.code ?? null,
    errorMessage: error ? error.message.slice(0, 2000) : null,
  }
}
