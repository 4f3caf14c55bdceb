import { describe, expect, it } from 'vitest'
import { describeError } from '../../shared/errors'
import type { ErrorCode } from '../../shared/errors'
import { settingsSchema } from '../../shared/schemas'
import { toAppError } from './ipc/to-app-error'
import { startDigest } from './services/digest'

// Names that come from outside (profile names, an endpoint's error names, digests, error codes over
// IPC) and index an object: Object.prototype's own names must find nothing.
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']

describe('names from outside never find Object.prototype', () => {
  it('settings keep a registry remembered for a profile called __proto__ or constructor', () => {
    const file = JSON.parse(
      '{"registryByProfile":{"__proto__":"111111111111","constructor":"222222222222","prod":"333333333333"}}',
    ) as unknown
    const { registryByProfile } = settingsSchema.parse(file)
    expect(Object.keys(registryByProfile).sort()).toEqual(['__proto__', 'constructor', 'prod'])
    expect(Object.hasOwn(registryByProfile, '__proto__')).toBe(true)
    expect(registryByProfile['__proto__']).toBe('111111111111')
    expect(typeof registryByProfile['toString']).toBe('undefined')
    expect(JSON.parse(JSON.stringify(registryByProfile))).toEqual({
      ['__proto__']: '111111111111',
      constructor: '222222222222',
      prod: '333333333333',
    })
    // A bad value still drops the whole map, as before, to an empty one with no prototype.
    const bad = settingsSchema.parse({ registryByProfile: { __proto__: 'x' } }).registryByProfile
    expect(Object.keys(bad)).toEqual([])
    expect(bad['constructor']).toBeUndefined()
  })

  it('an AWS error named after a prototype member is Unknown, not a function for a code', () => {
    for (const name of PROTOTYPE_NAMES) {
      const error = Object.assign(new Error('odd'), { name, $metadata: {}, $fault: 'client' })
      const mapped = toAppError(error)
      expect(mapped.code, name).toBe('Unknown')
      expect(typeof mapped.code).toBe('string')
    }
  })

  it('a digest whose algorithm is a prototype member is refused as unverifiable', () => {
    for (const name of PROTOTYPE_NAMES) {
      let code: string | null = null
      try {
        startDigest(`${name}:${'a'.repeat(64)}`)
      } catch (error) {
        code = (error as { error?: { code?: string } }).error?.code ?? null
      }
      expect(code, name).toBe('InvalidParameter')
    }
  })

  it('an error code that is a prototype member is described as Unknown, not a crash', () => {
    for (const name of PROTOTYPE_NAMES) {
      const described = describeError({ code: name as ErrorCode, message: 'from outside' })
      expect(described.title, name).toBe(describeError({ code: 'Unknown', message: '' }).title)
    }
  })
})
