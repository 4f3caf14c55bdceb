import { useEffect, type RefObject } from 'react'
import { useLocation, useNavigate } from 'react-router'
import { parentPath } from '../routes'

/** The parts of a keyboard event the shortcuts look at. */
export interface KeyChord {
  key: string
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
}

/** Whether this is a Mac, where Cmd stands in for Ctrl and Cmd+[ means Back. */
export function isMacPlatform(): boolean {
  const nav = navigator as Navigator & { userAgentData?: { platform?: string } }
  return /mac/i.test(nav.userAgentData?.platform ?? nav.platform ?? '')
}

/**
 * Alt+Left goes back everywhere; Cmd+[ too on a Mac. On a Mac, Alt+Left inside a text field moves
 * by word, so there it is left to the field.
 */
export function isBackShortcut(chord: KeyChord, mac: boolean, inTextField: boolean): boolean {
  if (chord.key === 'ArrowLeft' && chord.altKey && !chord.ctrlKey && !chord.metaKey) {
    return !chord.shiftKey && !(mac && inTextField)
  }
  return mac && chord.key === '[' && chord.metaKey && !chord.altKey && !chord.ctrlKey
}

/** Ctrl+F, or Cmd+F on a Mac (either is accepted anywhere, as browsers do). */
export function isFindShortcut(chord: KeyChord): boolean {
  return (chord.ctrlKey || chord.metaKey) && !chord.altKey && chord.key.toLowerCase() === 'f'
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true
  return (
    target instanceof HTMLInputElement && !['checkbox', 'radio', 'button'].includes(target.type)
  )
}

/** Ctrl/Cmd+F focuses (and selects) the page's filter while the page is mounted. */
export function useFindShortcut(filter: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (!isFindShortcut(event) || !filter.current) return
      event.preventDefault()
      filter.current.focus()
      filter.current.select()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [filter])
}

/**
 * Alt+Left (Cmd+[ on a Mac) goes back in the app's history. When the app was opened on a deep
 * link there is nothing to go back to, so it goes one level up instead of leaving the app.
 */
export function useBackShortcut(): void {
  const navigate = useNavigate()
  const { pathname } = useLocation()
  useEffect(() => {
    const mac = isMacPlatform()
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (!isBackShortcut(event, mac, isTextField(event.target))) return
      // Also keeps a browser (the web bridge) from going back a second time by itself.
      event.preventDefault()
      const index = (window.history.state as { idx?: number } | null)?.idx ?? 0
      if (index > 0) {
        void navigate(-1)
        return
      }
      const up = parentPath(pathname)
      if (up !== null) void navigate(up, { replace: true })
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [navigate, pathname])
}
