import { lstat, realpath } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { AppErrorException } from '../../../shared/ipc/result'
import { isInside } from '../fs/inside'

/** What the gate needs to know about the user's folders. */
export interface UserPathsDeps {
  /** The download folder in use now (override, setting or the OS Downloads folder). */
  downloadFolder: () => Promise<string>
  /** Folders the folder dialog returned in earlier runs, as remembered in settings. */
  pickedFolders: () => Promise<readonly string[]>
  /** Remembers a folder the dialog returned, for later runs. */
  rememberFolder: (path: string) => Promise<void>
  /** Whether this platform has a file dialog (the web bridge has none: paths are typed). */
  canChooseFile: () => boolean
  /** The OS, for how paths compare (Windows and macOS names are case-insensitive). */
  platform?: NodeJS.Platform
}

/** How many files chosen in the dialog are remembered in this run. */
const MAX_CHOSEN_FILES = 256

/**
 * The gate for paths that reach main from the renderer. A path is honoured only if the user chose
 * it: a file the file dialog returned in this run, or anything under the download folder or a
 * folder the folder dialog returned. What lands on disk counts, not the name: the path is resolved
 * through any links, so a link planted in the download folder cannot point the app at /etc/shadow.
 * A request that names any other path (a compromised page, a crafted call) is refused with
 * PathNotChosen, which says how to choose it instead.
 */
export class UserPaths {
  private readonly chosenFiles = new Set<string>()
  private readonly chosenFolders = new Set<string>()

  constructor(private readonly deps: UserPathsDeps) {}

  /** Records a file the file dialog returned, so verify, index and show accept it. */
  fileChosen(path: string): void {
    const key = this.key(path)
    this.chosenFiles.delete(key)
    this.chosenFiles.add(key)
    if (this.chosenFiles.size > MAX_CHOSEN_FILES) {
      this.chosenFiles.delete(this.chosenFiles.values().next().value!)
    }
  }

  /** Records a folder the folder dialog returned, in this run and in settings for later ones. */
  async folderChosen(path: string): Promise<void> {
    this.chosenFolders.add(this.key(path))
    await this.deps.rememberFolder(resolve(path))
  }

  /** Whether the folder dialog returned this folder (so it may become the download folder). */
  async wasFolderChosen(path: string): Promise<boolean> {
    const key = this.key(path)
    if (this.chosenFolders.has(key)) return true
    return (await this.deps.pickedFolders()).some((folder) => this.key(folder) === key)
  }

  /**
   * Returns the path if the user chose it, else throws PathNotChosen naming `field`. `kind` says
   * whether a file or a folder is meant, for the message.
   */
  async check(path: string, field: string, kind: 'file' | 'folder'): Promise<string> {
    if (kind === 'file' && this.chosenFiles.has(this.key(path))) return path
    const roots = [
      await this.deps.downloadFolder(),
      ...(await this.deps.pickedFolders()),
      ...this.chosenFolders,
    ]
    const resolved = await realpathDeep(path)
    if (resolved === null) throw await this.refusal(path, field, kind)
    const real = this.key(resolved)
    for (const root of roots) {
      const realRootPath = await realpathDeep(root)
      if (realRootPath === null) continue
      if (isInside(this.key(realRootPath), real)) return path
    }
    throw await this.refusal(path, field, kind)
  }

  private async refusal(path: string, field: string, kind: 'file' | 'folder') {
    const folder = await this.deps.downloadFolder()
    const picker = this.deps.canChooseFile()
    const what = kind === 'file' ? 'file' : 'folder'
    const how =
      kind === 'folder'
        ? `choose it with Change… under Settings → Download folder, or use a folder inside the download folder ${folder}`
        : picker
          ? `choose the file with Choose file…, or put it in the download folder ${folder}`
          : `there is no file dialog here, so typed paths must be under the download folder: put the file in ${folder} and type its path there`
    return new AppErrorException({
      code: 'PathNotChosen',
      field,
      message: `The ${what} ${path} was not chosen in this app: ${how}.`,
      folder,
      picker,
    })
  }

  private key(path: string): string {
    const platform = this.deps.platform ?? process.platform
    const absolute = resolve(path)
    return platform === 'win32' || platform === 'darwin' ? absolute.toLowerCase() : absolute
  }
}

/**
 * The real path of `path`, following every link, even when its last parts do not exist yet (a
 * folder a download will create): the deepest existing ancestor is resolved and the rest appended.
 * Null when something exists but cannot be resolved (a dangling link, a loop): where it points is
 * unknown, so it cannot be shown to stay inside anything.
 */
export async function realpathDeep(path: string): Promise<string | null> {
  const absolute = resolve(path)
  const missing: string[] = []
  let current = absolute
  for (;;) {
    try {
      return join(await realpath(current), ...missing.reverse())
    } catch {
      if (await exists(current)) return null
      const parent = dirname(current)
      if (parent === current) return absolute
      missing.push(basename(current))
      current = parent
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}
