import { ECRClient, GetDownloadUrlForLayerCommand } from '@aws-sdk/client-ecr'
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DemoRegistry, SAMPLE_REPOSITORIES as REPOS } from './server'

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`

/** Reads a body chunk by chunk and keeps what arrived even when the transfer breaks. */
async function readAll(response: Response): Promise<{ bytes: Buffer; error: unknown }> {
  const chunks: Uint8Array[] = []
  const reader = bodyReader(response)
  try {
    for (;;) {
      const next = await reader?.read()
      if (!next || next.done) break
      chunks.push(next.value)
    }
    return { bytes: Buffer.concat(chunks), error: undefined }
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error }
  }
}

/** The body's reader, typed: Node's fetch types leave it as `any`. */
function bodyReader(response: Response): ReadableStreamDefaultReader<Uint8Array> | undefined {
  return (response.body as ReadableStream<Uint8Array> | null)?.getReader()
}

/** The text of one XML element in an S3 error body. */
function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]
}

describe('pre-signed blob endpoint', () => {
  // The clock can be moved forward, so expiry is tested without waiting.
  let offsetMs = 0
  const registry = new DemoRegistry({
    repositoryCount: 40,
    clock: () => new Date(Date.now() + offsetMs),
    faults: true,
  })
  let endpoint: string
  let layer: { digest: string; size: number }
  let bytes: Buffer

  beforeAll(async () => {
    ;({ endpoint } = await registry.start())
    const first = registry.samples().webApp.current.layers[0]
    if (!first) throw new Error('web-app has no layers')
    layer = first
    bytes = registry.blob(layer.digest) ?? Buffer.alloc(0)
  })
  afterAll(async () => {
    await registry.stop()
  })
  beforeEach(() => registry.clearBlobRequestLog())
  afterEach(() => {
    offsetMs = 0
    registry.clearBlobFaults()
    registry.setUrlExpirySeconds(3600)
  })

  const url = (digest = layer.digest, method: 'GET' | 'HEAD' = 'GET') =>
    registry.blobUrl(REPOS.webApp, digest, { method })

  describe('serving', () => {
    it('serves the whole blob with S3 headers, and its sha256 is the digest', async () => {
      const response = await fetch(await url())
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/octet-stream')
      expect(response.headers.get('content-length')).toBe(String(layer.size))
      expect(response.headers.get('accept-ranges')).toBe('bytes')
      expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/)
      // The base layer was first pushed with 1.1.0, the oldest image that references it.
      expect(response.headers.get('last-modified')).toBe(
        registry.samples().webApp.previous.imagePushedAt.toUTCString(),
      )
      const body = new Uint8Array(await response.arrayBuffer())
      expect(sha256(body)).toBe(layer.digest)
      expect(registry.blobRequestLog()).toEqual([
        {
          method: 'GET',
          repositoryName: REPOS.webApp,
          digest: layer.digest,
          range: undefined,
          status: 200,
          bytesSent: layer.size,
          fault: undefined,
        },
      ])
    })

    it('answers HEAD with the headers only, and refuses a GET-signed URL for HEAD as S3 does', async () => {
      const head = await fetch(await url(layer.digest, 'HEAD'), { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(head.headers.get('content-length')).toBe(String(layer.size))
      expect((await head.arrayBuffer()).byteLength).toBe(0)

      const wrong = await fetch(await url(), { method: 'HEAD' })
      expect(wrong.status).toBe(403)
      expect(wrong.headers.get('content-type')).toBe('application/xml')
    })

    it('answers byte ranges with 206 and Content-Range', async () => {
      const cases: [string, number, number][] = [
        ['bytes=100-', 100, layer.size - 1],
        ['bytes=10-19', 10, 19],
        ['bytes=-16', layer.size - 16, layer.size - 1],
        [`bytes=5-${layer.size + 1000}`, 5, layer.size - 1],
      ]
      for (const [range, start, end] of cases) {
        const response = await fetch(await url(), { headers: { range } })
        expect(response.status).toBe(206)
        expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${layer.size}`)
        expect(response.headers.get('content-length')).toBe(String(end - start + 1))
        expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes.subarray(start, end + 1))
      }
      expect(registry.blobRequestLog().map((e) => [e.range, e.status, e.bytesSent])).toEqual(
        cases.map(([range, start, end]) => [range, 206, end - start + 1]),
      )
    })

    it('answers an unsatisfiable range with 416 and bytes */TOTAL', async () => {
      const response = await fetch(await url(), { headers: { range: `bytes=${layer.size}-` } })
      expect(response.status).toBe(416)
      expect(response.headers.get('content-range')).toBe(`bytes */${layer.size}`)
      expect(element(await response.text(), 'Code')).toBe('InvalidRange')
    })

    it('serves a config blob referenced by a manifest', async () => {
      const config = registry.samples().webApp.current.config
      const response = await fetch(await url(config?.digest))
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(config?.digest)
    })
  })

  describe('signature and expiry', () => {
    it('answers 403 SignatureDoesNotMatch for a tampered signature or path', async () => {
      const good = new URL(await url())
      const signature = good.searchParams.get('X-Amz-Signature') ?? ''
      const tampered = new URL(good)
      tampered.searchParams.set(
        'X-Amz-Signature',
        `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
      )
      const otherDigest = registry.samples().webApp.current.config?.digest ?? ''
      const otherPath = new URL(good)
      otherPath.pathname = otherPath.pathname.replace(layer.digest, otherDigest)
      const longer = new URL(good)
      longer.searchParams.set('X-Amz-Expires', '7200')

      for (const target of [tampered, otherPath, longer]) {
        const response = await fetch(target)
        expect(response.status).toBe(403)
        expect(response.headers.get('content-type')).toBe('application/xml')
        const xml = await response.text()
        expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true)
        expect(element(xml, 'Code')).toBe('SignatureDoesNotMatch')
      }
    })

    it('answers 403 AccessDenied without a signature and 400 for a partial one', async () => {
      const bare = new URL(await url())
      const unsigned = `${bare.origin}${bare.pathname}`
      const denied = await fetch(unsigned)
      expect(denied.status).toBe(403)
      expect(element(await denied.text(), 'Code')).toBe('AccessDenied')

      bare.searchParams.delete('X-Amz-Signature')
      const partial = await fetch(bare)
      expect(partial.status).toBe(400)
      expect(element(await partial.text(), 'Code')).toBe('AuthorizationQueryParametersError')
    })

    it("signs exactly as AWS's own SigV4 query signer does", async () => {
      const signed = new URL(await url())
      const signer = new SignatureV4({
        service: 's3',
        region: registry.region,
        credentials: registry.blobSigningCredentials,
        sha256: Sha256,
        uriEscapePath: true,
      })
      const presigned = await signer.presign(
        new HttpRequest({
          method: 'GET',
          protocol: 'http:',
          hostname: signed.hostname,
          port: Number(signed.port),
          path: decodeURIComponent(signed.pathname),
          headers: { host: signed.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        }),
        {
          signingDate: new Date(
            (signed.searchParams.get('X-Amz-Date') ?? '').replace(
              /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
              '$1-$2-$3T$4:$5:$6Z',
            ),
          ),
          expiresIn: 3600,
          unsignableHeaders: new Set(['x-amz-content-sha256']),
          unhoistableHeaders: new Set(['x-amz-content-sha256']),
        },
      )
      expect(presigned.query?.['X-Amz-Signature']).toBe(signed.searchParams.get('X-Amz-Signature'))
    })

    it("answers S3's expired-request XML once the clock passes X-Amz-Expires", async () => {
      registry.setUrlExpirySeconds(1)
      const target = await url()
      expect(new URL(target).searchParams.get('X-Amz-Expires')).toBe('1')
      expect((await fetch(target)).status).toBe(200)

      offsetMs = 2000
      const response = await fetch(target)
      expect(response.status).toBe(403)
      expect(response.headers.get('content-type')).toBe('application/xml')
      const xml = await response.text()
      const signedAt = (new URL(target).searchParams.get('X-Amz-Date') ?? '').replace(
        /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      )
      const expires = new Date(Date.parse(signedAt) + 1000).toISOString().replace('.000Z', 'Z')
      expect(xml).toMatch(
        new RegExp(
          '^<\\?xml version="1\\.0" encoding="UTF-8"\\?>\\n<Error><Code>AccessDenied</Code>' +
            '<Message>Request has expired</Message><X-Amz-Expires>1</X-Amz-Expires>' +
            `<Expires>${expires}</Expires><ServerTime>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ</ServerTime>` +
            '<RequestId>[0-9A-F]{16}</RequestId><HostId>[^<]+</HostId></Error>$',
        ),
      )
      const serverTime = Date.parse(element(xml, 'ServerTime') ?? '')
      expect(serverTime).toBeGreaterThan(Date.parse(expires))
    })

    it('keeps a default URL valid for 3600 s of clock time and no longer', async () => {
      const target = await url()
      offsetMs = 3599_000
      expect((await fetch(target)).status).toBe(200)
      offsetMs = 3602_000
      expect((await fetch(target)).status).toBe(403)
    })
  })

  describe('faults', () => {
    it('resets the connection after N bytes; a Range request resumes from there', async () => {
      registry.injectBlobFault({ kind: 'reset', afterBytes: 4096 })
      // Depending on when the RST lands, fetch itself or the body read fails.
      const result = await fetch(await url()).then(readAll, (error: unknown) => ({
        bytes: Buffer.alloc(0),
        error,
      }))
      const received: Buffer = result.bytes
      expect(result.error).toBeDefined()
      expect(received.length).toBeLessThanOrEqual(4096)
      expect(registry.blobRequestLog()[0]).toMatchObject({ fault: 'reset', bytesSent: 4096 })

      const rest = await fetch(await url(), { headers: { range: `bytes=${received.length}-` } })
      expect(rest.status).toBe(206)
      const whole = Buffer.concat([received, Buffer.from(await rest.arrayBuffer())])
      expect(sha256(whole)).toBe(layer.digest)
    })

    it('ends the body cleanly short of Content-Length after N bytes', async () => {
      registry.injectBlobFault({ kind: 'truncate', afterBytes: 1000 })
      const response = await fetch(await url())
      expect(response.headers.get('content-length')).toBe(String(layer.size))
      const result = await readAll(response)
      expect(result.error).toBeDefined()
      expect(result.bytes).toEqual(bytes.subarray(0, 1000))
      expect(registry.blobRequestLog()[0]).toMatchObject({ fault: 'truncate', bytesSent: 1000 })
    })

    it('flips exactly the byte at the given offset', async () => {
      registry.injectBlobFault({ kind: 'corrupt', offset: 777 })
      const body = Buffer.from(await (await fetch(await url())).arrayBuffer())
      expect(body.length).toBe(layer.size)
      expect(sha256(body)).not.toBe(layer.digest)
      expect(body[777]).toBe((bytes[777] ?? 0) ^ 0xff)
      body[777] = bytes[777] ?? 0
      expect(body.equals(bytes)).toBe(true)
      // The shared sample bytes are untouched.
      expect(sha256(registry.blob(layer.digest) ?? Buffer.alloc(0))).toBe(layer.digest)
    })

    it('answers a burst of K 500s with S3 InternalError XML, then recovers', async () => {
      registry.injectBlobFault({ kind: 'status', status: 500, times: 2 })
      for (let i = 0; i < 2; i++) {
        const response = await fetch(await url())
        expect(response.status).toBe(500)
        expect(element(await response.text(), 'Code')).toBe('InternalError')
      }
      expect((await fetch(await url())).status).toBe(200)
      expect(registry.blobRequestLog().map((e) => e.status)).toEqual([500, 500, 200])
    })

    it('throttles with 503 SlowDown', async () => {
      registry.injectBlobFault({ kind: 'throttle' })
      const response = await fetch(await url())
      expect(response.status).toBe(503)
      const xml = await response.text()
      expect(element(xml, 'Code')).toBe('SlowDown')
      expect(element(xml, 'Message')).toBe('Please reduce your request rate.')
    })

    it('caps the transfer rate on a slow link', async () => {
      const rate = 100_000
      registry.injectBlobFault({ kind: 'slow', bytesPerSecond: rate })
      const started = performance.now()
      const body = Buffer.from(await (await fetch(await url())).arrayBuffer())
      const elapsed = performance.now() - started
      expect(sha256(body)).toBe(layer.digest)
      // The bucket starts empty, so the whole body cannot arrive faster than size/rate.
      expect(elapsed).toBeGreaterThanOrEqual((layer.size / rate) * 1000 * 0.9)
    })

    it('answers a Range request with a different Content-Range start', async () => {
      registry.injectBlobFault({ kind: 'wrong-content-range' })
      const response = await fetch(await url(), { headers: { range: 'bytes=100-' } })
      expect(response.status).toBe(206)
      expect(response.headers.get('content-range')).toBe(`bytes 0-${layer.size - 1}/${layer.size}`)
      expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes)
    })

    it('answers a Range request with 200 and the whole body', async () => {
      registry.injectBlobFault({ kind: 'ignore-range' })
      const response = await fetch(await url(), { headers: { range: 'bytes=100-' } })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-range')).toBeNull()
      expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes)
    })

    it('expires a URL on demand and applies digest-filtered faults only to that digest', async () => {
      const config = registry.samples().webApp.current.config?.digest ?? ''
      registry.injectBlobFault({ kind: 'expired', digest: config })
      expect((await fetch(await url())).status).toBe(200)
      const response = await fetch(await url(config))
      expect(response.status).toBe(403)
      expect(element(await response.text(), 'Message')).toBe('Request has expired')
      expect((await fetch(await url(config))).status).toBe(200)
    })
  })

  describe('synthetic blobs', () => {
    it('streams a 64 MiB synthetic blob with backpressure, and it matches its digest', async () => {
      const size = 64 * 1024 * 1024
      const blob = await registry.addSyntheticBlob({ repositoryName: 'bench/synthetic', size })
      expect(blob.size).toBe(size)
      expect(registry.image('bench/synthetic', `synthetic-${size}`)?.layers[0]?.digest).toBe(
        blob.digest,
      )

      const ecr = new ECRClient({
        endpoint,
        region: registry.region,
        credentials: registry.credentials,
        maxAttempts: 1,
      })
      const { downloadUrl } = await ecr.send(
        new GetDownloadUrlForLayerCommand({
          repositoryName: 'bench/synthetic',
          layerDigest: blob.digest,
        }),
      )
      ecr.destroy()

      const response = await fetch(downloadUrl ?? '')
      expect(response.headers.get('content-length')).toBe(String(size))
      const reader = bodyReader(response)
      const hash = createHash('sha256')
      const first = await reader?.read()
      hash.update(first?.value ?? new Uint8Array())
      let received = first?.value?.length ?? 0
      // Give the server many event-loop turns while the client reads nothing: with backpressure
      // it stalls once the socket buffers are full instead of pushing the whole blob.
      for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve))
      const sentWhilePaused = registry.blobRequestLog().at(-1)?.bytesSent ?? 0
      // Socket buffers on loopback hold a few MiB; far from the 64 MiB a buffering server would send.
      expect(sentWhilePaused).toBeLessThan(16 * 1024 * 1024)

      const baseline = process.memoryUsage().arrayBuffers
      let peak = baseline
      for (;;) {
        const next = await reader?.read()
        if (!next || next.done) break
        hash.update(next.value)
        received += next.value.length
        peak = Math.max(peak, process.memoryUsage().arrayBuffers)
      }
      expect(received).toBe(size)
      expect(`sha256:${hash.digest('hex')}`).toBe(blob.digest)
      // Garbage chunks may linger until the next GC, but never the whole blob at once.
      expect(peak - baseline).toBeLessThan(size)
    })

    it('serves ranges of a synthetic blob that match the full stream', async () => {
      const { digest } = await registry.addSyntheticBlob({
        repositoryName: 'bench/synthetic',
        size: 100_000,
        seed: 'range-check',
      })
      const full = registry.blob(digest) ?? Buffer.alloc(0)
      const target = await registry.blobUrl('bench/synthetic', digest)
      const part = await fetch(target, { headers: { range: 'bytes=12345-67890' } })
      expect(part.status).toBe(206)
      expect(Buffer.from(await part.arrayBuffer())).toEqual(full.subarray(12345, 67891))
    })
  })
})
