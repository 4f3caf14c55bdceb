import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { MAX_PICKED_FOLDERS, ownMap, settingsSchema } from '../../../shared/schemas'
import type { ConnectionChoice } from '../../../shared/models/connection'
import type { Settings, SettingsPatch } from '../../../shared/models/settings'

const DEFAULTS: Settings = settingsSchema.parse({})

/** Reads and writes settings.json. Writes are atomic and serialised; the file never holds secrets. */
export class SettingsService {
  private cached: Settings | null = null
  private loading: Promise<void> | null = null
  private writing: Promise<unknown> = Promise.resolve()

  constructor(private readonly file: string) {}

  /** Returns the settings, falling back to defaults for a missing or damaged file. */
  async get(): Promise<Settings> {
    this.loading ??= this.load()
    await this.loading
    return this.cached ?? DEFAULTS
  }

  private async load(): Promise<void> {
    let raw: unknown = {}
    try {
      raw = JSON.parse(await readFile(this.file, 'utf8'))
    } catch {
      // Missing or unreadable: start from defaults; the next save rewrites it whole.
    }
    const parsed = settingsSchema.safeParse(raw)
    this.cached = parsed.success ? parsed.data : DEFAULTS
  }

  /** Applies the renderer's preferences and saves them. */
  async update(patch: SettingsPatch): Promise<Settings> {
    // An absent field means "leave as is"; only null clears a nullable setting.
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    return this.apply((current) => ({ ...current, ...defined }))
  }

  /** Remembers which registry to browse for a profile; null goes back to the caller's own. */
  async setRegistry(profileKey: string, registryId: string | null): Promise<Settings> {
    return this.apply((current) => {
      // The key is a profile name from outside: on a plain object `__proto__` would set the
      // prototype instead of an entry, and the choice would silently not be saved.
      const registryByProfile = ownMap(Object.entries(current.registryByProfile))
      if (registryId) registryByProfile[profileKey] = registryId
      else delete registryByProfile[profileKey]
      return { ...current, registryByProfile }
    })
  }

  /** Remembers a folder the folder dialog returned (the newest last, at most MAX_PICKED_FOLDERS). */
  async rememberFolder(path: string): Promise<Settings> {
    return this.apply((current) => {
      const kept = current.pickedFolders.filter((folder) => folder !== path)
      return { ...current, pickedFolders: [...kept, path].slice(-MAX_PICKED_FOLDERS) }
    })
  }

  /** Remembers the connection the user picked. */
  async setConnection(connection: ConnectionChoice): Promise<Settings> {
    return this.apply((current) => ({ ...current, connection }))
  }

  // The change is applied to the cache synchronously after the first load, so concurrent updates
  // build on each other instead of losing one another.
  private async apply(change: (current: Settings) => Settings): Promise<Settings> {
    await this.get()
    const next = change(this.cached ?? DEFAULTS)
    this.cached = next
    const write = this.writing.then(() => writeAtomically(this.file, JSON.stringify(next, null, 2)))
    this.writing = write.catch(() => undefined)
    await write
    return next
  }
}

/**
 * Writes a sibling temp file, fsyncs it, then renames it over the target: a crash mid-write leaves
 * the previous file intact. Also used for window-state.json.
 */
export async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  const handle = await open(temp, 'w', 0o600)
  try {
    await handle.writeFile(text, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
