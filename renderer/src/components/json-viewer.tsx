import { useId, useMemo, useState } from 'react'
import { JSONTree, type KeyPath } from 'react-json-tree'
import { CopyButton } from './copy-button'
import { prettyJson } from './format'
import { copyableValue, jqPath, valueAt } from './json-path'
import './json-viewer.css'

// Past this size the tree would draw tens of thousands of nodes; the raw text stays quick.
const TREE_LIMIT = 2 * 1024 * 1024

// react-json-tree's base16 slots, pointed at the theme's tokens (light and dark follow them).
// invertTheme stays off: inverting parses colours, and these are CSS variables.
const THEME = {
  extend: {
    scheme: 'ecr-layer-browser',
    author: '',
    base00: 'transparent',
    base01: 'var(--bg-subtle)',
    base02: 'var(--border)',
    base03: 'var(--fg-muted)',
    base04: 'var(--fg-muted)',
    base05: 'var(--fg)',
    base06: 'var(--fg)',
    base07: 'var(--fg)',
    base08: 'var(--json-null)',
    base09: 'var(--json-number)',
    base0A: 'var(--json-number)',
    base0B: 'var(--json-string)',
    base0C: 'var(--json-string)',
    base0D: 'var(--json-key)',
    base0E: 'var(--json-key)',
    base0F: 'var(--json-null)',
  },
  tree: { margin: 0, fontFamily: 'var(--mono)', fontSize: 'var(--text-sm)' },
  // "{} 3 keys" beside a node: muted, not the string colour.
  nestedNodeItemString: { color: 'var(--fg-muted)' },
  // The arrow repeats what the key button says (aria-expanded); screen readers skip it.
  arrowContainer: (props: object) => ({ ...props, 'aria-hidden': true }),
}

type View = 'tree' | 'raw'

/**
 * JSON from the registry, as a collapsible, highlighted tree (react-json-tree) or as indented
 * raw text. A key selects its node for Copy path (a jq path) and Copy value; Copy takes the exact
 * bytes the registry sent (what the digest covers), not the re-indented text. Neither view
 * scrolls on its own: long documents scroll with the page, so there is one scroll.
 */
export function JsonViewer({ title, raw }: { title: string; raw: string }) {
  const captionId = useId()
  const parsed = useMemo((): { ok: true; data: unknown } | { ok: false } => {
    if (raw.length > TREE_LIMIT) return { ok: false }
    try {
      return { ok: true, data: JSON.parse(raw) as unknown }
    } catch {
      return { ok: false }
    }
  }, [raw])
  const pretty = useMemo(() => prettyJson(raw), [raw])
  const [view, setView] = useState<View>(parsed.ok ? 'tree' : 'raw')
  const [selected, setSelected] = useState<readonly (string | number)[] | null>(null)
  const tree = parsed.ok && view === 'tree'

  const labelRenderer = (
    keyPath: KeyPath,
    _type: string,
    expanded: boolean,
    expandable: boolean,
  ) => {
    // react-json-tree's key paths run from the node up to the top (hideRoot: no 'root' entry).
    const keys = [...keyPath].reverse()
    const key = keyPath[0]!
    const isSelected = selected !== null && jqPath(selected) === jqPath(keys)
    return (
      <button
        type="button"
        className={isSelected ? 'json-key selected' : 'json-key'}
        aria-expanded={expandable ? expanded : undefined}
        aria-pressed={isSelected}
        aria-label={`${jqPath(keys)}${expandable ? '' : ' (select for copy)'}`}
        // The label around it toggles the node; a click selects it as well.
        onClick={() => setSelected(keys)}
      >
        {typeof key === 'number' ? key : JSON.stringify(key)}:
      </button>
    )
  }

  return (
    <figure className="json-viewer" aria-labelledby={captionId}>
      <figcaption>
        <span id={captionId}>{title}</span>
        {parsed.ok && (
          <span className="json-views" role="group" aria-label={`${title} view`}>
            <button
              type="button"
              className="small"
              aria-pressed={view === 'tree'}
              onClick={() => setView('tree')}
            >
              Tree
            </button>
            <button
              type="button"
              className="small"
              aria-pressed={view === 'raw'}
              onClick={() => setView('raw')}
            >
              Raw
            </button>
          </span>
        )}
        <CopyButton text={raw} label={`Copy ${title}`}>
          Copy
        </CopyButton>
      </figcaption>
      {tree && (
        <div className="json-selection" aria-live="polite">
          {selected === null ? (
            <span className="hint">Select a key to copy its path or its value.</span>
          ) : (
            <>
              <code className="json-path">{jqPath(selected)}</code>
              <CopyButton text={jqPath(selected)} label={`Copy path ${jqPath(selected)}`}>
                Copy path
              </CopyButton>
              <CopyButton
                text={copyableValue(valueAt(parsed.data, selected))}
                label={`Copy value of ${jqPath(selected)}`}
              >
                Copy value
              </CopyButton>
            </>
          )}
        </div>
      )}
      {tree ? (
        <div className="json-tree" role="region" aria-label={`${title} tree`}>
          <JSONTree
            data={parsed.data}
            theme={THEME}
            invertTheme={false}
            hideRoot
            shouldExpandNodeInitially={(_keyPath, _data, level) => level <= 1}
            labelRenderer={labelRenderer}
          />
        </div>
      ) : (
        <pre role="region" aria-labelledby={captionId}>
          <code>{pretty}</code>
        </pre>
      )}
    </figure>
  )
}
