/**
 * A jq path for a node of a JSON document: `.layers[0].digest`, and `.["org.opencontainers.x"]`
 * for keys that are not plain identifiers. `keys` go from the top down; the empty path is `.`.
 */
export function jqPath(keys: readonly (string | number)[]): string {
  if (keys.length === 0) return '.'
  return keys
    .map((key) =>
      typeof key === 'number'
        ? `[${key}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
          ? `.${key}`
          : `.[${JSON.stringify(key)}]`,
    )
    .join('')
    .replace(/^\[/, '.[')
}

/** What "Copy value" puts on the clipboard: a string as it is, anything else as indented JSON. */
export function copyableValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? 'null')
}

/** The value at `keys` in `data`, or undefined when the path leads nowhere. */
export function valueAt(data: unknown, keys: readonly (string | number)[]): unknown {
  let at: unknown = data
  for (const key of keys) {
    if (at === null || typeof at !== 'object') return undefined
    at = (at as Record<string | number, unknown>)[key]
  }
  return at
}
