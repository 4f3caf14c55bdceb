import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nodeLog from 'electron-log/node'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { redactLogMessage } from '../core/services/logger'
import { configureLog, ElectronLogger, LOG_MAX_BYTES } from './log'

// electron-log's Node build has the same logger, hooks and file transport as its Electron build
// (electron-log/main), so the test runs the real pipeline: hook, format, rotating file.

const PRESIGNED =
  'https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/f00d/sha256:abc?' +
  'X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600' +
  '&X-Amz-Credential=ASIAXAMPLEKEY1234567%2F20260101%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const TOKEN = 'IQoJb3JpZ2luX2VjEJrSESSIONTOKENEXAMPLE'

/** Every secret above: none may appear anywhere in a log. */
const SECRETS = [
  ACCESS_KEY,
  SECRET,
  TOKEN,
  'X-Amz-Signature',
  '0123456789abcdef0123456789abcdef',
  'X-Amz-Credential',
  'ASIAXAMPLEKEY1234567',
  'X-Amz-Security-Token',
]

let dir: string
let log: ReturnType<typeof nodeLog.create>

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elb-log-'))
  log = nodeLog.create({ logId: `test-${Math.random()}` })
  configureLog(log, join(dir, 'logs'), true)
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function logFile(): Promise<string> {
  return readFile(join(dir, 'logs', 'main.log'), 'utf8')
}

describe('the electron-log setup', () => {
  it('writes a rotating main.log in the logs folder and nowhere else', () => {
    expect(log.transports.file.getFile().path).toBe(join(dir, 'logs', 'main.log'))
    expect(log.transports.file.maxSize).toBe(LOG_MAX_BYTES)
    expect(log.transports.console.level).toBe(false)
    expect(log.transports.remote.level).toBe(false)
    expect(log.hooks).toContain(redactLogMessage)
  })

  it('never writes credentials or a pre-signed URL query string', async () => {
    const logger = new ElectronLogger(log)
    logger.info('downloads', `GET ${PRESIGNED} -> 200`)
    logger.warn('credentials', `aws_access_key_id = ${ACCESS_KEY}`)
    logger.error('credentials', `aws_secret_access_key = ${SECRET}\naws_session_token=${TOKEN}`)
    log.info('raw', { secretAccessKey: SECRET, sessionToken: TOKEN, url: PRESIGNED })
    log.error(new Error(`request to ${PRESIGNED} failed for ${ACCESS_KEY}`))

    const text = await logFile()
    for (const secret of SECRETS) expect(text).not.toContain(secret)
    // What is useful stays: the scope, the host and path, the level, the redaction marks.
    expect(text).toContain('(downloads)')
    expect(text).toContain(
      'https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/f00d/sha256:abc?[redacted]',
    )
    expect(text).toContain('[access-key-id]')
    expect(text).toContain('aws_secret_access_key = [redacted]')
    expect(text.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(5)
  })

  it('rotates the file past maxSize, keeping one old file', async () => {
    log.transports.file.maxSize = 2_000
    for (let i = 0; i < 60; i++) log.info(`line ${i} ${'x'.repeat(60)}`)
    const files = (await readdir(join(dir, 'logs'))).sort()
    expect(files).toEqual(['main.log', 'main.old.log'])
    expect((await logFile()).length).toBeLessThan(4_000)
  })
})
