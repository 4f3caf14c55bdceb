// Search by path or glob. Plain text matches anywhere in the path, ignoring case. A pattern with
// *, ? or [..] is a glob: `*` stays within a path segment, `**` crosses them; a glob without a `/`
// matches the last segment (as in .gitignore), one with a `/` matches the whole path.

/** Whether the text is a glob rather than plain text. */
export function isGlob(query: string): boolean {
  return /[*?[]/.test(query)
}

/** A predicate on paths for a search query; null when the query is empty. */
export function pathMatcher(query: string): ((path: string) => boolean) | null {
  const text = query.trim().replace(/^\/+/, '')
  if (text === '') return null
  if (!isGlob(text)) {
    const needle = text.toLowerCase()
    return (path) => path.toLowerCase().includes(needle)
  }
  const regex = globToRegExp(text)
  if (text.includes('/')) return (path) => regex.test(path)
  return (path) => regex.test(path.slice(path.lastIndexOf('/') + 1))
}

/** A glob as an anchored, case-insensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++
        // "**/" also matches no folder at all.
        if (glob[i + 1] === '/') {
          i++
          source += '(?:.*/)?'
        } else {
          source += '.*'
        }
      } else {
        source += '[^/]*'
      }
    } else if (c === '?') {
      source += '[^/]'
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end < 0) {
        source += '\\['
      } else {
        let body = glob.slice(i + 1, end).replace(/\\/g, '\\\\')
        if (body.startsWith('!')) body = `^${body.slice(1)}`
        source += `[${body}]`
        i = end
      }
    } else {
      source += c.replace(/[.+^${}()|\\\]]/g, '\\$&')
    }
  }
  return new RegExp(`^${source}$`, 'i')
}
