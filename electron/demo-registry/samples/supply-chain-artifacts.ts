import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto'

// The supply-chain artifacts of demo/supply-chain, with real bytes: SBOMs made from the files the
// image's layer really holds, an SLSA v1 provenance statement in a DSSE envelope, cosign key-based
// signatures and a Notation JWS signature. Everything is made here, offline, at start.

/** A file as it is in the image's layer. */
export interface LayerFile {
  /** The path in the layer, without a leading slash ("app/server"). */
  path: string
  content: Buffer
}

/** A package the SBOMs describe, with the layer files that belong to it. */
export interface DemoPackage {
  name: string
  version: string
  licence: string
  supplier: string
  purl: string
  files: readonly string[]
}

const hex = (algorithm: string, data: Buffer): string =>
  createHash(algorithm).update(data).digest('hex')
const spdxId = (s: string): string => s.replace(/[^A-Za-z0-9.-]/g, '-')

/** An SPDX 2.3 JSON SBOM; its files carry the real checksums of the layer's files. */
export function spdxSbom(input: {
  name: string
  namespace: string
  created: Date
  files: readonly LayerFile[]
  packages: readonly DemoPackage[]
}): Buffer {
  const fileIds = new Map(input.files.map((f) => [f.path, `SPDXRef-File-${spdxId(f.path)}`]))
  return Buffer.from(
    JSON.stringify(
      {
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: input.name,
        documentNamespace: input.namespace,
        creationInfo: {
          created: input.created.toISOString(),
          creators: [
            'Tool: ecr-layer-browser-demo-registry-1.0',
            'Organization: ECR Layer Browser demo',
          ],
        },
        packages: input.packages.map((p) => ({
          name: p.name,
          SPDXID: `SPDXRef-Package-${spdxId(p.name)}`,
          versionInfo: p.version,
          supplier: `Organization: ${p.supplier}`,
          downloadLocation: 'NOASSERTION',
          filesAnalyzed: true,
          licenseConcluded: p.licence,
          licenseDeclared: p.licence,
          copyrightText: 'NOASSERTION',
          externalRefs: [
            {
              referenceCategory: 'PACKAGE-MANAGER',
              referenceType: 'purl',
              referenceLocator: p.purl,
            },
          ],
        })),
        files: input.files.map((f) => ({
          fileName: `./${f.path}`,
          SPDXID: fileIds.get(f.path),
          checksums: [
            { algorithm: 'SHA1', checksumValue: hex('sha1', f.content) },
            { algorithm: 'SHA256', checksumValue: hex('sha256', f.content) },
          ],
          licenseConcluded: 'NOASSERTION',
          copyrightText: 'NOASSERTION',
        })),
        relationships: [
          ...input.packages.map((p) => ({
            spdxElementId: 'SPDXRef-DOCUMENT',
            relationshipType: 'DESCRIBES',
            relatedSpdxElement: `SPDXRef-Package-${spdxId(p.name)}`,
          })),
          ...input.packages.flatMap((p) =>
            p.files
              .filter((path) => fileIds.has(path))
              .map((path) => ({
                spdxElementId: `SPDXRef-Package-${spdxId(p.name)}`,
                relationshipType: 'CONTAINS',
                relatedSpdxElement: fileIds.get(path),
              })),
          ),
        ],
      },
      null,
      2,
    ),
    'utf8',
  )
}

/** A CycloneDX 1.5 JSON SBOM; each component's files are evidence occurrences, with hashes. */
export function cycloneDxSbom(input: {
  serial: string
  subject: { name: string; version: string; digest: string }
  created: Date
  files: readonly LayerFile[]
  packages: readonly DemoPackage[]
}): Buffer {
  const byPath = new Map(input.files.map((f) => [f.path, f]))
  return Buffer.from(
    JSON.stringify(
      {
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        serialNumber: input.serial,
        version: 1,
        metadata: {
          timestamp: input.created.toISOString(),
          tools: {
            components: [
              {
                type: 'application',
                vendor: 'ECR Layer Browser',
                name: 'demo-registry',
                version: '1.0',
              },
            ],
          },
          component: {
            type: 'container',
            name: input.subject.name,
            version: input.subject.version,
            hashes: [{ alg: 'SHA-256', content: input.subject.digest.replace(/^sha256:/, '') }],
          },
        },
        components: input.packages.map((p) => ({
          type: 'library',
          'bom-ref': p.purl,
          name: p.name,
          version: p.version,
          supplier: { name: p.supplier },
          licenses: [{ license: { id: p.licence } }],
          purl: p.purl,
          hashes: p.files.flatMap((path) => {
            const f = byPath.get(path)
            return f ? [{ alg: 'SHA-256', content: hex('sha256', f.content) }] : []
          }),
          evidence: { occurrences: p.files.map((path) => ({ location: `/${path}` })) },
        })),
      },
      null,
      2,
    ),
    'utf8',
  )
}

/** An ECDSA P-256 key pair made for one run of the demo registry; only the public half is shown. */
export interface DemoKeyPair {
  privateKey: KeyObject
  publicKeyPem: string
}

/** Makes a fresh P-256 key pair, as `cosign generate-key-pair` would. */
export function generateDemoKeyPair(): DemoKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
}

let runKeys: { published: DemoKeyPair; unpublished: DemoKeyPair } | undefined

/**
 * The key pairs of this run: `published` signs the demo's images and its public half is in the
 * welcome text; `unpublished` signs the image no shown key verifies. Made once per process.
 */
export function demoRunKeys(): { published: DemoKeyPair; unpublished: DemoKeyPair } {
  runKeys ??= { published: generateDemoKeyPair(), unpublished: generateDemoKeyPair() }
  return runKeys
}

// ECDSA signatures are randomised; the samples are built more than once per process and must
// come out byte for byte the same, so each (key, bytes) is signed once.
const signatures = new WeakMap<KeyObject, Map<string, Buffer>>()
function signOnce(key: KeyObject, data: Buffer, dsaEncoding: 'der' | 'ieee-p1363' = 'der'): Buffer {
  const byKey = signatures.get(key) ?? new Map<string, Buffer>()
  signatures.set(key, byKey)
  const id = `${dsaEncoding}:${hex('sha256', data)}`
  let signature = byKey.get(id)
  if (signature === undefined) {
    signature = sign('sha256', data, { key, dsaEncoding })
    byKey.set(id, signature)
  }
  return signature
}

/** cosign's simple-signing payload for a manifest digest, and its signature (base64 DER ECDSA over SHA-256). */
export function cosignSign(
  key: KeyObject,
  dockerReference: string,
  manifestDigest: string,
): { payload: Buffer; signature: string } {
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': manifestDigest },
        type: 'cosign container image signature',
      },
      optional: { creator: 'ecr-layer-browser demo registry' },
    }),
    'utf8',
  )
  return { payload, signature: signOnce(key, payload).toString('base64') }
}

const PAYLOAD_TYPE = 'application/vnd.in-toto+json'

function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `),
    body,
  ])
}

/** An SLSA v1 provenance statement for the subject, signed in a DSSE envelope (as cosign attest makes it). */
export function slsaProvenance(input: {
  key: KeyObject
  subject: { name: string; digest: string }
  repository: string
  commit: string
  ref: string
  startedOn: Date
  finishedOn: Date
  baseImage?: { uri: string; digest: string }
}): Buffer {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [
      {
        name: input.subject.name,
        digest: { sha256: input.subject.digest.replace(/^sha256:/, '') },
      },
    ],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: {
          workflow: {
            ref: input.ref,
            repository: input.repository,
            path: '.github/workflows/release.yml',
          },
          inputs: { platform: 'linux/amd64', push: 'true' },
        },
        internalParameters: { github: { event_name: 'push', repository_id: '123456789' } },
        resolvedDependencies: [
          { uri: `git+${input.repository}@${input.ref}`, digest: { gitCommit: input.commit } },
          ...(input.baseImage
            ? [
                {
                  uri: input.baseImage.uri,
                  digest: { sha256: input.baseImage.digest.replace(/^sha256:/, '') },
                },
              ]
            : []),
        ],
      },
      runDetails: {
        builder: { id: 'https://github.com/actions/runner/github-hosted' },
        metadata: {
          invocationId: `${input.repository}/actions/runs/4242/attempts/1`,
          startedOn: input.startedOn.toISOString(),
          finishedOn: input.finishedOn.toISOString(),
        },
      },
    },
  }
  const body = Buffer.from(JSON.stringify(statement), 'utf8')
  const sig = signOnce(input.key, pae(PAYLOAD_TYPE, body)).toString('base64')
  return Buffer.from(
    JSON.stringify({
      payloadType: PAYLOAD_TYPE,
      payload: body.toString('base64'),
      signatures: [{ keyid: '', sig }],
    }),
    'utf8',
  )
}

// A self-signed code-signing certificate for the demo's Notation signature (made once with
// openssl; a demo identity, trusted by nothing). Notation signs with a certificate, not a bare key.
const NOTATION_CERT = `-----BEGIN CERTIFICATE-----
MIICUzCCAfigAwIBAgIUEoI4bGFhxVzL9vfzXa7Z2Uy+AogwCgYIKoZIzj0EAwIw
bDELMAkGA1UEBhMCVVMxCzAJBgNVBAgMAldBMRAwDgYDVQQHDAdTZWF0dGxlMR8w
HQYDVQQKDBZFQ1IgTGF5ZXIgQnJvd3NlciBkZW1vMR0wGwYDVQQDDBRkZW1vLXNp
Z25pbmctcHJvZmlsZTAeFw0yNjEyMDEyMjMyMjRaFw0zNjExMjgyMjMyMjRaMGwx
CzAJBgNVBAYTAlVTMQswCQYDVQQIDAJXQTEQMA4GA1UEBwwHU2VhdHRsZTEfMB0G
A1UECgwWRUNSIExheWVyIEJyb3dzZXIgZGVtbzEdMBsGA1UEAwwUZGVtby1zaWdu
aW5nLXByb2ZpbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR4HUUtpzl3MlHL
TleV0fY4CL58/AAW/jOo6mSWOz8kvIG9r9rUbGlh/BAQPAPfAQRNXUY+nqFxCbAt
ogBwhBAto3gwdjAdBgNVHQ4EFgQUfjuBjI+6Jdjsu/fQlNLrXvdOPNkwHwYDVR0j
BBgwFoAUfjuBjI+6Jdjsu/fQlNLrXvdOPNkwDwYDVR0TAQH/BAUwAwEB/zAOBgNV
HQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwMwCgYIKoZIzj0EAwIDSQAw
RgIhAN1NoRFK07SoPrpbk8yQEqCKzY68hQ46kpG69dVFTKK1AiEAzdprxVoA54Fq
2M2n9YOK2dftm4BAULjTwI8LTZUjP6k=
-----END CERTIFICATE-----
`
const NOTATION_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZmPyV578Xy2RO/aO
PqYq3EiZVIHHmMxB6GMdK12fOmOhRANCAAR4HUUtpzl3MlHLTleV0fY4CL58/AAW
/jOo6mSWOz8kvIG9r9rUbGlh/BAQPAPfAQRNXUY+nqFxCbAtogBwhBAt
-----END PRIVATE KEY-----
`

let notationKey: KeyObject | undefined
const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url')

/** A Notation (Notary Project) JWS envelope over a manifest descriptor, as AWS Signer's plugin makes one. */
export function notationSignature(input: {
  target: { mediaType: string; digest: string; size: number }
  signingTime: Date
  expiry: Date
}): Buffer {
  const protectedHeader = {
    alg: 'ES256',
    crit: ['io.cncf.notary.signingScheme', 'io.cncf.notary.expiry'],
    cty: 'application/vnd.cncf.notary.payload.v1+json',
    'io.cncf.notary.signingScheme': 'notary.x509',
    'io.cncf.notary.signingTime': input.signingTime.toISOString().replace(/\.\d+Z$/, 'Z'),
    'io.cncf.notary.expiry': input.expiry.toISOString().replace(/\.\d+Z$/, 'Z'),
  }
  const payload = { targetArtifact: input.target }
  const signingInput = `${b64url(JSON.stringify(protectedHeader))}.${b64url(JSON.stringify(payload))}`
  const der = Buffer.from(NOTATION_CERT.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')
  notationKey ??= createPrivateKey(NOTATION_KEY)
  const signature = signOnce(notationKey, Buffer.from(signingInput), 'ieee-p1363')
  const [protectedPart, payloadPart] = signingInput.split('.')
  return Buffer.from(
    JSON.stringify({
      payload: payloadPart,
      protected: protectedPart,
      header: {
        x5c: [der.toString('base64')],
        'io.cncf.notary.signingAgent': 'notation-go/1.3.0 aws-signer-plugin/1.0',
      },
      signature: b64url(signature),
    }),
    'utf8',
  )
}
