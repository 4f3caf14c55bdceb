import { z } from 'zod'
import type { SbomDocument, SbomPackage } from '../../../shared/models/supply-chain'
import { clip, MAX_FILES_PER_PACKAGE, MAX_PACKAGES, parseJsonBytes, type Parsed } from './limits'

// SPDX 2.x JSON and CycloneDX 1.x JSON. A document from a registry is hostile: the outer shape is
// checked with zod, each package on its own (a bad one is skipped and counted, not fatal), every
// string is cut to size, and counts come from what was read, never from the document.

const text = z.string().transform((s) => clip(s))
const optionalText = z
  .unknown()
  .optional()
  .transform((v) => (typeof v === 'string' && v !== '' ? clip(v) : null))
const list = z
  .unknown()
  .optional()
  .transform((v) => (Array.isArray(v) ? (v as unknown[]) : []))

const spdxDocument = z.object({
  spdxVersion: z.string().regex(/^SPDX-2\.\d+$/),
  name: optionalText,
  creationInfo: z
    .object({ created: optionalText, creators: list })
    .optional()
    .default({ created: null, creators: [] }),
  packages: list,
  files: list,
  relationships: list,
})

const spdxPackage = z.object({
  name: text,
  SPDXID: z.string(),
  versionInfo: optionalText,
  licenseConcluded: optionalText,
  licenseDeclared: optionalText,
  supplier: optionalText,
  externalRefs: list,
  hasFiles: list,
})

const spdxFile = z.object({ SPDXID: z.string(), fileName: z.string() })
const spdxRelationship = z.object({
  spdxElementId: z.string(),
  relationshipType: z.string(),
  relatedSpdxElement: z.string(),
})
const spdxExternalRef = z.object({ referenceType: z.string(), referenceLocator: z.string() })

const NO_VALUE = new Set(['NOASSERTION', 'NONE'])
const meaningful = (v: string | null): string | null => (v === null || NO_VALUE.has(v) ? null : v)

/** "Organization: Example Inc." → "Example Inc.", as the table shows a supplier. */
function spdxActor(v: string | null): string | null {
  const value = meaningful(v)
  return value === null ? null : value.replace(/^(Organization|Person|Tool):\s*/, '')
}

/** SPDX file names are "./usr/bin/x" or "/usr/bin/x"; the layer tree has "usr/bin/x". */
export function layerPath(fileName: string): string {
  return fileName.replace(/^\.?\/+/, '')
}

function parseSpdx(doc: z.infer<typeof spdxDocument>): SbomDocument {
  const files = new Map<string, string>()
  for (const raw of doc.files) {
    const file = spdxFile.safeParse(raw)
    if (file.success) files.set(file.data.SPDXID, clip(layerPath(file.data.fileName)))
  }
  // Package → files comes from hasFiles or from CONTAINS relationships (SPDX 2.3 deprecates hasFiles).
  const contains = new Map<string, string[]>()
  for (const raw of doc.relationships) {
    const rel = spdxRelationship.safeParse(raw)
    if (!rel.success || rel.data.relationshipType !== 'CONTAINS') continue
    const path = files.get(rel.data.relatedSpdxElement)
    if (path === undefined) continue
    const into = contains.get(rel.data.spdxElementId) ?? []
    if (into.length < MAX_FILES_PER_PACKAGE) into.push(path)
    contains.set(rel.data.spdxElementId, into)
  }
  const packages: SbomPackage[] = []
  let skipped = 0
  let count = 0
  for (const raw of doc.packages) {
    const pkg = spdxPackage.safeParse(raw)
    if (!pkg.success) {
      skipped++
      continue
    }
    count++
    if (packages.length >= MAX_PACKAGES) continue
    const p = pkg.data
    let purl: string | null = null
    for (const rawRef of p.externalRefs) {
      const ref = spdxExternalRef.safeParse(rawRef)
      if (ref.success && ref.data.referenceType === 'purl') {
        purl = clip(ref.data.referenceLocator)
        break
      }
    }
    const own = new Set(contains.get(p.SPDXID) ?? [])
    for (const id of p.hasFiles) {
      const path = typeof id === 'string' ? files.get(id) : undefined
      if (path !== undefined && own.size < MAX_FILES_PER_PACKAGE) own.add(path)
    }
    packages.push({
      name: p.name,
      version: meaningful(p.versionInfo),
      licence: meaningful(p.licenseConcluded) ?? meaningful(p.licenseDeclared),
      purl,
      supplier: spdxActor(p.supplier),
      files: [...own],
    })
  }
  return {
    format: 'SPDX',
    specVersion: doc.spdxVersion,
    name: doc.name,
    creators: doc.creationInfo.creators
      .filter((c): c is string => typeof c === 'string')
      .slice(0, 50)
      .map((c) => clip(c, 300)),
    created: doc.creationInfo.created,
    packages,
    packageCount: count,
    skipped,
    truncated: count > packages.length,
  }
}

const cdxDocument = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string().regex(/^1\.\d+$/),
  metadata: z
    .object({
      timestamp: optionalText,
      tools: z.unknown().optional(),
      authors: list,
      component: z.object({ name: optionalText }).optional(),
      manufacture: z.unknown().optional(),
      supplier: z.unknown().optional(),
    })
    .optional(),
  components: list,
})

const cdxComponent = z.object({
  name: text,
  version: optionalText,
  purl: optionalText,
  supplier: z.object({ name: optionalText }).optional(),
  publisher: optionalText,
  licenses: list,
  components: list,
  evidence: z.object({ occurrences: list }).optional(),
  properties: list,
})
const cdxLicence = z.union([
  z.object({ license: z.object({ id: optionalText, name: optionalText }) }),
  z.object({ expression: text }),
])
const cdxOccurrence = z.object({ location: z.string() })
const cdxProperty = z.object({ name: z.string(), value: z.string() })
const named = z.object({ name: optionalText, vendor: optionalText })

/** CycloneDX 1.4 has tools as an array; 1.5 also as { components, services }. */
function cdxTools(tools: unknown): string[] {
  const items = Array.isArray(tools)
    ? (tools as unknown[])
    : tools !== null && typeof tools === 'object'
      ? [
          ...((tools as { components?: unknown }).components instanceof Array
            ? (tools as { components: unknown[] }).components
            : []),
          ...((tools as { services?: unknown }).services instanceof Array
            ? (tools as { services: unknown[] }).services
            : []),
        ]
      : []
  const out: string[] = []
  for (const item of items.slice(0, 50)) {
    const t = named.safeParse(item)
    if (t.success && t.data.name !== null)
      out.push(`Tool: ${t.data.vendor ? `${t.data.vendor} ` : ''}${t.data.name}`)
  }
  return out
}

function parseCycloneDx(doc: z.infer<typeof cdxDocument>): SbomDocument {
  const packages: SbomPackage[] = []
  let skipped = 0
  let count = 0
  // Components nest; walk them breadth-first with an explicit queue (no recursion depth to exploit).
  const queue: unknown[] = [...doc.components]
  for (let i = 0; i < queue.length; i++) {
    const c = cdxComponent.safeParse(queue[i])
    queue[i] = undefined
    if (!c.success) {
      skipped++
      continue
    }
    count++
    if (queue.length < MAX_PACKAGES * 2) queue.push(...c.data.components.slice(0, MAX_PACKAGES))
    if (packages.length >= MAX_PACKAGES) continue
    const licences: string[] = []
    for (const raw of c.data.licenses.slice(0, 20)) {
      const l = cdxLicence.safeParse(raw)
      if (!l.success) continue
      const v =
        'expression' in l.data ? l.data.expression : (l.data.license.id ?? l.data.license.name)
      if (v) licences.push(v)
    }
    const files = new Set<string>()
    for (const raw of c.data.evidence?.occurrences ?? []) {
      const o = cdxOccurrence.safeParse(raw)
      if (o.success && files.size < MAX_FILES_PER_PACKAGE)
        files.add(clip(layerPath(o.data.location)))
    }
    // Syft records files as properties "syft:location:N:path".
    for (const raw of c.data.properties) {
      const p = cdxProperty.safeParse(raw)
      if (
        p.success &&
        /^syft:location:\d+:path$/.test(p.data.name) &&
        files.size < MAX_FILES_PER_PACKAGE
      ) {
        files.add(clip(layerPath(p.data.value)))
      }
    }
    packages.push({
      name: c.data.name,
      version: c.data.version,
      licence: licences.length > 0 ? clip(licences.join(' AND ')) : null,
      purl: c.data.purl,
      supplier: c.data.supplier?.name ?? c.data.publisher,
      files: [...files],
    })
  }
  const creators = cdxTools(doc.metadata?.tools)
  for (const raw of (doc.metadata?.authors ?? []).slice(0, 20)) {
    const a = named.safeParse(raw)
    if (a.success && a.data.name !== null) creators.push(`Person: ${a.data.name}`)
  }
  const org = named.safeParse(doc.metadata?.manufacture ?? doc.metadata?.supplier)
  if (org.success && org.data.name !== null) creators.push(`Organization: ${org.data.name}`)
  return {
    format: 'CycloneDX',
    specVersion: doc.specVersion,
    name: doc.metadata?.component?.name ?? null,
    creators,
    created: doc.metadata?.timestamp ?? null,
    packages,
    packageCount: count,
    skipped,
    truncated: count > packages.length,
  }
}

/** Reads an SPDX 2.x or CycloneDX 1.x JSON SBOM; anything else is refused with the reason. */
export function parseSbom(bytes: Uint8Array): Parsed<SbomDocument> {
  const json = parseJsonBytes(bytes)
  if (!json.ok) return json
  const value = json.value
  if (value !== null && typeof value === 'object' && 'spdxVersion' in value) {
    const doc = spdxDocument.safeParse(value)
    if (!doc.success)
      return { ok: false, problem: `Not an SPDX 2.x document: ${describe(doc.error)}` }
    return { ok: true, value: parseSpdx(doc.data) }
  }
  if (value !== null && typeof value === 'object' && 'bomFormat' in value) {
    const doc = cdxDocument.safeParse(value)
    if (!doc.success)
      return { ok: false, problem: `Not a CycloneDX 1.x document: ${describe(doc.error)}` }
    return { ok: true, value: parseCycloneDx(doc.data) }
  }
  return { ok: false, problem: 'The document is neither SPDX 2.x JSON nor CycloneDX 1.x JSON.' }
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]
  return issue === undefined
    ? 'invalid'
    : clip(`${issue.path.join('.') || '(document)'}: ${issue.message}`, 300)
}
