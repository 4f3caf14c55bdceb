/** The file extension a blob gets from its media type. */
export function blobExtension(mediaType: string): string {
  if (/gzip$/.test(mediaType)) return '.tar.gz'
  if (/zstd$/.test(mediaType)) return '.tar.zst'
  if (/(\.|\b)tar$/.test(mediaType)) return '.tar'
  if (/json$/.test(mediaType)) return '.json'
  return '.bin'
}

// Windows refuses these base names whatever the extension (CON.tar.gz is still CON).
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i
const MAX_NAME = 255
/** Windows' classic MAX_PATH, less the NUL terminator. */
export const WINDOWS_MAX_PATH = 259

/**
 * `<repository>_<algorithm>-<hex>.<extension>`, valid on Windows, macOS and Linux: slashes and
 * other separators become "_", no ":" and no reserved device names, within 255 characters.
 */
export function blobFileName(repositoryName: string, digest: string, mediaType: string): string {
  const [algorithm = 'sha256', hex = ''] = digest.split(':')
  const tail = `_${algorithm}-${hex.toLowerCase()}${blobExtension(mediaType)}`
  // Separators and characters Windows refuses; control characters go too.
  let repo = [...repositoryName]
    .map((c) => (/[/\\:*?"<>|]/.test(c) || c.charCodeAt(0) < 0x20 ? '_' : c))
    .join('')
    .replace(/[. ]+$/, '')
  repo = repo.slice(0, Math.max(1, MAX_NAME - tail.length))
  const name = `${repo}${tail}`
  return RESERVED.test(name) ? `_${name}` : name
}

/** The name for a second copy next to an existing file: "name (2).tar.gz". */
export function keepBothName(fileName: string, n: number): string {
  const match = /^(.*?)((?:\.tar)?\.[a-z0-9]+)?$/i.exec(fileName)
  const base = match?.[1] ?? fileName
  const ext = match?.[2] ?? ''
  return `${base} (${n})${ext}`
}

/**
 * Makes a Windows path usable when it is longer than MAX_PATH, with the \\?\ long-path prefix
 * (and \\?\UNC\ for shares). Other platforms' paths are returned as they are.
 */
export function longPathSafe(path: string, platform: string): string {
  if (platform !== 'win32' || path.length <= WINDOWS_MAX_PATH || path.startsWith('\\\\?\\')) {
    return path
  }
  if (path.startsWith('\\\\')) return `\\\\?\\UNC\\${path.slice(2)}`
  return `\\\\?\\${path}`
}
