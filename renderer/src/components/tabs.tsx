import { useId, useRef } from 'react'
import type { KeyboardEvent, ReactNode } from 'react'
import './tabs.css'

/** One tab: its id (used in ids and URLs), its label and an optional count or badge. */
export interface TabItem<T extends string> {
  id: T
  label: string
  badge?: ReactNode
}

interface TabsProps<T extends string> {
  /** The tab list's accessible name. */
  label: string
  tabs: readonly TabItem<T>[]
  selected: T
  onSelect: (id: T) => void
  /** The selected tab's panel. */
  children: ReactNode
}

/**
 * ARIA tabs with automatic activation: Left/Right (and Home/End) move between tabs and select
 * them; Tab goes into the panel. The caller keeps the selection (in the URL, to stay linkable).
 */
export function Tabs<T extends string>({
  label,
  tabs,
  selected,
  onSelect,
  children,
}: TabsProps<T>) {
  const base = useId()
  const list = useRef<HTMLDivElement>(null)
  const tabId = (id: T) => `${base}-tab-${id}`
  const panelId = `${base}-panel`

  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.id === selected)
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (index - 1 + tabs.length) % tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? tabs.length - 1
              : null
    if (next === null) return
    event.preventDefault()
    const tab = tabs[next]!
    onSelect(tab.id)
    list.current?.querySelector<HTMLElement>(`#${CSS.escape(tabId(tab.id))}`)?.focus()
  }

  return (
    <div className="tabs">
      <div className="tab-list" role="tablist" aria-label={label} ref={list} onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={tabId(tab.id)}
            className="tab"
            aria-selected={tab.id === selected}
            aria-controls={panelId}
            tabIndex={tab.id === selected ? 0 : -1}
            onClick={() => onSelect(tab.id)}
          >
            {tab.label}
            {tab.badge !== undefined && <span className="tab-badge">{tab.badge}</span>}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={panelId} aria-labelledby={tabId(selected)}>
        {children}
      </div>
    </div>
  )
}
