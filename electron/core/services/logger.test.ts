import { describe, expect, it } from 'vitest'
import { redactLogMessage, redactValue } from './logger'

// redactLogMessage is the hook the shell installs in electron-log (electron/main/log.test.ts runs
// it through electron-log's real file transport); here, each kind of argument on its own.

const PRESIGNED = 'https://bucket.s3.amazonaws.com/f00d/sha256:abc?X-Amz-Signature=0123abcd'
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE'

describe('redactValue', () => {
  it('redacts strings, Error messages and stacks, and objects, keeping their shape', () => {
    expect(redactValue(`GET ${PRESIGNED}`)).toBe(
      'GET https://bucket.s3.amazonaws.com/f00d/sha256:abc?[redacted]',
    )
    const error = new Error(`failed for ${ACCESS_KEY}`)
    error.name = 'CredentialsError'
    const copy = redactValue(error) as Error
    expect(copy).toBeInstanceOf(Error)
    expect(copy.name).toBe('CredentialsError')
    expect(copy.message).toBe('failed for [access-key-id]')
    expect(copy.stack).not.toContain(ACCESS_KEY)
    expect(redactValue({ url: PRESIGNED, nested: { secretAccessKey: 'wJalrXUtnFEMI' } })).toEqual({
      url: 'https://bucket.s3.amazonaws.com/f00d/sha256:abc?[redacted]',
      nested: { secretAccessKey: '[redacted]' },
    })
  })

  it('passes numbers, booleans and null through, and replaces what cannot be serialised', () => {
    expect(redactValue(42)).toBe(42)
    expect(redactValue(true)).toBe(true)
    expect(redactValue(null)).toBeNull()
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(redactValue(cyclic)).toBe('[unserialisable]')
  })
})

describe('redactLogMessage', () => {
  it('redacts every argument and keeps the rest of the message', () => {
    const message = { level: 'info', scope: 'downloads', data: [PRESIGNED, 3, ACCESS_KEY] }
    expect(redactLogMessage(message)).toEqual({
      level: 'info',
      scope: 'downloads',
      data: ['https://bucket.s3.amazonaws.com/f00d/sha256:abc?[redacted]', 3, '[access-key-id]'],
    })
    expect(message.data[0]).toBe(PRESIGNED)
  })
})
