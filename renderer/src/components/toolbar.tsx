import { useId } from 'react'
import type { ReactNode } from 'react'
import { FilterField } from './filter-field'
import './toolbar.css'

/** One choice of a ListToolbar's sort or a Segmented group. */
export interface Choice<V extends string> {
  value: V
  label: string
}

interface ListToolbarProps<S extends string> {
  /** The filter field: its accessible name, placeholder and value. */
  filter: { label: string; placeholder: string; value: string; onChange: (value: string) => void }
  /** The sort menu, labelled "Sort by". */
  sort?: { value: S; choices: readonly Choice<S>[]; onChange: (value: S) => void }
  /** What the list on screen counts ("12 of 300 images"), announced as it changes. */
  count: ReactNode
  /** The filter the count reflects, as data-filter (the browse benchmark waits for it). */
  countFilter?: string
  /** Further controls between the sort and the count (a tag-status switch, a checkbox). */
  children?: ReactNode
  /** After the count: progress while more pages load, a reset. */
  trailing?: ReactNode
}

/**
 * The one toolbar above a list: a filter field (Ctrl/Cmd+F), a sort menu, the list's own
 * switches, and a live count. It wraps instead of overflowing in narrow windows.
 */
export function ListToolbar<S extends string>({
  filter,
  sort,
  count,
  countFilter,
  children,
  trailing,
}: ListToolbarProps<S>) {
  const sortId = useId()
  return (
    <div className="toolbar">
      <FilterField {...filter} />
      {sort && (
        <span className="toolbar-field">
          <label htmlFor={sortId}>Sort by</label>
          <select
            id={sortId}
            value={sort.value}
            onChange={(event) => sort.onChange(event.target.value as S)}
          >
            {sort.choices.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </span>
      )}
      {children}
      <span role="status" className="count" data-filter={countFilter}>
        {count}
      </span>
      {trailing}
    </div>
  )
}

/** A radio group drawn as segmented buttons (tag status: All, Tagged, Untagged). */
export function Segmented<V extends string>({
  legend,
  name,
  value,
  choices,
  onChange,
}: {
  legend: string
  /** The radios' group name, unique on the page. */
  name: string
  value: V
  choices: readonly Choice<V>[]
  onChange: (value: V) => void
}) {
  return (
    <fieldset className="segmented">
      <legend>{legend}</legend>
      {choices.map((choice) => (
        <label key={choice.value}>
          <input
            type="radio"
            name={name}
            value={choice.value}
            checked={value === choice.value}
            onChange={() => onChange(choice.value)}
          />
          {choice.label}
        </label>
      ))}
    </fieldset>
  )
}
