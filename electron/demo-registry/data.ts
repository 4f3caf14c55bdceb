import { createHash } from 'node:crypto'

/** A repository as the emulator stores it; operations turn it into ECR's wire shape. */
export interface RepositoryRecord {
  readonly repositoryName: string
  readonly repositoryArn: string
  readonly repositoryUri: string
  readonly registryId: string
  readonly createdAt: Date
  readonly imageTagMutability: 'MUTABLE' | 'IMMUTABLE'
  readonly scanOnPush: boolean
  readonly encryption: { readonly encryptionType: 'AES256' | 'KMS'; readonly kmsKey?: string }
  /** Set for repositories that a pull-through cache rule created. */
  readonly pullThroughCachePrefix?: string
}

/** What the seed needs to know about the registry it fills. */
export interface SeedOptions {
  readonly repositoryCount: number
  readonly accountId: string
  readonly region: string
}

// Dates hang off a fixed instant, not the clock, so every run (and every test) sees the same data.
/** The fixed instant every seeded date is measured back from. */
export const SEED_EPOCH = new Date(Date.UTC(2025, 5, 1, 12, 0, 0))
const THREE_YEARS_MS = 3 * 365 * 24 * 60 * 60 * 1000

interface SampleRepository {
  readonly name: string
  readonly imageTagMutability: 'MUTABLE' | 'IMMUTABLE'
  readonly scanOnPush: boolean
  readonly encryptionType: 'AES256' | 'KMS'
  readonly pullThroughCachePrefix?: string
}

// Hand-picked names come first so even a tiny registry shows the cases the UI must handle.
const SAMPLES: readonly SampleRepository[] = [
  {
    name: 'demo/web-app',
    imageTagMutability: 'MUTABLE',
    scanOnPush: true,
    encryptionType: 'AES256',
  },
  { name: 'demo/api', imageTagMutability: 'IMMUTABLE', scanOnPush: true, encryptionType: 'KMS' },
  {
    name: 'demo/multi-arch',
    imageTagMutability: 'MUTABLE',
    scanOnPush: false,
    encryptionType: 'AES256',
  },
  {
    name: 'demo/oci-zstd',
    imageTagMutability: 'IMMUTABLE',
    scanOnPush: false,
    encryptionType: 'AES256',
  },
  {
    name: 'demo/untagged',
    imageTagMutability: 'MUTABLE',
    scanOnPush: false,
    encryptionType: 'AES256',
  },
  {
    name: 'ecr-public/docker/library/alpine',
    imageTagMutability: 'MUTABLE',
    scanOnPush: false,
    encryptionType: 'AES256',
    pullThroughCachePrefix: 'ecr-public',
  },
  {
    name: 'demo/scale-50k',
    imageTagMutability: 'MUTABLE',
    scanOnPush: false,
    encryptionType: 'KMS',
  },
  {
    name: 'demo/windows',
    imageTagMutability: 'IMMUTABLE',
    scanOnPush: true,
    encryptionType: 'AES256',
  },
  {
    name: 'demo/hostile',
    imageTagMutability: 'MUTABLE',
    scanOnPush: false,
    encryptionType: 'AES256',
  },
  {
    name: 'demo/supply-chain',
    imageTagMutability: 'IMMUTABLE',
    scanOnPush: true,
    encryptionType: 'AES256',
  },
  {
    name: 'demo/archive',
    imageTagMutability: 'IMMUTABLE',
    scanOnPush: false,
    encryptionType: 'AES256',
  },
  {
    name: 'demo/scanned',
    imageTagMutability: 'MUTABLE',
    scanOnPush: true,
    encryptionType: 'AES256',
  },
  {
    name: 'demo/signed',
    imageTagMutability: 'IMMUTABLE',
    scanOnPush: false,
    encryptionType: 'AES256',
  },
]

/** The seeded contents of one emulated registry, sorted by repository name. */
export class RegistryData {
  /** Every repository, in the order DescribeRepositories pages through them. */
  repositories: readonly RepositoryRecord[]
  private readonly byName: Map<string, RepositoryRecord>
  private readonly accountId: string
  private readonly region: string

  /** Seeds `repositoryCount` repositories deterministically. */
  constructor(options: SeedOptions) {
    this.accountId = options.accountId
    this.region = options.region
    const records = seedRepositories(options)
    this.repositories = sortByName(records)
    this.byName = new Map(records.map((r) => [r.repositoryName, r]))
  }

  /** Adds a MUTABLE, AES256 repository (for tests and benchmarks); returns the existing one if present. */
  addRepository(name: string): RepositoryRecord {
    const existing = this.byName.get(name)
    if (existing) return existing
    const record = makeRecord(this.accountId, this.region, name, {
      imageTagMutability: 'MUTABLE',
      scanOnPush: false,
      encryptionType: 'AES256',
    })
    this.byName.set(name, record)
    this.repositories = sortByName([...this.repositories, record])
    return record
  }

  /** Looks a repository up by its exact name. */
  repository(name: string): RepositoryRecord | undefined {
    return this.byName.get(name)
  }
}

// Code-unit order, not localeCompare, so the order never depends on the host's locale.
function sortByName(records: RepositoryRecord[]): RepositoryRecord[] {
  return records.sort((a, b) =>
    a.repositoryName < b.repositoryName ? -1 : a.repositoryName > b.repositoryName ? 1 : 0,
  )
}

function seedRepositories({ repositoryCount, accountId, region }: SeedOptions): RepositoryRecord[] {
  const records: RepositoryRecord[] = []
  for (const sample of SAMPLES.slice(0, repositoryCount)) {
    records.push(
      makeRecord(accountId, region, sample.name, {
        imageTagMutability: sample.imageTagMutability,
        scanOnPush: sample.scanOnPush,
        encryptionType: sample.encryptionType,
        pullThroughCachePrefix: sample.pullThroughCachePrefix,
      }),
    )
  }
  for (let n = 0; records.length < repositoryCount; n++) {
    const name = `team-${String(n % 24).padStart(2, '0')}/service-${String(n).padStart(4, '0')}`
    const bits = hashBytes(`settings:${name}`)
    records.push(
      makeRecord(accountId, region, name, {
        imageTagMutability: (bits[0] ?? 0) % 10 < 3 ? 'IMMUTABLE' : 'MUTABLE',
        scanOnPush: (bits[1] ?? 0) % 2 === 0,
        encryptionType: (bits[2] ?? 0) % 4 === 0 ? 'KMS' : 'AES256',
      }),
    )
  }
  return records
}

function makeRecord(
  accountId: string,
  region: string,
  name: string,
  settings: {
    imageTagMutability: 'MUTABLE' | 'IMMUTABLE'
    scanOnPush: boolean
    encryptionType: 'AES256' | 'KMS'
    pullThroughCachePrefix?: string
  },
): RepositoryRecord {
  const kmsKey =
    settings.encryptionType === 'KMS'
      ? `arn:aws:kms:${region}:${accountId}:key/${uuidFrom(`kms:${name}`)}`
      : undefined
  return {
    repositoryName: name,
    repositoryArn: `arn:aws:ecr:${region}:${accountId}:repository/${name}`,
    repositoryUri: `${accountId}.dkr.ecr.${region}.amazonaws.com/${name}`,
    registryId: accountId,
    createdAt: new Date(SEED_EPOCH.getTime() - (hashInt48(`created:${name}`) % THREE_YEARS_MS)),
    imageTagMutability: settings.imageTagMutability,
    scanOnPush: settings.scanOnPush,
    encryption: kmsKey
      ? { encryptionType: 'KMS', kmsKey }
      : { encryptionType: settings.encryptionType },
    ...(settings.pullThroughCachePrefix
      ? { pullThroughCachePrefix: settings.pullThroughCachePrefix }
      : {}),
  }
}

function hashBytes(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

// 48 bits: enough to spread ~9.5e10 ms (three years) with millisecond-fraction timestamps.
function hashInt48(text: string): number {
  return hashBytes(text).readUIntBE(0, 6)
}

function uuidFrom(text: string): string {
  const hex = hashBytes(text).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** A pull-through cache rule as the registry stores it. */
export interface PullThroughCacheRuleRecord {
  readonly ecrRepositoryPrefix: string
  readonly upstreamRegistryUrl: string
  readonly upstreamRegistry: string
  readonly createdAt: Date
  readonly updatedAt?: Date
  readonly credentialArn?: string
}
