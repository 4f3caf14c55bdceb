import type { IncomingMessage, ServerResponse } from 'node:http'
import { AwsError } from './aws-error'

/** The Content-Type of AWS JSON 1.1 requests and responses. */
export const JSON_11 = 'application/x-amz-json-1.1'

// Far above any real ECR request; stops a runaway client from growing memory without bound.
const MAX_BODY_BYTES = 10 * 1024 * 1024

/** Reads the whole request body, which SigV4 needs before anything can be trusted. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) {
      throw new AwsError('SerializationException', 'The request body is too large.', 413)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** Headers every AWS response carries; `Date` comes from the registry's clock for skew tests. */
export function baseHeaders(requestId: string, now: Date): Record<string, string> {
  return { 'x-amzn-RequestId': requestId, Date: now.toUTCString() }
}

/** Writes a complete response with an explicit length, so keep-alive clients never wait. */
export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  const bytes = Buffer.from(body, 'utf8')
  res.writeHead(status, { ...headers, 'Content-Length': String(bytes.length) })
  res.end(bytes)
}

/** Renders a JSON 1.1 success. */
export function sendJson(res: ServerResponse, base: Record<string, string>, body: unknown): void {
  send(res, 200, { ...base, 'Content-Type': JSON_11 }, JSON.stringify(body))
}

/** Renders a JSON 1.1 error the way ECR does: the name in a header and in `__type`. */
export function sendJsonError(
  res: ServerResponse,
  base: Record<string, string>,
  error: AwsError,
): void {
  send(
    res,
    error.status,
    { ...base, 'Content-Type': JSON_11, 'x-amzn-ErrorType': error.code },
    JSON.stringify({ __type: error.code, message: error.message }),
  )
}

/** Escapes text for an XML element body. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** One header's value(s) as a single string, or undefined when absent. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const values = req.headersDistinct[name]
  return values === undefined || values.length === 0 ? undefined : values.join(',')
}
