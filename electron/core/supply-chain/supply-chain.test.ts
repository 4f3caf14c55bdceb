import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  cosignSign,
  cycloneDxSbom,
  generateDemoKeyPair,
  notationSignature,
  slsaProvenance,
  spdxSbom,
  type DemoPackage,
  type LayerFile,
} from '../../demo-registry/samples/supply-chain-artifacts'
import { artifactKind, artifactKindInWords, legacyCosignTag } from './artifact-kind'
import { parsePublicKey, parseSimpleSigning, verdictInWords, verifyCosignSignature } from './cosign'
import { parseNotationJws } from './notation'
import { parseDsse, parseProvenance, preAuthEncoding } from './provenance'
import { parseSbom } from './sbom'
import { describeSoci, SOCI_INDEX_V2 } from './soci'
import { verifyBytes } from './cosign'

const SUBJECT = `sha256:${'a'.repeat(64)}`
const OTHER = `sha256:${'b'.repeat(64)}`
const files: LayerFile[] = [
  { path: 'app/server', content: Buffer.from('binary') },
  { path: 'app/VERSION', content: Buffer.from('1.0\n') },
]
const packages: DemoPackage[] = [
  {
    name: 'supply-chain-server',
    version: '1.0.0',
    licence: 'Apache-2.0',
    supplier: 'Example Corp',
    purl: 'pkg:generic/supply-chain-server@1.0.0',
    files: ['app/server', 'app/VERSION'],
  },
  {
    name: 'musl',
    version: '1.2.5-r0',
    licence: 'MIT',
    supplier: 'Alpine',
    purl: 'pkg:apk/alpine/musl@1.2.5-r0',
    files: [],
  },
]

describe('SBOMs', () => {
  it('reads an SPDX 2.3 document: packages with licence, purl, supplier and their files', () => {
    const doc = parseSbom(
      spdxSbom({
        name: 'x',
        namespace: 'https://x.invalid/1',
        created: new Date(0),
        files,
        packages,
      }),
    )
    expect(doc.ok).toBe(true)
    if (!doc.ok) return
    expect(doc.value.format).toBe('SPDX')
    expect(doc.value.specVersion).toBe('SPDX-2.3')
    expect(doc.value.created).toBe('1970-01-01T00:00:00.000Z')
    expect(doc.value.creators).toContain('Tool: ecr-layer-browser-demo-registry-1.0')
    expect(doc.value.packages[0]).toEqual({
      name: 'supply-chain-server',
      version: '1.0.0',
      licence: 'Apache-2.0',
      purl: 'pkg:generic/supply-chain-server@1.0.0',
      supplier: 'Example Corp',
      files: ['app/server', 'app/VERSION'],
    })
    expect(doc.value.packageCount).toBe(2)
  })

  it('reads a CycloneDX 1.5 document, files from evidence occurrences', () => {
    const doc = parseSbom(
      cycloneDxSbom({
        serial: 'urn:uuid:1',
        subject: { name: 'demo', version: '1.0', digest: SUBJECT },
        created: new Date(0),
        files,
        packages,
      }),
    )
    expect(doc.ok && doc.value.format).toBe('CycloneDX')
    if (!doc.ok) return
    expect(doc.value.creators).toEqual(['Tool: ECR Layer Browser demo-registry'])
    expect(doc.value.packages[0]!.files).toEqual(['app/server', 'app/VERSION'])
    expect(doc.value.packages[1]).toMatchObject({
      name: 'musl',
      licence: 'MIT',
      supplier: 'Alpine',
    })
  })

  it('counts what it read, not what the document claims, and skips malformed packages', () => {
    const doc = parseSbom(
      Buffer.from(
        JSON.stringify({
          bomFormat: 'CycloneDX',
          specVersion: '1.4',
          metadata: { tools: [{ vendor: 'anchore', name: 'syft' }] },
          components: [
            { name: 'ok', components: [{ name: 'nested' }] },
            { version: 'no name' },
            42,
          ],
        }),
      ),
    )
    expect(
      doc.ok && [doc.value.packageCount, doc.value.skipped, doc.value.packages.map((p) => p.name)],
    ).toEqual([2, 2, ['ok', 'nested']])
  })

  it('refuses what is neither SPDX nor CycloneDX, and documents over the cap', () => {
    expect(parseSbom(Buffer.from('{"hello":1}')).ok).toBe(false)
    expect(parseSbom(Buffer.from('not json')).ok).toBe(false)
    expect(parseSbom(Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-3.0' }))).ok).toBe(false)
    expect(parseSbom(Buffer.alloc(33 * 1024 * 1024, 0x20)).ok).toBe(false)
  })

  it('cuts hostile long strings', () => {
    const doc = parseSbom(
      Buffer.from(
        JSON.stringify({
          bomFormat: 'CycloneDX',
          specVersion: '1.5',
          components: [{ name: 'x'.repeat(100_000) }],
        }),
      ),
    )
    expect(doc.ok && doc.value.packages[0]!.name.length).toBe(2048)
  })
})

describe('provenance', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const envelope = slsaProvenance({
    key: privateKey,
    subject: { name: 'demo/supply-chain', digest: SUBJECT },
    repository: 'https://github.com/example/supply-chain',
    commit: 'c0ffee'.padEnd(40, '0'),
    ref: 'refs/heads/main',
    startedOn: new Date(1000),
    finishedOn: new Date(2000),
  })

  it('reads SLSA v1 from a DSSE envelope, in words', () => {
    const p = parseProvenance(envelope)
    expect(p.ok).toBe(true)
    if (!p.ok) return
    expect(p.value).toMatchObject({
      slsaVersion: 'v1',
      builder: 'https://github.com/actions/runner/github-hosted',
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      sourceRepository: 'https://github.com/example/supply-chain',
      sourceCommit: 'c0ffee'.padEnd(40, '0'),
      startedOn: '1970-01-01T00:00:01.000Z',
    })
    expect(p.value.subjects[0]!.digest.sha256).toBe('a'.repeat(64))
    expect(p.value.parameters).toContainEqual({
      name: 'workflow.path',
      value: '.github/workflows/release.yml',
    })
    expect(p.value.raw).toContain('"predicateType": "https://slsa.dev/provenance/v1"')
  })

  it('the DSSE signature is over the pre-authentication encoding', () => {
    const env = parseDsse(JSON.parse(envelope.toString()))
    expect(env.ok).toBe(true)
    if (!env.ok) return
    const pae = preAuthEncoding(env.value.payloadType, env.value.payloadBytes)
    const key = parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString())
    expect(
      key.ok && verifyBytes(key.value, pae, Buffer.from(env.value.signatures[0]!.sig, 'base64')),
    ).toBe(true)
  })

  it('reads SLSA v0.2 (the in-toto spec example shape)', () => {
    const statement = {
      _type: 'https://in-toto.io/Statement/v0.1',
      subject: [{ name: 'img', digest: { sha256: 'a'.repeat(64) } }],
      predicateType: 'https://slsa.dev/provenance/v0.2',
      predicate: {
        builder: {
          id: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v1.9.0',
        },
        buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
        invocation: {
          configSource: {
            uri: 'git+https://github.com/o/r@refs/heads/main',
            digest: { sha1: 'deadbeef' },
            entryPoint: '.github/workflows/x.yml',
          },
          parameters: { event_inputs: { tag: 'v1' } },
        },
        metadata: { buildStartedOn: '2024-01-01T00:00:00Z' },
        materials: [
          { uri: 'git+https://github.com/o/r@refs/heads/main', digest: { sha1: 'deadbeef' } },
        ],
      },
    }
    const p = parseProvenance(Buffer.from(JSON.stringify(statement)))
    expect(p.ok && p.value).toMatchObject({
      slsaVersion: 'v0.2',
      sourceRepository: 'https://github.com/o/r',
      sourceCommit: 'deadbeef',
      parameters: [{ name: 'event_inputs.tag', value: 'v1' }],
      materials: [{ uri: 'git+https://github.com/o/r@refs/heads/main' }],
    })
  })

  it('refuses a DSSE envelope that does not carry an in-toto statement', () => {
    const env = {
      payloadType: 'text/plain',
      payload: Buffer.from('hi').toString('base64'),
      signatures: [],
    }
    expect(parseProvenance(Buffer.from(JSON.stringify(env))).ok).toBe(false)
  })
})

describe('cosign signatures', () => {
  const demo = generateDemoKeyPair()
  const signed = cosignSign(demo.privateKey, 'demo/supply-chain', SUBJECT)

  it('valid, covers this image', () => {
    const v = verifyCosignSignature({
      publicKeyPem: demo.publicKeyPem,
      payload: signed.payload,
      signatureBase64: signed.signature,
      subjectDigest: SUBJECT,
    })
    expect(verdictInWords(v)).toBe('Valid, covers this image')
  })

  it('valid signature, but it covers another digest', () => {
    const v = verifyCosignSignature({
      publicKeyPem: demo.publicKeyPem,
      payload: signed.payload,
      signatureBase64: signed.signature,
      subjectDigest: OTHER,
    })
    expect(verdictInWords(v)).toBe(`Valid signature, but it covers another digest: ${SUBJECT}`)
  })

  it('does not verify with another key, nor when the payload was changed', () => {
    const other = generateDemoKeyPair()
    expect(
      verifyCosignSignature({
        publicKeyPem: other.publicKeyPem,
        payload: signed.payload,
        signatureBase64: signed.signature,
        subjectDigest: SUBJECT,
      }).kind,
    ).toBe('does-not-verify')
    const tampered = Buffer.from(signed.payload.toString().replace(SUBJECT, OTHER))
    expect(
      verifyCosignSignature({
        publicKeyPem: demo.publicKeyPem,
        payload: tampered,
        signatureBase64: signed.signature,
        subjectDigest: OTHER,
      }).kind,
    ).toBe('does-not-verify')
  })

  it('verifies RSA (PKCS#1 v1.5, SHA-256) and Ed25519 keys as cosign signs with them', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const ed = generateKeyPairSync('ed25519')
    for (const [pair, hash] of [
      [rsa, 'sha256'],
      [ed, null],
    ] as const) {
      const v = verifyCosignSignature({
        publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        payload: signed.payload,
        signatureBase64: sign(hash, signed.payload, pair.privateKey).toString('base64'),
        subjectDigest: SUBJECT,
      })
      expect(v.kind).toBe('covers-this-image')
    }
  })

  it('refuses private keys, weak RSA and other curves, and says why', () => {
    const pkcs8 = demo.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const refused = parsePublicKey(pkcs8)
    expect(!refused.ok && refused.problem).toContain('private key')
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString()
    expect(parsePublicKey(weak).ok).toBe(false)
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString()
    expect(parsePublicKey(k1).ok).toBe(false)
    expect(parsePublicKey('hello').ok).toBe(false)
  })

  it('reads a simple-signing payload in the shape cosign’s SIGNATURE_SPEC documents', () => {
    // Field for field as in sigstore/cosign specs/SIGNATURE_SPEC.md (the digest here is made up).
    const payload = `{"critical":{"identity":{"docker-reference":"us-central1-docker.pkg.dev/dlorenc-vmtest2/test/taskrun"},"image":{"docker-manifest-digest":"sha256:6e5a4f1ae1da5e1bf0d7b1aaa1f4d8f4dfb8d1e1e54b2e7c9c85bcb1bc5b8fab"},"type":"cosign container image signature"},"optional":{"sig":"original"}}`
    const p = parseSimpleSigning(Buffer.from(payload))
    expect(p.ok && p.value).toEqual({
      dockerReference: 'us-central1-docker.pkg.dev/dlorenc-vmtest2/test/taskrun',
      manifestDigest: 'sha256:6e5a4f1ae1da5e1bf0d7b1aaa1f4d8f4dfb8d1e1e54b2e7c9c85bcb1bc5b8fab',
      type: 'cosign container image signature',
      optional: { sig: 'original' },
    })
  })
})

describe('Notation', () => {
  it('shows the signer, signing time and signed digest, and checks the JWS against its certificate', () => {
    const jws = notationSignature({
      target: {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: SUBJECT,
        size: 123,
      },
      signingTime: new Date('2026-11-01T10:00:00Z'),
      expiry: new Date('2027-11-01T10:00:00Z'),
    })
    const n = parseNotationJws(jws)
    expect(n.ok && n.value).toMatchObject({
      signingTime: '2026-11-01T10:00:00Z',
      signedDigest: SUBJECT,
      signingScheme: 'notary.x509',
      algorithm: 'ES256',
      matchesCertificate: true,
    })
    expect(n.ok && n.value.signer).toContain('CN=demo-signing-profile')
    const env = JSON.parse(jws.toString()) as { payload: string }
    env.payload = Buffer.from(
      JSON.stringify({ targetArtifact: { mediaType: 'x', digest: OTHER } }),
    ).toString('base64url')
    const forged = parseNotationJws(Buffer.from(JSON.stringify(env)))
    expect(forged.ok && [forged.value.signedDigest, forged.value.matchesCertificate]).toEqual([
      OTHER,
      false,
    ])
  })
})

describe('artifact kinds and SOCI', () => {
  it('names each referrer kind in words, and reads cosign’s legacy tags', () => {
    expect(artifactKindInWords(artifactKind('application/spdx+json'))).toBe('SBOM (SPDX)')
    expect(artifactKindInWords(artifactKind('application/vnd.cyclonedx+json'))).toBe(
      'SBOM (CycloneDX)',
    )
    expect(
      artifactKindInWords(
        artifactKind(undefined, ['application/vnd.dev.cosign.simplesigning.v1+json']),
      ),
    ).toBe('Signature (cosign)')
    expect(artifactKindInWords(artifactKind('application/vnd.cncf.notary.signature'))).toBe(
      'Signature (Notation)',
    )
    expect(artifactKindInWords(artifactKind('application/vnd.dev.sigstore.bundle.v0.3+json'))).toBe(
      'Signature (Sigstore bundle, keyless)',
    )
    expect(
      artifactKindInWords(artifactKind('application/x-unknown'), 'application/x-unknown'),
    ).toBe('Artifact (application/x-unknown)')
    expect(legacyCosignTag(`sha256-${'a'.repeat(64)}.sig`)).toEqual({
      subjectDigest: SUBJECT,
      kind: 'sig',
    })
    expect(legacyCosignTag('1.0')).toBeNull()
  })

  it('describes a SOCI index', () => {
    const m = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: SOCI_INDEX_V2,
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        size: 2,
      },
      layers: [
        {
          mediaType: 'application/octet-stream',
          size: 1000,
          annotations: { 'com.amazon.soci.image-layer-digest': SUBJECT },
        },
      ],
    }
    expect(describeSoci(Buffer.from(JSON.stringify(m)))).toEqual({
      ok: true,
      value: { version: 'v2', ztocCount: 1, layers: [SUBJECT], ztocBytes: 1000 },
    })
    expect(describeSoci(Buffer.from(JSON.stringify({ ...m, artifactType: 'x' }))).ok).toBe(false)
  })
})
