import { AwsError } from '../aws-error'

/** One page of a listing and the token for the next, absent on the last page. */
export interface Page<T> {
  items: T[]
  nextToken: string | undefined
}

/**
 * The page size when maxResults is omitted: ECR documents 100 for DescribeRepositories,
 * DescribeImages and ListImages. DescribePullThroughCacheRules' model gives none; it uses the same.
 */
export const DEFAULT_PAGE_SIZE = 100

/** The response's `nextToken` member: present only when there is a next page. */
export function nextTokenMember(nextToken: string | undefined): { nextToken?: string } {
  return nextToken === undefined ? {} : { nextToken }
}

interface TokenBody {
  /** Binds a token to the listing that issued it, so it cannot be replayed against another. */
  s: string
  o: number
}

/** Slices `items` from the offset in `nextToken`; tokens are opaque base64url to the client. */
export function paginate<T>(
  items: readonly T[],
  options: { scope: string; maxResults: number; nextToken: string | undefined },
): Page<T> {
  const offset = options.nextToken === undefined ? 0 : decodeToken(options.nextToken, options.scope)
  if (offset > items.length) throw invalidToken()
  const end = offset + options.maxResults
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? encodeToken({ s: options.scope, o: end }) : undefined,
  }
}

/** The window [start, end) of a listing of `total` items that this request asks for. */
export function pageRange(
  total: number,
  options: { scope: string; maxResults: number; nextToken: string | undefined },
): { start: number; end: number; nextToken: string | undefined } {
  const start = options.nextToken === undefined ? 0 : decodeToken(options.nextToken, options.scope)
  if (start > total) throw invalidToken()
  const end = Math.min(total, start + options.maxResults)
  return {
    start,
    end,
    nextToken: end < total ? encodeToken({ s: options.scope, o: end }) : undefined,
  }
}

function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url')
}

function decodeToken(token: string, scope: string): number {
  let body: unknown
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    throw invalidToken()
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    (body as Partial<TokenBody>).s !== scope ||
    !Number.isInteger((body as Partial<TokenBody>).o) ||
    ((body as Partial<TokenBody>).o ?? -1) < 0
  ) {
    throw invalidToken()
  }
  return (body as TokenBody).o
}

function invalidToken(): AwsError {
  return new AwsError(
    'InvalidParameterException',
    "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'",
  )
}
