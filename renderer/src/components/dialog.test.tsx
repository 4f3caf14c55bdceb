// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { Dialog } from './dialog'

afterEach(cleanup)

function Harness({ nested = false }: { nested?: boolean }) {
  const [open, setOpen] = useState(false)
  const [inner, setInner] = useState(false)
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Open
      </button>
      {open && (
        <Dialog title="Outer" onClose={() => setOpen(false)}>
          <input aria-label="First" />
          <button type="button" disabled>
            Disabled
          </button>
          {nested && (
            <button type="button" onClick={() => setInner(true)}>
              Inner
            </button>
          )}
          <button type="button" onClick={() => setOpen(false)}>
            Last
          </button>
          {inner && (
            <Dialog title="Inner dialog" onClose={() => setInner(false)}>
              <button type="button">Only</button>
            </Dialog>
          )}
        </Dialog>
      )}
    </>
  )
}

describe('Dialog', () => {
  it('takes focus, keeps Tab inside, makes the page inert, and gives everything back on Escape', () => {
    render(<Harness />)
    const open = screen.getByRole('button', { name: 'Open' })
    open.focus()
    fireEvent.click(open)
    const dialog = screen.getByRole('dialog', { name: 'Outer' })
    expect(dialog.getAttribute('aria-modal')).toBe('true')
    const first = screen.getByRole('textbox', { name: 'First' })
    const last = screen.getByRole('button', { name: 'Last' })
    expect(document.activeElement).toBe(first)
    expect(open.closest('[inert]')).not.toBeNull()
    expect(dialog.closest('[inert]')).toBeNull()

    last.focus()
    fireEvent.keyDown(last, { key: 'Tab' })
    expect(document.activeElement).toBe(first)
    fireEvent.keyDown(first, { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(last)

    // Escape works even when focus has fallen out to <body>.
    last.blur()
    fireEvent.keyDown(document.body, { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(open)
    expect(open.closest('[inert]')).toBeNull()
  })

  it('closes only the top dialog on Escape', () => {
    render(<Harness nested />)
    fireEvent.click(screen.getByRole('button', { name: 'Open' }))
    const inner = screen.getByRole('button', { name: 'Inner' })
    inner.focus()
    fireEvent.click(inner)
    expect(screen.getByRole('dialog', { name: 'Inner dialog' })).toBeTruthy()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Only' }))
    expect(screen.getByRole('dialog', { name: 'Outer' }).closest('[inert]')).not.toBeNull()

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    expect(screen.queryByRole('dialog', { name: 'Inner dialog' })).toBeNull()
    expect(screen.getByRole('dialog', { name: 'Outer' }).closest('[inert]')).toBeNull()
    expect(document.activeElement).toBe(inner)
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' })
    expect(screen.queryByRole('dialog')).toBeNull()
  })
})
