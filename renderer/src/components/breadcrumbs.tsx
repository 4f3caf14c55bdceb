import { Link } from 'react-router'
import './breadcrumbs.css'

/** One step of the trail; the last one (no `to`) is the page itself. */
export interface Crumb {
  label: string
  to?: string
  /** The full name when `label` is shortened (a digest). */
  title?: string
}

/** The one breadcrumb trail: links separated by "›", the current page last and not a link. */
export function Breadcrumbs({ items }: { items: readonly Crumb[] }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      <ol>
        {items.map((item, index) => (
          <li key={`${index}:${item.label}`}>
            {item.to !== undefined ? (
              <Link to={item.to} title={item.title}>
                {item.label}
              </Link>
            ) : (
              <span aria-current="page" title={item.title}>
                {item.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  )
}
