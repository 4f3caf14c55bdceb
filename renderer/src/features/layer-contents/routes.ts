// The layer contents routes, under their own prefix so they never collide with the repository
// and image routes. Repository names contain slashes but never ":"; the view is the last
// `/images/<ref>`, `/layers/<digest>` or `/diff` segment.
//
//   #/contents/<repo>/images/<digest or tag>               the image's merged filesystem
//   #/contents/<repo>/images/<digest or tag>?layer=N       the files as they stand after layer N
//   #/contents/<repo>/images/<digest or tag>?layer=N&only=1   layer N against the layers below it
//   (either with &path=… to select a file)
//   #/contents/<repo>/layers/<digest>?mediaType=…&size=…[&image=<digest>]   one layer on its own
//   #/contents/<repo>/diff?from=<ref>&to=<ref>[&path=…][&file=…]   two images (digest or tag)
//   #/contents/<repo>/diff?fromLayer=…&toLayer=…&fromType=…&toType=…   two layers

/** A layer named in a URL. */
export interface LayerRef {
  digest: string
  mediaType: string
  size: number | null
}

/** What a /contents/* URL asks for. */
export type ContentsRoute =
  | {
      view: 'image'
      repositoryName: string
      ref: string
      layer: number | null
      only: boolean
      select: string | null
    }
  | { view: 'layer'; repositoryName: string; layer: LayerRef; image: string | null }
  | {
      view: 'diff'
      repositoryName: string
      from: string | LayerRef | null
      to: string | LayerRef | null
      path: string | null
      file: string | null
    }
  | { view: 'invalid'; repositoryName: string }

const DEFAULT_LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip'

const encodeRepository = (name: string) => name.split('/').map(encodeURIComponent).join('/')
const encodeRef = (ref: string) => encodeURIComponent(ref).replace('%3A', ':')

/**
 * The merged filesystem of an image (by digest or tag), or the files as they stand after one of
 * its layers (`only`: that layer against those below); `select` opens with a file selected.
 */
export function contentsImagePath(
  repositoryName: string,
  ref: string,
  layer?: number | null,
  options: { only?: boolean; select?: string | null } = {},
): string {
  const path = `/contents/${encodeRepository(repositoryName)}/images/${encodeRef(ref)}`
  const query = new URLSearchParams()
  if (layer !== undefined && layer !== null) {
    query.set('layer', String(layer))
    if (options.only) query.set('only', '1')
  }
  if (options.select) query.set('path', options.select)
  const search = query.toString()
  return search ? `${path}?${search}` : path
}

/** One layer on its own: the link target for a layer row of the image page. */
export function contentsLayerPath(
  repositoryName: string,
  layer: LayerRef,
  imageDigest?: string | null,
): string {
  const query = new URLSearchParams({ mediaType: layer.mediaType })
  if (layer.size !== null) query.set('size', String(layer.size))
  if (imageDigest) query.set('image', imageDigest)
  return `/contents/${encodeRepository(repositoryName)}/layers/${encodeRef(layer.digest)}?${query}`
}

/** A diff of two images (digest or tag) or two layers, optionally limited to one path. */
export function contentsDiffPath(
  repositoryName: string,
  from: string | LayerRef,
  to: string | LayerRef,
  path?: string | null,
  file?: string | null,
): string {
  const query = new URLSearchParams()
  const side = (name: 'from' | 'to', ref: string | LayerRef) => {
    if (typeof ref === 'string') {
      query.set(name, ref)
    } else {
      query.set(`${name}Layer`, ref.digest)
      query.set(`${name}Type`, ref.mediaType)
      if (ref.size !== null) query.set(`${name}Size`, String(ref.size))
    }
  }
  side('from', from)
  side('to', to)
  if (path) query.set('path', path)
  if (file) query.set('file', file)
  return `/contents/${encodeRepository(repositoryName)}/diff?${query}`
}

/** Reads a /contents/ route: `rest` is the decoded path after /contents/, `search` its query. */
export function parseContentsRoute(rest: string, search: URLSearchParams): ContentsRoute {
  const trimmed = rest.replace(/\/+$/, '')
  const image = /^(.+)\/images\/([^/]+)$/.exec(trimmed)
  if (image) {
    const layer = search.get('layer')
    const n = layer === null ? null : Number(layer)
    return {
      view: 'image',
      repositoryName: image[1]!,
      ref: image[2]!,
      layer: n !== null && Number.isInteger(n) && n >= 0 ? n : null,
      only: search.get('only') === '1',
      select: search.get('path') || null,
    }
  }
  const layer = /^(.+)\/layers\/([^/]*:[^/]+)$/.exec(trimmed)
  if (layer) {
    return {
      view: 'layer',
      repositoryName: layer[1]!,
      layer: {
        digest: layer[2]!,
        mediaType: search.get('mediaType') || DEFAULT_LAYER_TYPE,
        size: sizeOf(search.get('size')),
      },
      image: search.get('image') || null,
    }
  }
  const diff = /^(.+)\/diff$/.exec(trimmed)
  if (diff) {
    const side = (name: 'from' | 'to'): string | LayerRef | null => {
      const digest = search.get(`${name}Layer`)
      if (digest) {
        return {
          digest,
          mediaType: search.get(`${name}Type`) || DEFAULT_LAYER_TYPE,
          size: sizeOf(search.get(`${name}Size`)),
        }
      }
      return search.get(name) || null
    }
    return {
      view: 'diff',
      repositoryName: diff[1]!,
      from: side('from'),
      to: side('to'),
      path: search.get('path') || null,
      file: search.get('file') || null,
    }
  }
  return { view: 'invalid', repositoryName: trimmed }
}

function sizeOf(value: string | null): number | null {
  const n = value === null ? NaN : Number(value)
  return Number.isSafeInteger(n) && n >= 0 ? n : null
}
