import { describe, expect, it } from 'vitest'
import { isBackShortcut, isFindShortcut, type KeyChord } from './shortcuts'

const chord = (key: string, mods: Partial<KeyChord> = {}): KeyChord => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
})

describe('isBackShortcut', () => {
  it('accepts Alt+Left on every platform', () => {
    expect(isBackShortcut(chord('ArrowLeft', { altKey: true }), false, false)).toBe(true)
    expect(isBackShortcut(chord('ArrowLeft', { altKey: true }), true, false)).toBe(true)
    expect(isBackShortcut(chord('ArrowLeft', { altKey: true }), false, true)).toBe(true)
  })

  it('leaves Alt+Left to a Mac text field, where it moves by word', () => {
    expect(isBackShortcut(chord('ArrowLeft', { altKey: true }), true, true)).toBe(false)
  })

  it('accepts Cmd+[ on a Mac only', () => {
    expect(isBackShortcut(chord('[', { metaKey: true }), true, true)).toBe(true)
    expect(isBackShortcut(chord('[', { metaKey: true }), false, false)).toBe(false)
    expect(isBackShortcut(chord('[', { ctrlKey: true }), true, false)).toBe(false)
  })

  it('ignores other chords', () => {
    expect(isBackShortcut(chord('ArrowLeft'), false, false)).toBe(false)
    expect(isBackShortcut(chord('ArrowLeft', { altKey: true, shiftKey: true }), false, false)).toBe(
      false,
    )
    expect(isBackShortcut(chord('ArrowLeft', { altKey: true, ctrlKey: true }), false, false)).toBe(
      false,
    )
  })
})

describe('isFindShortcut', () => {
  it('accepts Ctrl+F and Cmd+F, in either case', () => {
    expect(isFindShortcut(chord('f', { ctrlKey: true }))).toBe(true)
    expect(isFindShortcut(chord('F', { metaKey: true, shiftKey: true }))).toBe(true)
    expect(isFindShortcut(chord('f'))).toBe(false)
    expect(isFindShortcut(chord('f', { ctrlKey: true, altKey: true }))).toBe(false)
  })
})
