import { useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { settingsNoticeQuery, useDismissSettingsNotice } from '../../api/settings'
import './settings-notice.css'

/**
 * Shown once at start when main could not use settings.json as it was: damaged and kept aside, a
 * value refused (a relative download folder), or a folder where the file should be. It says what
 * happened and what to do, and goes away when dismissed.
 */
export function SettingsNotice() {
  const notice = useQuery(settingsNoticeQuery())
  const dismiss = useDismissSettingsNotice()
  const headingId = useId()
  if (!notice.data) return null
  const { message, nextStep, keptAs } = notice.data
  return (
    <section className="settings-notice" aria-labelledby={headingId}>
      <h2 id={headingId}>Your settings file could not be used as it was</h2>
      <p>{message}</p>
      <p>
        <strong>What to do: </strong>
        {nextStep}
      </p>
      {keptAs && (
        <p className="hint">
          Kept as <code>{keptAs}</code>
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => dismiss.mutate()}>
          Dismiss
        </button>
      </div>
    </section>
  )
}
