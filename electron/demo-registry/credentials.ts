import { createHash, randomInt } from 'node:crypto'

/** A key pair the emulator accepts, with the traits tests use to provoke AWS's auth errors. */
export interface DemoCredentialsInit {
  accessKeyId: string
  secretAccessKey: string
  /** When set, requests must carry it as `x-amz-security-token`, as temporary credentials do. */
  sessionToken?: string
  /** Every request signed with this key fails with ExpiredTokenException. */
  expired?: boolean
  /** IAM actions (e.g. `ecr:DescribeRepositories`, `ecr:*`) this identity is not allowed to call. */
  denyActions?: string[]
  /** The caller's ARN; defaults to `arn:aws:iam::<account>:user/demo`. */
  arn?: string
}

/** A registered identity, resolved from its access key id when a request arrives. */
export interface Identity {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string | undefined
  readonly expired: boolean
  readonly denyActions: readonly string[]
  readonly arn: string
  /** The unique id GetCallerIdentity reports (AIDA… for users, AROA…:session for roles). */
  readonly userId: string
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** A fresh key pair shaped like an IAM user's long-term keys. */
export function generateKeyPair(): { accessKeyId: string; secretAccessKey: string } {
  return {
    accessKeyId: `AKIADEMO${randomString(UPPER_ALNUM, 12)}`,
    secretAccessKey: randomString(SECRET_ALPHABET, 40),
  }
}

/** Fills in an identity's defaults for the given account. */
export function toIdentity(init: DemoCredentialsInit, accountId: string): Identity {
  const arn = init.arn ?? `arn:aws:iam::${accountId}:user/demo`
  return {
    accessKeyId: init.accessKeyId,
    secretAccessKey: init.secretAccessKey,
    sessionToken: init.sessionToken,
    expired: init.expired ?? false,
    denyActions: [...(init.denyActions ?? [])],
    arn,
    userId: userIdFor(arn),
  }
}

/** Whether IAM would deny `action` to this identity; `*` wildcards match as in IAM policies. */
export function isDenied(identity: Identity, action: string): boolean {
  return identity.denyActions.some((pattern) => {
    const regex = new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      'i',
    )
    return regex.test(action)
  })
}

function userIdFor(arn: string): string {
  const digest = createHash('sha256').update(arn).digest()
  const id = Array.from(digest.subarray(0, 17), (b) => UPPER_ALNUM[b % UPPER_ALNUM.length]).join('')
  const assumed = /:assumed-role\/[^/]+\/(.+)$/.exec(arn)
  return assumed ? `AROA${id}:${assumed[1]}` : `AIDA${id}`
}

function randomString(alphabet: string, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}
