import { z } from 'zod'
import type { ProvenanceMaterial, ProvenanceSummary } from '../../../shared/models/supply-chain'
import { clip, MAX_LIST_ITEMS, MAX_TEXT, parseJsonBytes, type Parsed } from './limits'

// in-toto statements, bare or in a DSSE envelope, with SLSA provenance v0.2 or v1 predicates.

export const DSSE_INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2'
export const SLSA_V1 = 'https://slsa.dev/provenance/v1'

const dsseEnvelope = z.object({
  payloadType: z.string().max(256),
  payload: z.string(),
  signatures: z
    .array(z.object({ keyid: z.string().max(1024).optional(), sig: z.string() }))
    .max(64),
})
export type DsseEnvelope = z.infer<typeof dsseEnvelope>

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/

/** DSSE's pre-authentication encoding: what a DSSE signature is computed over. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8')
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ])
}

/** Reads a DSSE envelope; its payload is decoded, not yet trusted. */
export function parseDsse(value: unknown): Parsed<DsseEnvelope & { payloadBytes: Buffer }> {
  const env = dsseEnvelope.safeParse(value)
  if (!env.success)
    return { ok: false, problem: 'Not a DSSE envelope (payloadType, payload, signatures).' }
  if (!BASE64.test(env.data.payload))
    return { ok: false, problem: 'The DSSE payload is not base64.' }
  return { ok: true, value: { ...env.data, payloadBytes: Buffer.from(env.data.payload, 'base64') } }
}

const digestSet = z
  .record(z.string().max(64), z.string().max(256))
  .catch({})
  .transform((d) => Object.fromEntries(Object.entries(d).slice(0, 16)))
const statement = z.object({
  _type: z.string().regex(/^https:\/\/in-toto\.io\/Statement\/v(0\.1|1)$/),
  subject: z.array(z.object({ name: z.string().catch(''), digest: digestSet })).catch([]),
  predicateType: z.string().max(MAX_TEXT),
  predicate: z.record(z.string(), z.unknown()).catch({}),
})

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? clip(v) : null)
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
const arr = (v: unknown): unknown[] =>
  Array.isArray(v) ? (v as unknown[]).slice(0, MAX_LIST_ITEMS) : []

function materials(items: unknown[]): ProvenanceMaterial[] {
  const out: ProvenanceMaterial[] = []
  for (const item of items) {
    const m = obj(item)
    const uri = str(m.uri) ?? str(m.name)
    if (uri === null) continue
    out.push({ uri, digest: digestSet.parse(m.digest) })
  }
  return out
}

/** Parameters flattened to "a.b: value" lines, at most MAX_LIST_ITEMS, without recursion limits to abuse. */
function flatten(root: unknown, prefix: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = []
  const stack: [string, unknown, number][] = [[prefix, root, 0]]
  while (stack.length > 0 && out.length < MAX_LIST_ITEMS) {
    const [name, value, depth] = stack.pop()!
    if (value !== null && typeof value === 'object' && depth < 6) {
      const entries = Array.isArray(value)
        ? value.map((v, i) => [String(i), v] as const)
        : Object.entries(value)
      for (const [k, v] of entries.slice(0, MAX_LIST_ITEMS).reverse()) {
        stack.push([name === '' ? k : `${name}.${k}`, v, depth + 1])
      }
    } else {
      out.push({
        name: clip(name, 300),
        value: clip(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null')),
      })
    }
  }
  return out
}

/** "git+https://github.com/o/r@refs/heads/main" → "https://github.com/o/r". */
function repository(uri: string): string {
  return uri.replace(/^git\+/, '').replace(/@[^@/]*(\/[^@]*)?$/, '')
}
function commitOf(digest: Record<string, string>): string | null {
  return digest.gitCommit ?? digest.sha1 ?? null
}

/** Summarises an in-toto statement (bare, or the payload of a DSSE envelope) in words. */
export function parseProvenance(bytes: Uint8Array): Parsed<ProvenanceSummary> {
  const json = parseJsonBytes(bytes)
  if (!json.ok) return json
  let value = json.value
  if (value !== null && typeof value === 'object' && 'payloadType' in value) {
    const env = parseDsse(value)
    if (!env.ok) return env
    if (env.value.payloadType !== DSSE_INTOTO_PAYLOAD_TYPE) {
      return {
        ok: false,
        problem: `The DSSE payload is ${clip(env.value.payloadType, 100)}, not an in-toto statement.`,
      }
    }
    const inner = parseJsonBytes(env.value.payloadBytes)
    if (!inner.ok) return inner
    value = inner.value
  }
  const st = statement.safeParse(value)
  if (!st.success)
    return { ok: false, problem: 'Not an in-toto statement (_type, subject, predicateType).' }
  const { predicate: p, predicateType } = st.data
  const summary: ProvenanceSummary = {
    predicateType: clip(predicateType),
    slsaVersion: null,
    builder: null,
    buildType: null,
    sourceRepository: null,
    sourceCommit: null,
    materials: [],
    parameters: [],
    subjects: st.data.subject
      .slice(0, MAX_LIST_ITEMS)
      .map((s) => ({ name: clip(s.name), digest: s.digest })),
    startedOn: null,
    finishedOn: null,
    raw: clip(JSON.stringify(value, null, 2), 4 * 1024 * 1024),
  }
  if (predicateType === SLSA_V02) {
    const invocation = obj(p.invocation)
    const config = obj(invocation.configSource)
    const meta = obj(p.metadata)
    summary.slsaVersion = 'v0.2'
    summary.builder = str(obj(p.builder).id)
    summary.buildType = str(p.buildType)
    summary.materials = materials(arr(p.materials))
    const source = str(config.uri)
    if (source !== null) {
      summary.sourceRepository = repository(source)
      summary.sourceCommit = commitOf(digestSet.parse(config.digest))
    }
    summary.parameters = flatten(invocation.parameters, '')
    summary.startedOn = str(meta.buildStartedOn)
    summary.finishedOn = str(meta.buildFinishedOn)
  } else if (predicateType === SLSA_V1) {
    const def = obj(p.buildDefinition)
    const run = obj(p.runDetails)
    const meta = obj(run.metadata)
    summary.slsaVersion = 'v1'
    summary.builder = str(obj(run.builder).id)
    summary.buildType = str(def.buildType)
    summary.materials = materials(arr(def.resolvedDependencies))
    summary.parameters = flatten(def.externalParameters, '')
    summary.startedOn = str(meta.startedOn)
    summary.finishedOn = str(meta.finishedOn)
    const workflow = obj(obj(def.externalParameters).workflow)
    const git = summary.materials.find(
      (m) => m.uri.startsWith('git+') && commitOf(m.digest) !== null,
    )
    summary.sourceRepository = str(workflow.repository) ?? (git ? repository(git.uri) : null)
    summary.sourceCommit = git ? commitOf(git.digest) : null
  }
  return { ok: true, value: summary }
}
