import type { z } from 'zod'
import type { repositorySortSchema, settingsSchema } from '../schemas'

/** How the repositories list is sorted. */
export type RepositorySort = z.infer<typeof repositorySortSchema>

/** What the app remembers between runs. It never holds secrets. */
export type Settings = z.infer<typeof settingsSchema>

/** A partial update of the settings the renderer may change directly. */
export interface SettingsPatch {
  repositorySort?: RepositorySort
}
