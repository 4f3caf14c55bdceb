import { z } from 'zod'
import { isDigest } from '../../../shared/digest'
import type { SociSummary } from '../../../shared/models/supply-chain'
import { MAX_LIST_ITEMS, parseJsonBytes, type Parsed } from './limits'

// SOCI (Seekable OCI) indexes: artifacts that let a runtime lazily load an image's layers. Each
// zTOC layer names the image layer it indexes in the annotation com.amazon.soci.image-layer-digest.

export const SOCI_INDEX_V1 = 'application/vnd.amazon.soci.index.v1+json'
export const SOCI_INDEX_V2 = 'application/vnd.amazon.soci.index.v2+json'
const LAYER_DIGEST = 'com.amazon.soci.image-layer-digest'

const manifest = z.object({
  artifactType: z.string().max(256).optional(),
  config: z.object({ mediaType: z.string().max(256) }).optional(),
  layers: z
    .array(
      z.object({
        size: z.number().int().nonnegative(),
        annotations: z.record(z.string(), z.string()).optional(),
      }),
    )
    .max(10_000)
    .default([]),
})

/** Describes a SOCI index manifest; anything else is refused. */
export function describeSoci(bytes: Uint8Array): Parsed<SociSummary> {
  const json = parseJsonBytes(bytes, 4 * 1024 * 1024)
  if (!json.ok) return json
  const m = manifest.safeParse(json.value)
  if (!m.success) return { ok: false, problem: 'Not an OCI manifest.' }
  const type = m.data.artifactType ?? m.data.config?.mediaType
  if (type !== SOCI_INDEX_V1 && type !== SOCI_INDEX_V2)
    return { ok: false, problem: 'Not a SOCI index.' }
  const layers: string[] = []
  let ztocBytes = 0
  for (const l of m.data.layers) {
    ztocBytes += l.size
    const digest = l.annotations?.[LAYER_DIGEST]
    if (digest !== undefined && layers.length < MAX_LIST_ITEMS && isDigest(digest))
      layers.push(digest)
  }
  return {
    ok: true,
    value: {
      version: type === SOCI_INDEX_V2 ? 'v2' : 'v1',
      ztocCount: m.data.layers.length,
      layers,
      ztocBytes,
    },
  }
}

/** The index in words, as the Supply chain section shows it. */
export function sociInWords(s: SociSummary): string {
  const n = s.ztocCount
  return `SOCI index ${s.version}: ${n} zTOC${n === 1 ? '' : 's'} (${s.ztocBytes} bytes) for lazy loading of ${s.layers.length} layer${s.layers.length === 1 ? '' : 's'}`
}
