import { randomUUID, type KeyObject } from 'node:crypto'
import { constants } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppErrorException } from '../../../shared/ipc/result'
import {
  MAX_PICKED_FOLDERS,
  MAX_TRUSTED_KEYS,
  ownMap,
  settingsSchema,
} from '../../../shared/schemas'
import type { ConnectionChoice } from '../../../shared/models/connection'
import type {
  Settings,
  SettingsNotice,
  SettingsPatch,
  TrustedKeySetting,
} from '../../../shared/models/settings'
import { lstatOrNull, writeFileAtomic } from '../fs/safe-file'
import { parsePublicKey } from '../supply-chain/cosign'
import type { HandlersOf } from '../ipc/handlers'
import type { UserPaths } from './user-paths'

const DEFAULTS: Settings = settingsSchema.parse({})

/** What the settings service needs besides its file. */
export interface SettingsDeps {
  /** Where a damaged file and a refused value are logged. */
  log?: { warn(scope: string, message: string): void }
  /** The time in a kept file's name (`settings.json.bad-<time>`). */
  now?: () => Date
}

// Read without following a link: a settings.json that is a link is not the app's own file.
const READ = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)

/**
 * Reads and writes settings.json. Writes are atomic and serialised; the file never holds secrets.
 * A damaged file is kept beside it, logged, and reported once through `notice()`.
 */
export class SettingsService {
  private cached: Settings | null = null
  private loading: Promise<void> | null = null
  private writing: Promise<unknown> = Promise.resolve()
  private pendingNotice: SettingsNotice | null = null

  constructor(
    private readonly file: string,
    private readonly deps: SettingsDeps = {},
  ) {}

  /** Returns the settings, falling back to defaults for a missing or damaged file. */
  async get(): Promise<Settings> {
    this.loading ??= this.load()
    await this.loading
    return this.cached ?? DEFAULTS
  }

  /** What the user should be told about settings.json this run, until they dismiss it. */
  async notice(): Promise<SettingsNotice | null> {
    await this.get()
    return this.pendingNotice
  }

  /** Forgets the notice once the user has read it. */
  dismissNotice(): null {
    this.pendingNotice = null
    return null
  }

  /**
   * The `settings:` channels. The download folder is where typed paths are honoured, so a new one
   * must be a folder the user chose with the folder dialog (or one inside a folder already
   * allowed): `paths` checks it before it is saved.
   */
  handlers(paths: Pick<UserPaths, 'check'>): HandlersOf<'settings'> {
    return {
      'settings:get': () => this.get(),
      'settings:notice': () => this.notice(),
      'settings:dismiss-notice': () => Promise.resolve(this.dismissNotice()),
      'settings:update': async (patch) => {
        if (patch.downloadDir) await paths.check(patch.downloadDir, 'downloadDir', 'folder')
        return this.update(patch)
      },
      'settings:add-trusted-key': (request) => this.addTrustedKey(request),
      'settings:remove-trusted-key': ({ id }) => this.removeTrustedKey(id),
    }
  }

  private async load(): Promise<void> {
    const there = await lstatOrNull(this.file).catch(() => null)
    if (there === null) {
      this.cached = DEFAULTS
      return
    }
    if (there.isDirectory()) {
      // Not ours to move: say so, and saving says so again (UnsafeFile) until it is gone.
      this.tell({
        message: `${this.file} is a folder, not a settings file, so the app started with its default settings and cannot save changes.`,
        nextStep: `Move or delete the folder ${this.file}, then restart the app.`,
        keptAs: null,
      })
      this.cached = DEFAULTS
      return
    }
    let text: string | null = null
    let why = ''
    if (there.isFile()) {
      try {
        const handle = await open(this.file, READ)
        try {
          text = await handle.readFile('utf8')
        } finally {
          await handle.close()
        }
      } catch (error) {
        why = `it could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`
      }
    } else {
      why = there.isSymbolicLink() ? 'it is a symbolic link' : 'it is not a regular file'
    }
    let raw: unknown = null
    if (text !== null) {
      try {
        raw = JSON.parse(text)
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
          why = 'it does not hold a JSON object'
          raw = null
        }
      } catch (error) {
        why = `it is not valid JSON (${(error as Error).message})`
      }
    }
    if (raw === null) {
      // Damaged as a whole: moved aside (a link moves as the link), so the next save cannot
      // overwrite what may be the only copy of the user's settings.
      const keptAs = await this.keepAside()
      this.tell({
        message: `${basename(this.file)} was damaged: ${why}. The app started with its default settings${keptAs ? ` and kept the damaged file as ${keptAs}` : ''}.`,
        nextStep: keptAs
          ? `Choose your settings again, or copy what you need from ${keptAs}; delete it when you no longer need it.`
          : 'Choose your settings again.',
        keptAs,
      })
      this.cached = DEFAULTS
      return
    }
    const parsed = settingsSchema.parse(raw)
    const record = raw as Record<string, unknown>
    const refused = Object.keys(settingsSchema.shape).filter(
      (key) =>
        Object.hasOwn(record, key) &&
        JSON.stringify(record[key]) !== JSON.stringify(parsed[key as keyof Settings]),
    )
    if (refused.length > 0) {
      const keptAs = await this.keepCopy(text!)
      const dir = record.downloadDir
      const relative =
        refused.includes('downloadDir') && typeof dir === 'string' && dir.length > 0
          ? ` The download folder "${dir}" is not an absolute path, so it was ignored rather than resolved against the working folder; downloads go to the default folder.`
          : ''
      this.tell({
        message: `Some settings in ${basename(this.file)} were not valid and were reset to their defaults: ${refused.join(', ')}.${relative}${keptAs ? ` The file as it was is kept as ${keptAs}.` : ''}`,
        nextStep: relative
          ? 'Choose the download folder again in Settings (an absolute path), and check the other settings named.'
          : 'Check the settings named, and choose them again if you had changed them.',
        keptAs,
      })
    }
    this.cached = parsed
  }

  private tell(notice: SettingsNotice): void {
    this.pendingNotice = notice
    this.deps.log?.warn('settings', `${notice.message} ${notice.nextStep}`)
  }

  private badName(): string {
    const stamp = (this.deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')
    return join(dirname(this.file), `${basename(this.file)}.bad-${stamp}`)
  }

  // The damaged file itself moves aside; null when it could not be moved.
  private async keepAside(): Promise<string | null> {
    const target = this.badName()
    try {
      if (await lstatOrNull(target)) return null
      await rename(this.file, target)
      return target
    } catch (error) {
      this.deps.log?.warn('settings', `could not keep the damaged ${this.file}: ${String(error)}`)
      return null
    }
  }

  // A file with only some values refused stays in place (its good values are used): a copy of
  // it is kept, since the next save rewrites it without the refused ones.
  private async keepCopy(text: string): Promise<string | null> {
    const target = this.badName()
    try {
      await writeFileAtomic(target, text)
      return target
    } catch (error) {
      this.deps.log?.warn('settings', `could not keep a copy of ${this.file}: ${String(error)}`)
      return null
    }
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

  /**
   * Trusts a public key for the repositories whose names start with `repositoryPrefix`. The PEM
   * must be a public key of a kind cosign signs with: a private key, or anything else, is refused
   * before anything is saved.
   */
  async addTrustedKey(request: {
    name: string
    repositoryPrefix: string
    publicKeyPem: string
  }): Promise<Settings> {
    const parsed = parsePublicKey(request.publicKeyPem)
    if (!parsed.ok) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'publicKeyPem',
        message: `${parsed.problem} Nothing was saved.`,
      })
    }
    const der = spki(parsed.value.key)
    const current = await this.get()
    const twin = current.trustedKeys.find(
      (k) =>
        k.repositoryPrefix === request.repositoryPrefix &&
        (() => {
          const other = parsePublicKey(k.publicKeyPem)
          return other.ok && spki(other.value.key) === der
        })(),
    )
    if (twin) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'publicKeyPem',
        message: `This key is already trusted for ${prefixInWords(request.repositoryPrefix)}, as "${twin.name}".`,
      })
    }
    if (current.trustedKeys.length >= MAX_TRUSTED_KEYS) {
      throw new AppErrorException({
        code: 'InvalidParameter',
        field: 'publicKeyPem',
        message: `Settings keep at most ${MAX_TRUSTED_KEYS} trusted keys. Remove one you no longer need first.`,
      })
    }
    const key: TrustedKeySetting = {
      id: randomUUID(),
      name: request.name.trim(),
      repositoryPrefix: request.repositoryPrefix.trim(),
      // Re-exported from the parsed key: what is saved is a public key and nothing else.
      publicKeyPem: parsed.value.key.export({ type: 'spki', format: 'pem' }).toString(),
      addedAt: (this.deps.now?.() ?? new Date()).toISOString(),
    }
    return this.apply((s) => ({ ...s, trustedKeys: [...s.trustedKeys, key] }))
  }

  /** Stops trusting a key; an id that is not there changes nothing. */
  async removeTrustedKey(id: string): Promise<Settings> {
    return this.apply((s) => ({ ...s, trustedKeys: s.trustedKeys.filter((k) => k.id !== id) }))
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

/** The repositories a prefix covers, in words. */
export function prefixInWords(prefix: string): string {
  return prefix === '' ? 'every repository' : `repositories starting with "${prefix}"`
}

function spki(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64')
}

/**
 * Writes settings-like JSON through the one safe-write helper: a sibling temp file created
 * exclusively, fsynced, renamed over the target. A crash mid-write leaves the previous file
 * intact; a folder at the target is refused with UnsafeFile. Also used for window-state.json.
 */
export async function writeAtomically(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text, { createFolder: true })
}
