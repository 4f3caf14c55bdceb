import type { ImageRecord } from '../images'
import type { ScaleImageCollection } from '../scale'
import { alpine } from './alpine-pull-through'
import { archive } from './archive'
import { SampleBuilder } from './builder'
import type { SampleDefinition, UncachedUpstreamImage } from './builder'
import { hostile } from './hostile'
import { multiArch } from './multi-arch'
import { ociZstd } from './oci-zstd'
import { buildScale } from './scale-50k'
import { scanned } from './scanned'
import { signedSample } from './signed'
import { supplyChain } from './supply-chain'
import { untagged } from './untagged'
import { webApp } from './web-app'
import { windows } from './windows'

export { ECR_PUBLIC_UPSTREAM, pullThroughCacheRules } from './alpine-pull-through'
export type { UncachedUpstreamImage } from './builder'
export { WEB_APP_LONG_NAME, WEB_APP_VERY_LONG_PATH } from './web-app'

/**
 * Every sample image, built in this order into one registry. To add a sample, write
 * `samples/<name>.ts` exporting `defineSample({ key, repositoryName, tags, build, state? })` (see
 * `oci-zstd.ts` for the smallest one) and add it to this list: that one line puts its repository in
 * SAMPLE_REPOSITORIES, its tags in SAMPLE_TAGS and what `build` returns in the catalogue.
 */
const SAMPLES = [
  webApp,
  ociZstd,
  multiArch,
  untagged,
  windows,
  alpine,
  hostile,
  supplyChain,
  archive,
  scanned,
  signedSample,
] as const

type Sample = (typeof SAMPLES)[number]
// The list's element type is a union; each definition's own types are kept per key.
type AnySample = SampleDefinition<string, string, Readonly<Record<string, string>>, unknown>
type ByKey<K extends Sample['key']> = Extract<Sample, { key: K }>

/** Every sample image and the special digests tests need, looked up instead of hard-coded. */
export type SampleCatalogue = {
  readonly [K in Sample['key']]: Awaited<ReturnType<ByKey<K>['build']>>
}

/** The repositories that hold samples, plus `demo/api` (always empty) and the generated scale one. */
export const SAMPLE_REPOSITORIES = {
  ...(Object.fromEntries(SAMPLES.map((s) => [s.key, s.repositoryName])) as {
    readonly [K in Sample['key']]: ByKey<K>['repositoryName']
  }),
  api: 'demo/api',
  scale: 'demo/scale-50k',
} as const

/** The tags the samples carry, so tests never spell them twice. */
export const SAMPLE_TAGS = Object.fromEntries(SAMPLES.map((s) => [s.key, s.tags])) as {
  readonly [K in Sample['key']]: ByKey<K>['tags']
}

/** The built samples: images per repository, the blob bytes, and the catalogue describing them. */
export interface SampleSet {
  readonly images: ReadonlyMap<string, readonly ImageRecord[]>
  readonly blobs: ReadonlyMap<string, Buffer>
  /** Blobs stored in a repository without any manifest referencing them. */
  readonly orphans: ReadonlyMap<string, readonly string[]>
  /** Layers BatchCheckLayerAvailability reports as ARCHIVED, per repository. */
  readonly archived: ReadonlyMap<string, readonly string[]>
  /** Digests of layers and images that only the pull-through cache's upstream has, per repository. */
  readonly upstreamOnly: ReadonlyMap<string, UncachedUpstreamImage>
  /** `demo/scale-50k`, generated on demand from shared real blobs. */
  readonly scale: ScaleImageCollection
  readonly catalogue: SampleCatalogue
}

let cached: Promise<SampleSet> | undefined

/** Builds every sample once per process; the bytes are deterministic, so sharing them is safe. */
export function loadSamples(): Promise<SampleSet> {
  cached ??= buildSamples()
  return cached
}

/** Builds every sample afresh; loadSamples() caches this, tests call it to check determinism. */
export async function buildSamples(): Promise<SampleSet> {
  const b = new SampleBuilder()
  const catalogue: Record<string, unknown> = {}
  const orphans = new Map<string, readonly string[]>()
  const archived = new Map<string, readonly string[]>()
  const upstreamOnly = new Map<string, UncachedUpstreamImage>()
  for (const sample of SAMPLES as readonly AnySample[]) {
    const built = await sample.build(b)
    catalogue[sample.key] = built
    const state = sample.state?.(built)
    if (state?.orphans) orphans.set(sample.repositoryName, state.orphans)
    if (state?.archived) archived.set(sample.repositoryName, state.archived)
    if (state?.upstreamOnly) upstreamOnly.set(sample.repositoryName, state.upstreamOnly)
  }
  const scale = await buildScale(b, SAMPLE_REPOSITORIES.scale)
  return {
    images: b.images,
    blobs: b.blobs,
    orphans,
    archived,
    upstreamOnly,
    scale,
    catalogue: catalogue as SampleCatalogue,
  }
}
