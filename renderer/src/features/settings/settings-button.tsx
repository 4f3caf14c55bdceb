import { useState } from 'react'
import { SettingsDialog } from './settings-dialog'

/** The header's "Settings" button; the dialog gives focus back to it when it closes. */
export function SettingsButton() {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Settings
      </button>
      {open && <SettingsDialog onClose={() => setOpen(false)} />}
    </>
  )
}
