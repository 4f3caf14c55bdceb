import type { z } from 'zod'
import type { repositorySortSchema, settingsSchema } from '../schemas'

/** How the repositories list is sorted. */
export type RepositorySort = z.infer<typeof repositorySortSchema>

/** What the app remembers between runs. It never holds secrets. */
export type Settings = z.infer<typeof settingsSchema>

/** A public key the user trusts, for the repositories whose names start with its prefix. */
export type TrustedKeySetting = Settings['trustedKeys'][number]

/** How the images list is sorted. */
export type ImageSort = Settings['imageSort']

/** A partial update of the settings the renderer may change directly. */
export type SettingsPatch = Partial<
  Pick<
    Settings,
    | 'repositorySort'
    | 'tagStatus'
    | 'imageSort'
    | 'downloadDir'
    | 'downloadConcurrency'
    | 'checkForUpdates'
  >
>

/**
 * Something about settings.json the user is told once, at start: the file was damaged and kept
 * aside, a value in it was refused, or it cannot be saved at all.
 */
export interface SettingsNotice {
  /** What happened, for a person. */
  message: string
  /** What to do about it. */
  nextStep: string
  /** Where the damaged file was kept, when it was. */
  keptAs: string | null
}
