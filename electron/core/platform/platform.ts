/** What the services need from the desktop shell. Electron implements it; the web bridge has a Node one. */
export interface Platform {
  /** Opens an https URL in the user's browser. */
  openExternal(url: string): Promise<void>
  /** Reveals a file in the OS file manager. */
  showItemInFolder(path: string): void
  /** Shows an OS notification. */
  notify(title: string, body: string): void
  /** Shows overall progress on the taskbar or dock (0..1), or clears it with null. */
  setProgress(fraction: number | null): void
  /** The OS Downloads folder. */
  downloadsFolder(): string
  /** Asks the user for a folder; null when cancelled. */
  chooseFolder(options: { title: string; defaultPath?: string }): Promise<string | null>
  /** Whether showItemInFolder can open a file manager at all (a browser tab behind the web bridge cannot). */
  readonly canShowInFolder: boolean
  /** Whether chooseFolder shows a dialog (the web bridge has none: it answers its configured folder). */
  readonly canChooseFolder: boolean
  /** Whether chooseFile can show a dialog at all (the web bridge has none unless given one). */
  readonly canChooseFile: boolean
  /** Asks the user for one existing file; null when cancelled or when there is no dialog. */
  chooseFile(options: { title: string; defaultPath?: string }): Promise<string | null>
}

// Links the app may open: AWS documentation and console pages only. Anything else is refused, so
// a crafted error message cannot send the user to an arbitrary site.
const EXTERNAL_ALLOW_LIST = [
  /^https:\/\/docs\.aws\.amazon\.com\//,
  /^https:\/\/([a-z0-9-]+\.)?console\.aws\.amazon\.com\//,
  /^https:\/\/health\.aws\.amazon\.com\//,
  // A scan finding's advisory, by its id only: the vulnerability databases ECR and Inspector cite.
  /^https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-\d{4}-\d{4,}$/,
  /^https:\/\/www\.cve\.org\/CVERecord\?id=CVE-\d{4}-\d{4,}$/,
  /^https:\/\/github\.com\/advisories\/GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/,
  /^https:\/\/security\.alpinelinux\.org\/vuln\/CVE-\d{4}-\d{4,}$/,
  /^https:\/\/security-tracker\.debian\.org\/tracker\/CVE-\d{4}-\d{4,}$/,
  /^https:\/\/ubuntu\.com\/security\/CVE-\d{4}-\d{4,}$/,
  /^https:\/\/access\.redhat\.com\/security\/cve\/CVE-\d{4}-\d{4,}$/,
  /^https:\/\/alas\.aws\.amazon\.com\/(AL2023\/|AL2\/)?ALAS[0-9A-Z-]+\.html$/,
]

/** Whether a URL may be opened outside the app. */
export function isAllowedExternalUrl(url: string): boolean {
  return EXTERNAL_ALLOW_LIST.some((pattern) => pattern.test(url))
}
