// The app's hash routes. Repository names contain slashes, so a repository's path is the rest of
// the URL after /repositories/; an image adds /images/<digest>, which cannot be part of a
// repository name because names never contain ":".
//
//   #/                                              all repositories
//   #/repositories/<name>                           the repository's images
//   #/repositories/<name>/images/<digest>           one image (manifest or index)
//   #/repositories/<name>/images/<digest>?platform=<child digest>   one platform of an index
//   #/repositories/<name>/images/<digest>?tab=<tab>[&layer=N&only=1&path=…]   one tab of it

const IMAGE_SEGMENT = /^(.+)\/images\/([^/]*:[^/]*)$/

/** What a /repositories/* path names. */
export interface RepositoryRoute {
  repositoryName: string
  /** The image's digest, or null for the repository's images list. */
  imageDigest: string | null
}

/** The app route of a repository's images; each path segment is encoded on its own. */
export function repositoryPath(repositoryName: string): string {
  return `/repositories/${encodeSegments(repositoryName)}`
}

/** The app route of one image, and optionally one platform of an index. */
export function imagePath(
  repositoryName: string,
  imageDigest: string,
  platformDigest?: string | null,
): string {
  const path = `${repositoryPath(repositoryName)}/images/${encodeURIComponent(imageDigest).replace('%3A', ':')}`
  return platformDigest ? `${path}?platform=${encodeURIComponent(platformDigest)}` : path
}

/**
 * One tab of an image page (`?tab=`), with that tab's own state (`?layer=`, `?path=`…): the
 * image page's views stay deep-linkable.
 */
export function imageTabPath(
  repositoryName: string,
  imageDigest: string,
  tab: string,
  params: Record<string, string | number | null | undefined> = {},
): string {
  const query = new URLSearchParams({ tab })
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined) query.set(name, String(value))
  }
  return `${imagePath(repositoryName, imageDigest)}?${query}`
}

/** Splits the rest of a /repositories/ path (already decoded) into a repository and an image. */
export function parseRepositoryRoute(rest: string): RepositoryRoute {
  const trimmed = rest.replace(/\/+$/, '')
  const match = IMAGE_SEGMENT.exec(trimmed)
  if (match) return { repositoryName: match[1]!, imageDigest: match[2]! }
  return { repositoryName: trimmed, imageDigest: null }
}

/** One level up: an image goes to its repository, a repository to the list, the list nowhere. */
export function parentPath(pathname: string): string | null {
  if (!pathname.startsWith('/repositories/')) return pathname === '/' ? null : '/'
  const route = parseRepositoryRoute(decodeURIComponent(pathname.slice('/repositories/'.length)))
  return route.imageDigest ? repositoryPath(route.repositoryName) : '/'
}

function encodeSegments(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/')
}

/** Whether an image reference is a digest (else a tag): the one check, in shared/digest.ts. */
export { isDigest } from '../../shared/digest'
