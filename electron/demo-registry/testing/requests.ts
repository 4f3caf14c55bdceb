// Test-only: signs and sends requests by hand, for wire details no SDK call exposes.
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'

/** A request signed with the JS signer but sent by hand, for wire details no SDK call exposes. */
export interface RawCall {
  endpoint: string
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  body: string
  target?: string
  contentType?: string
  region?: string
  service?: string
  signingDate?: Date
  /** Sent instead of `body` after signing, to model tampering in transit. */
  sentBody?: string
}

/** Signs `call` with SigV4 and POSTs it with fetch. */
export async function signedPost(call: RawCall): Promise<Response> {
  const url = new URL(call.endpoint)
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': call.contentType ?? 'application/x-amz-json-1.1',
  }
  if (call.target !== undefined) headers['x-amz-target'] = call.target
  const signer = new SignatureV4({
    service: call.service ?? 'ecr',
    region: call.region ?? 'us-east-1',
    credentials: call.credentials,
    sha256: Sha256,
    applyChecksum: false,
  })
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers,
      body: call.body,
    }),
    call.signingDate ? { signingDate: call.signingDate } : {},
  )
  // fetch derives Host from the URL itself and refuses to be told.
  const sendHeaders = { ...signed.headers }
  delete sendHeaders['host']
  return fetch(`${call.endpoint}/`, {
    method: 'POST',
    headers: sendHeaders,
    body: call.sentBody ?? call.body,
  })
}

/** Awaits a promise that must reject and returns the rejection, typed like an SDK service error. */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }
  }
  throw new Error('Expected the call to fail, but it succeeded')
}

/** The ECR target header value for an operation. */
export function ecrTarget(operation: string): string {
  return `AmazonEC2ContainerRegistry_V20150921.${operation}`
}
