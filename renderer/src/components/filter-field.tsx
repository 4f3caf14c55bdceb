import { useRef } from 'react'
import { useFindShortcut } from './shortcuts'

interface FilterFieldProps {
  /** The accessible name. */
  label: string
  placeholder: string
  value: string
  onChange: (value: string) => void
}

/** A page's filter field; Ctrl+F / Cmd+F goes to it while it is mounted, as in a browser. */
export function FilterField({ label, placeholder, value, onChange }: FilterFieldProps) {
  const ref = useRef<HTMLInputElement>(null)
  useFindShortcut(ref)
  return (
    <input
      ref={ref}
      type="search"
      className="filter"
      aria-label={label}
      placeholder={placeholder}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      spellCheck={false}
      autoComplete="off"
    />
  )
}
