import { useEffect, useState } from 'react'
import { useLocation } from 'react-router'

// What a page had on screen (filter text, scroll position, focused row), per history entry, so
// Back returns to it. Bounded: only the most recent entries are kept.
const memory = new Map<string, unknown>()
const LIMIT = 200

/** Forgets everything (a test starts each app from scratch). */
export function forgetAll(): void {
  memory.clear()
}

/** Reads what was remembered for this history entry under `name`. */
export function recall<T>(entryKey: string, name: string): T | undefined {
  return memory.get(`${entryKey}\u0000${name}`) as T | undefined
}

/** Remembers a value for this history entry under `name`. */
export function remember(entryKey: string, name: string, value: unknown): void {
  const id = `${entryKey}\u0000${name}`
  memory.delete(id)
  memory.set(id, value)
  if (memory.size > LIMIT) memory.delete(memory.keys().next().value!)
}

/** useState that comes back with its last value when the user returns to this history entry. */
export function useRememberedState<T>(name: string, initial: T): [T, (value: T) => void] {
  const { key: entryKey, pathname } = useLocation()
  const key = `${entryKey}${pathname}`
  const [value, setValue] = useState<T>(() => recall<T>(key, name) ?? initial)
  useEffect(() => remember(key, name, value), [key, name, value])
  return [value, setValue]
}
