/** Where downloads go now, and whether the environment forced it. */
export interface DownloadFolderChoice {
  path: string
  /** True when ECR_LAYER_BROWSER_DOWNLOAD_DIR set it: the setting cannot change it then. */
  overridden: boolean
}

/** What the download folder is decided from. */
export interface DownloadFolderDeps {
  /** ECR_LAYER_BROWSER_DOWNLOAD_DIR, for tests, benches and managed machines. */
  override: string | undefined
  /** The folder chosen under Settings → Download folder, or null. */
  chosen: () => Promise<string | null>
  /** The OS Downloads folder (the platform's). */
  osDefault: () => string
}

/**
 * The download folder: the environment's override first, then the user's setting, then the OS
 * Downloads folder. Downloads, layer contents, exports, findings and the path gate all ask here,
 * so they agree on one folder.
 */
export class DownloadFolder {
  constructor(private readonly deps: DownloadFolderDeps) {}

  /** The folder in use now, and whether the environment forced it. */
  async current(): Promise<DownloadFolderChoice> {
    const override = this.deps.override
    if (override) return { path: override, overridden: true }
    const chosen = await this.deps.chosen()
    return { path: chosen || this.deps.osDefault(), overridden: false }
  }

  /** The folder's path. */
  async path(): Promise<string> {
    return (await this.current()).path
  }
}
