import { isAbsolute, relative, sep } from 'node:path'

/**
 * Whether `path` is `root` or lies under it, by name (resolve links first where they matter). A
 * name that only starts with two dots, such as `..config`, is inside: only a `..` segment leaves.
 */
export function isInside(root: string, path: string): boolean {
  const rest = relative(root, path)
  return rest === '' || (rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest))
}
