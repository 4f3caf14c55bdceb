import { MEDIA_TYPES } from '../images'
import type { BlobRef, ImageRecord, ScanInfo } from '../images'
import { deterministicBytes } from '../keystream'
import type { EnhancedFindingRecord, ScanReport, VulnerablePackageRecord } from '../scan-report'
import { at, DAY, defineSample, dir, HOUR, PATH_ENV } from './builder'
import type { SampleBuilder } from './builder'

const REPOSITORY = 'demo/scanned'

/**
 * `1.0` and `1.1` are scanned by Amazon Inspector (enhanced); `basic` by basic scanning; the
 * status tags each carry one of ECR's other scan statuses; `never-scanned` has no scan at all.
 */
const TAGS = {
  v10: '1.0',
  v11: '1.1',
  multi: 'multi',
  basic: 'basic',
  inProgress: 'in-progress',
  failed: 'failed',
  unsupported: 'unsupported',
  pending: 'pending',
  eligibilityExpired: 'eligibility-expired',
  findingsUnavailable: 'findings-unavailable',
  limitExceeded: 'limit-exceeded',
  archived: 'archived',
  neverScanned: 'never-scanned',
} as const

/** The statuses other than COMPLETE and ACTIVE, each on its own image, with ECR's description. */
export const OTHER_SCAN_STATUSES = {
  inProgress: ['IN_PROGRESS', 'The scan is in progress.'],
  failed: ['FAILED', 'Unable to retrieve image layers: the scan could not be completed.'],
  unsupported: [
    'UNSUPPORTED_IMAGE',
    'The operating system or package manager of this image is not supported for scanning.',
  ],
  pending: ['PENDING', 'The image was pushed and is waiting to be scanned.'],
  eligibilityExpired: [
    'SCAN_ELIGIBILITY_EXPIRED',
    'Continuous scanning of this image has stopped: its scan duration in Amazon Inspector expired.',
  ],
  findingsUnavailable: [
    'FINDINGS_UNAVAILABLE',
    'Findings are unavailable: the image is no longer monitored by Amazon Inspector.',
  ],
  limitExceeded: [
    'LIMIT_EXCEEDED',
    'An image can be scanned once per 24 hours with basic scanning.',
  ],
  archived: ['IMAGE_ARCHIVED', 'The image is archived; it is not scanned until it is restored.'],
} as const satisfies Record<string, readonly [string, string]>

export interface ScannedSample {
  readonly v10: ImageRecord
  readonly v11: ImageRecord
  /** `multi`: an OCI index of an amd64 and an arm64 image, each scanned; the index itself is not. */
  readonly multi: ImageRecord
  readonly arm64: ImageRecord
  readonly basic: ImageRecord
  readonly neverScanned: ImageRecord
  readonly statuses: Readonly<Record<keyof typeof OTHER_SCAN_STATUSES, ImageRecord>>
  /** The layers of `1.0`: base OS, curl, the app, the clean-up that deletes `usr/bin/curl`. */
  readonly layers10: readonly BlobRef[]
  readonly layers11: readonly BlobRef[]
  /** The path a finding names that the last layer of `1.0` and `1.1` deletes. */
  readonly deletedPath: string
}

const CURL_DELETED = 'usr/bin/curl'
const NVD = (id: string) => `https://nvd.nist.gov/vuln/detail/${id}`

interface FindingSpec {
  id: string
  title: string
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW'
  score: number
  vector: string
  fix: 'YES' | 'NO' | 'PARTIAL'
  exploit?: 'YES' | 'NO'
  description: string
  remediation: string
  packages: VulnerablePackageRecord[]
  firstDaysAgo: number
}

function finding(spec: FindingSpec, lastObservedAt: Date): EnhancedFindingRecord {
  const npm = spec.packages.some((p) => p.packageManager === 'NODE')
  return {
    vulnerabilityId: spec.id,
    title: `${spec.id} - ${spec.title}`,
    description: spec.description,
    severity: spec.severity,
    score: spec.score,
    cvss: { baseScore: spec.score, scoringVector: spec.vector, source: 'NVD', version: '3.1' },
    source: npm ? 'GITHUB' : 'ALPINE_SECDB',
    sourceUrl: npm
      ? `https://github.com/advisories?query=${spec.id}`
      : `https://security.alpinelinux.org/vuln/${spec.id}`,
    referenceUrls: [NVD(spec.id)],
    vendorSeverity: spec.severity,
    vendorCreatedAt: at(400 * DAY),
    remediation: spec.remediation,
    fixAvailable: spec.fix,
    exploitAvailable: spec.exploit ?? 'NO',
    status: 'ACTIVE',
    firstObservedAt: at(spec.firstDaysAgo * DAY),
    lastObservedAt,
    packages: spec.packages,
  }
}

async function build(b: SampleBuilder): Promise<ScannedSample> {
  const t = at(20 * DAY)
  const t2 = at(3 * DAY)
  const lib = (name: string, seed: string, size = 24 * 1024) => ({
    name,
    mtime: t,
    content: deterministicBytes(`scanned:${seed}`, size),
  })
  const apkDb = (openssl: string) =>
    [
      `P:libcrypto3\nV:${openssl}\nF:usr/lib\nR:libcrypto.so.3\n`,
      `P:libssl3\nV:${openssl}\nF:usr/lib\nR:libssl.so.3\n`,
      'P:zlib\nV:1.2.13-r1\nF:lib\nR:libz.so.1.2.13\n',
      'P:busybox\nV:1.36.1-r2\nF:bin\nR:busybox\n',
      'P:ssl_client\nV:1.36.1-r2\nF:usr/bin\nR:ssl_client\n',
    ].join('\n')
  const base = async (openssl: string) =>
    b.layer(
      [
        dir('bin/', { mtime: t }),
        { ...lib('bin/busybox', 'busybox', 64 * 1024), mode: 0o755 },
        dir('etc/', { mtime: t }),
        {
          name: 'etc/os-release',
          mtime: t,
          content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.0\n',
        },
        dir('lib/', { mtime: t }),
        dir('lib/apk/', { mtime: t }),
        dir('lib/apk/db/', { mtime: t }),
        { name: 'lib/apk/db/installed', mtime: t, content: apkDb(openssl) },
        lib('lib/libz.so.1.2.13', 'zlib'),
        dir('usr/', { mtime: t }),
        dir('usr/bin/', { mtime: t }),
        { ...lib('usr/bin/ssl_client', 'ssl_client', 8 * 1024), mode: 0o755 },
        dir('usr/lib/', { mtime: t }),
        lib('usr/lib/libcrypto.so.3', `libcrypto:${openssl}`, 48 * 1024),
        lib('usr/lib/libssl.so.3', `libssl:${openssl}`),
      ],
      'gzip',
      MEDIA_TYPES.dockerLayerGzip,
    )
  const base10 = await base('3.1.4-r0')
  const base11 = await base('3.1.4-r5')
  const curl = await b.layer(
    [
      dir('usr/', { mtime: t }),
      dir('usr/bin/', { mtime: t }),
      { ...lib(CURL_DELETED, 'curl', 16 * 1024), mode: 0o755 },
      dir('usr/lib/', { mtime: t }),
      lib('usr/lib/libcurl.so.4', 'libcurl', 32 * 1024),
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )
  const pkg = (name: string, version: string) => ({
    name: `app/node_modules/${name}/package.json`,
    mtime: t,
    content: `${JSON.stringify({ name, version }, null, 2)}\n`,
  })
  const app = async (deps: Record<string, string>) =>
    b.layer(
      [
        dir('app/', { mtime: t }),
        {
          name: 'app/package.json',
          mtime: t,
          content: `${JSON.stringify({ name: 'scanned-app', dependencies: deps }, null, 2)}\n`,
        },
        {
          name: 'app/server.js',
          mtime: t,
          content: "require('http').createServer().listen(8080)\n",
        },
        dir('app/node_modules/', { mtime: t }),
        ...Object.entries(deps).flatMap(([name, version]) => [
          dir(`app/node_modules/${name}/`, { mtime: t }),
          pkg(name, version),
        ]),
      ],
      'gzip',
      MEDIA_TYPES.dockerLayerGzip,
    )
  const app10 = await app({ lodash: '4.17.20', minimist: '1.2.5' })
  const app11 = await app({ 'body-parser': '1.19.0', lodash: '4.17.21', minimist: '1.2.6' })
  // `apk del curl` in a later step: the binary goes, the library stays (a whiteout, as BuildKit writes).
  const cleanup = await b.layer(
    [
      dir('usr/', { mtime: t }),
      dir('usr/bin/', { mtime: t }),
      { name: 'usr/bin/.wh.curl', mtime: t },
    ],
    'gzip',
    MEDIA_TYPES.dockerLayerGzip,
  )

  const history = [
    { created_by: '/bin/sh -c #(nop) ADD file:alpine-minirootfs.tar.gz in / ' },
    {
      created_by: 'RUN /bin/sh -c apk add --no-cache curl # buildkit',
      comment: 'buildkit.dockerfile.v0',
    },
    { created_by: 'COPY app /app # buildkit', comment: 'buildkit.dockerfile.v0' },
    { created_by: 'RUN /bin/sh -c rm /usr/bin/curl # buildkit', comment: 'buildkit.dockerfile.v0' },
    {
      created_by: 'CMD ["node" "/app/server.js"]',
      comment: 'buildkit.dockerfile.v0',
      empty_layer: true as const,
    },
  ]
  const image = (
    layers: readonly { ref: BlobRef; diffId: string }[],
    options: {
      tags: string[]
      pushedAt: Date
      scan?: ScanInfo
      architecture?: string
      label?: string
    },
  ) =>
    b.manifest(
      {
        repositoryName: REPOSITORY,
        tags: options.tags,
        pushedAt: options.pushedAt,
        ...(options.scan ? { scan: options.scan } : {}),
      },
      'docker',
      b.config(MEDIA_TYPES.dockerConfig, {
        architecture: options.architecture ?? 'amd64',
        os: 'linux',
        created: options.pushedAt,
        config: {
          Env: [PATH_ENV],
          Cmd: ['node', '/app/server.js'],
          Labels: { 'demo.scan': options.label ?? options.tags.join(',') },
        },
        diffIds: layers.map((l) => l.diffId),
        history,
      }),
      layers.map((l) => l.ref),
    )

  const openssl = (layer: string, fixed: string): VulnerablePackageRecord[] => [
    {
      name: 'libcrypto3',
      version: '3.1.4',
      release: 'r0',
      arch: 'X86_64',
      packageManager: 'OS',
      filePath: 'usr/lib/libcrypto.so.3',
      sourceLayerHash: layer,
      fixedInVersion: fixed,
    },
    {
      name: 'libssl3',
      version: '3.1.4',
      release: 'r0',
      arch: 'X86_64',
      packageManager: 'OS',
      filePath: 'usr/lib/libssl.so.3',
      sourceLayerHash: layer,
      fixedInVersion: fixed,
    },
  ]
  const common = (baseLayer: string): FindingSpec[] => [
    {
      id: 'CVE-2023-38545',
      title: 'curl: heap buffer overflow in the SOCKS5 proxy handshake',
      severity: 'CRITICAL',
      score: 9.8,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      fix: 'YES',
      exploit: 'YES',
      description:
        'A heap buffer overflow in the SOCKS5 proxy handshake: a host name longer than 255 bytes is copied into a too-small buffer when curl is asked to let the proxy resolve it.',
      remediation: 'Upgrade curl and libcurl to 8.4.0-r0 or later (apk upgrade curl libcurl).',
      packages: [
        {
          name: 'libcurl',
          version: '8.3.0',
          release: 'r0',
          arch: 'X86_64',
          packageManager: 'OS',
          filePath: 'usr/lib/libcurl.so.4',
          sourceLayerHash: curl.ref.digest,
          fixedInVersion: '8.4.0-r0',
        },
      ],
      firstDaysAgo: 19,
    },
    {
      id: 'CVE-2023-46218',
      title: 'curl: cookie mixed case PSL bypass',
      severity: 'MEDIUM',
      score: 6.5,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N',
      fix: 'YES',
      description:
        'curl lets a server set a "super cookie" for a whole top-level domain when the domain is written in mixed case, bypassing the public suffix list.',
      remediation: 'Upgrade curl to 8.5.0-r0 or later.',
      packages: [
        {
          name: 'curl',
          version: '8.3.0',
          release: 'r0',
          arch: 'X86_64',
          packageManager: 'OS',
          filePath: CURL_DELETED,
          sourceLayerHash: curl.ref.digest,
          fixedInVersion: '8.5.0-r0',
        },
      ],
      firstDaysAgo: 19,
    },
    {
      id: 'CVE-2023-45853',
      title: 'zlib: integer overflow in minizip zipOpenNewFileInZip4_64',
      severity: 'CRITICAL',
      score: 9.8,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      fix: 'NO',
      description:
        'MiniZip in zlib through 1.3 has an integer overflow and heap-based buffer overflow in zipOpenNewFileInZip4_64 via a long file name, comment or extra field.',
      remediation:
        'No fixed version is available; the vulnerable code is in MiniZip, which the image does not call unless an application links it.',
      packages: [
        {
          name: 'zlib',
          version: '1.2.13',
          release: 'r1',
          arch: 'X86_64',
          packageManager: 'OS',
          filePath: 'lib/libz.so.1.2.13',
          sourceLayerHash: baseLayer,
        },
      ],
      firstDaysAgo: 19,
    },
    {
      id: 'CVE-2023-42364',
      title: 'busybox: use-after-free in awk',
      severity: 'MEDIUM',
      score: 5.5,
      vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
      fix: 'PARTIAL',
      description: 'A use-after-free in BusyBox awk lets a crafted awk pattern crash the process.',
      remediation: 'Upgrade busybox to 1.36.1-r6; no fixed ssl_client is available yet.',
      packages: [
        {
          name: 'busybox',
          version: '1.36.1',
          release: 'r2',
          arch: 'X86_64',
          packageManager: 'OS',
          filePath: 'bin/busybox',
          sourceLayerHash: baseLayer,
          fixedInVersion: '1.36.1-r6',
        },
        {
          name: 'ssl_client',
          version: '1.36.1',
          release: 'r2',
          arch: 'X86_64',
          packageManager: 'OS',
          filePath: 'usr/bin/ssl_client',
          sourceLayerHash: baseLayer,
        },
      ],
      firstDaysAgo: 19,
    },
  ]
  const only10: FindingSpec[] = [
    {
      id: 'CVE-2023-5363',
      title: 'openssl: incorrect cipher key and IV length processing',
      severity: 'HIGH',
      score: 7.5,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
      fix: 'YES',
      description:
        'Changing the key or IV length after EVP_EncryptInit_ex2 is not applied, so a shorter key or IV than intended may be used.',
      remediation: 'Upgrade libcrypto3 and libssl3 to 3.1.4-r1 or later.',
      packages: openssl(base10.ref.digest, '3.1.4-r1'),
      firstDaysAgo: 19,
    },
    {
      id: 'CVE-2024-0727',
      title: 'openssl: denial of service via null dereference in PKCS12',
      severity: 'MEDIUM',
      score: 5.5,
      vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H',
      fix: 'YES',
      description: 'Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash.',
      remediation: 'Upgrade libcrypto3 and libssl3 to 3.1.4-r5 or later.',
      packages: openssl(base10.ref.digest, '3.1.4-r5'),
      firstDaysAgo: 12,
    },
    {
      id: 'CVE-2021-44906',
      title: 'minimist: prototype pollution',
      severity: 'CRITICAL',
      score: 9.8,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      fix: 'YES',
      exploit: 'YES',
      description:
        'minimist before 1.2.6 lets `constructor` and `__proto__` keys pollute Object.prototype (setKey, index.js).',
      remediation: 'Upgrade minimist to 1.2.6 or later (npm install minimist@^1.2.6).',
      packages: [
        {
          name: 'minimist',
          version: '1.2.5',
          packageManager: 'NODE',
          filePath: 'app/node_modules/minimist/package.json',
          sourceLayerHash: app10.ref.digest,
          fixedInVersion: '1.2.6',
        },
      ],
      firstDaysAgo: 19,
    },
    {
      id: 'CVE-2021-23337',
      title: 'lodash: command injection via template',
      severity: 'HIGH',
      score: 7.2,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
      fix: 'YES',
      description:
        'lodash before 4.17.21 is vulnerable to command injection through the template function.',
      remediation: 'Upgrade lodash to 4.17.21 or later.',
      packages: [
        {
          name: 'lodash',
          version: '4.17.20',
          packageManager: 'NODE',
          filePath: 'app/node_modules/lodash/package.json',
          sourceLayerHash: app10.ref.digest,
          fixedInVersion: '4.17.21',
        },
      ],
      firstDaysAgo: 19,
    },
  ]
  const only11: FindingSpec[] = [
    {
      id: 'CVE-2024-45590',
      title: 'body-parser: denial of service when url encoding is enabled',
      severity: 'HIGH',
      score: 7.5,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
      fix: 'YES',
      description:
        'body-parser before 1.20.3 is vulnerable to denial of service when url encoding is enabled.',
      remediation: 'Upgrade body-parser to 1.20.3 or later.',
      packages: [
        {
          name: 'body-parser',
          version: '1.19.0',
          packageManager: 'NODE',
          filePath: 'app/node_modules/body-parser/package.json',
          sourceLayerHash: app11.ref.digest,
          fixedInVersion: '1.20.3',
        },
      ],
      firstDaysAgo: 2,
    },
  ]
  const enhanced = (specs: FindingSpec[], completedAt: Date): ScanInfo => {
    const report: ScanReport = {
      imageScanCompletedAt: completedAt,
      vulnerabilitySourceUpdatedAt: new Date(completedAt.getTime() - 2 * HOUR),
      enhanced: specs.map((s) => finding(s, completedAt)),
    }
    // Enhanced scanning leaves DescribeImages' imageScanFindingsSummary empty.
    return {
      status: { status: 'ACTIVE', description: 'Continuous scan is selected for image.' },
      report,
    }
  }
  const layers10 = [base10, curl, app10, cleanup]
  const layers11 = [base11, curl, app11, cleanup]
  const v10 = image(layers10, {
    tags: [TAGS.v10],
    pushedAt: t,
    scan: enhanced([...common(base10.ref.digest), ...only10], at(HOUR)),
  })
  const v11 = image(layers11, {
    tags: [TAGS.v11],
    pushedAt: t2,
    scan: enhanced([...common(base11.ref.digest), ...only11], at(HOUR)),
  })
  const amd64 = image(layers11, {
    tags: [],
    pushedAt: t2,
    label: 'multi/amd64',
    scan: enhanced([...common(base11.ref.digest), ...only11], at(HOUR)),
  })
  const arm64 = image(layers11, {
    tags: [],
    pushedAt: t2,
    architecture: 'arm64',
    label: 'multi/arm64',
    scan: enhanced(common(base11.ref.digest).slice(0, 2), at(HOUR)),
  })
  const multi = b.index({ repositoryName: REPOSITORY, tags: [TAGS.multi], pushedAt: t2 }, 'oci', [
    { image: amd64, platform: { architecture: 'amd64', os: 'linux' } },
    { image: arm64, platform: { architecture: 'arm64', os: 'linux' } },
  ])
  const basicReport: ScanReport = {
    imageScanCompletedAt: at(2 * DAY),
    vulnerabilitySourceUpdatedAt: at(2 * DAY + 6 * HOUR),
    basic: [
      {
        name: 'CVE-2023-38545',
        description: 'curl: heap buffer overflow in the SOCKS5 proxy handshake.',
        uri: 'https://security-tracker.debian.org/tracker/CVE-2023-38545',
        severity: 'CRITICAL',
        attributes: [
          { key: 'package_version', value: '8.3.0-r0' },
          { key: 'package_name', value: 'curl' },
          { key: 'CVSS3_VECTOR', value: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
          { key: 'CVSS3_SCORE', value: '9.8' },
        ],
      },
      {
        name: 'CVE-2023-5363',
        description: 'openssl: incorrect cipher key and IV length processing.',
        uri: 'https://security-tracker.debian.org/tracker/CVE-2023-5363',
        severity: 'HIGH',
        attributes: [
          { key: 'package_version', value: '3.1.4-r0' },
          { key: 'package_name', value: 'openssl' },
          { key: 'CVSS3_VECTOR', value: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' },
          { key: 'CVSS3_SCORE', value: '7.5' },
        ],
      },
      {
        name: 'CVE-2023-42364',
        description: 'busybox: use-after-free in awk.',
        uri: 'https://security-tracker.debian.org/tracker/CVE-2023-42364',
        severity: 'MEDIUM',
        attributes: [
          { key: 'package_version', value: '1.36.1-r2' },
          { key: 'package_name', value: 'busybox' },
        ],
      },
    ],
  }
  const basic = image(layers10, {
    tags: [TAGS.basic],
    pushedAt: at(2 * DAY + HOUR),
    scan: {
      status: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
      findings: {
        imageScanCompletedAt: basicReport.imageScanCompletedAt,
        vulnerabilitySourceUpdatedAt: basicReport.vulnerabilitySourceUpdatedAt,
        findingSeverityCounts: { CRITICAL: 1, HIGH: 1, MEDIUM: 1 },
      },
      report: basicReport,
    },
  })
  const statuses = Object.fromEntries(
    (Object.keys(OTHER_SCAN_STATUSES) as (keyof typeof OTHER_SCAN_STATUSES)[]).map((key, i) => {
      const [status, description] = OTHER_SCAN_STATUSES[key]
      return [
        key,
        image(layers10, {
          tags: [TAGS[key]],
          pushedAt: at(4 * DAY + i * HOUR),
          scan: { status: { status, description } },
        }),
      ]
    }),
  ) as Record<keyof typeof OTHER_SCAN_STATUSES, ImageRecord>
  const neverScanned = image(layers10, { tags: [TAGS.neverScanned], pushedAt: at(5 * DAY) })
  return {
    v10,
    v11,
    multi,
    arm64,
    basic,
    neverScanned,
    statuses,
    layers10: layers10.map((l) => l.ref),
    layers11: layers11.map((l) => l.ref),
    deletedPath: CURL_DELETED,
  }
}

/** `demo/scanned`: basic and enhanced scan findings tied to real layers and files, and every scan status. */
export const scanned = defineSample({
  key: 'scanned',
  repositoryName: REPOSITORY,
  tags: TAGS,
  build,
})
