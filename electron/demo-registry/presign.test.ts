import { describe, expect, it } from 'vitest'
import { BlobUrlSigner } from './presign'

const NOW = new Date('2026-03-01T12:00:00.000Z')
const PATH = '/blobs/123456789012/demo/web-app/sha256:00ff'

async function signed(signer: BlobUrlSigner, path = PATH, method: 'GET' | 'HEAD' = 'GET') {
  const url = new URL(await signer.sign('http://127.0.0.1:4000', path, NOW, 3600, method))
  return { url, host: url.host, rawPath: url.pathname, rawQuery: url.search.slice(1) }
}

describe('BlobUrlSigner', () => {
  it("writes S3's pre-signed parameters, in S3's order", async () => {
    const { url } = await signed(new BlobUrlSigner('us-east-1'))
    expect([...url.searchParams.keys()]).toEqual([
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
    ])
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260301T120000Z')
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^ASIA[A-Z0-9]+\/20260301\/us-east-1\/s3\/aws4_request$/,
    )
    expect(url.pathname).toBe(PATH)
  })

  it('accepts its own URL, for its method only, and refuses another signer', async () => {
    const signer = new BlobUrlSigner('us-east-1')
    const request = await signed(signer)
    expect(await signer.verify('GET', request, NOW)).toBeUndefined()
    expect((await signer.verify('HEAD', request, NOW))?.code).toBe('SignatureDoesNotMatch')
    expect((await new BlobUrlSigner('us-east-1').verify('GET', request, NOW))?.code).toBe(
      'InvalidAccessKeyId',
    )
  })

  it('signs a `+` in the path as itself, so such a digest verifies', async () => {
    const signer = new BlobUrlSigner('us-east-1')
    const request = await signed(signer, '/blobs/123456789012/demo/web-app/sha256+b64u:00ff')
    expect(await signer.verify('GET', request, NOW)).toBeUndefined()
  })

  it('refuses a duplicated or re-spelt SigV4 parameter, and extra parameters it did not sign', async () => {
    const signer = new BlobUrlSigner('us-east-1')
    const request = await signed(signer)
    const variants = [
      `${request.rawQuery}&X-Amz-Expires=3600`,
      request.rawQuery.replace('X-Amz-Expires=3600', 'X-Amz-Expires=03600'),
      `${request.rawQuery}&response-content-type=text%2Fhtml`,
      `${request.rawQuery}&__proto__=x`,
    ]
    for (const rawQuery of variants) {
      const failure = await signer.verify('GET', { ...request, rawQuery }, NOW)
      expect(failure?.code).toBe('SignatureDoesNotMatch')
    }
  })

  it('answers expiry before the signature, with the times S3 names', async () => {
    const signer = new BlobUrlSigner('us-east-1')
    const request = await signed(signer)
    const later = new Date(NOW.getTime() + 3601_000)
    expect(await signer.verify('GET', request, later)).toMatchObject({
      code: 'AccessDenied',
      message: 'Request has expired',
      details: [
        ['X-Amz-Expires', '3600'],
        ['Expires', '2026-03-01T13:00:00Z'],
        ['ServerTime', '2026-03-01T13:00:01Z'],
      ],
    })
  })
})
