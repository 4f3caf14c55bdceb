import { describe, expect, it } from 'vitest'
import { FaultQueue, parseBlobFault } from './faults'

describe('FaultQueue', () => {
  it('hands each fault out `times` times, first matching entry first', () => {
    const queue = new FaultQueue<string>()
    queue.inject('throttle', 2, 'ListImages')
    queue.inject('server', 1)
    expect(queue.pending()).toBe(3)
    expect(queue.take('DescribeImages')).toBe('server')
    expect(queue.take('ListImages')).toBe('throttle')
    expect(queue.take('ListImages')).toBe('throttle')
    expect(queue.take('ListImages')).toBeUndefined()
    expect(queue.pending()).toBe(0)
  })

  it('refuses a count that is not a positive integer, and clear drops everything', () => {
    const queue = new FaultQueue<string>()
    for (const times of [0, -1, 1.5, Number.NaN]) {
      expect(() => queue.inject('x', times)).toThrow(RangeError)
    }
    queue.inject('x', 3, 'sha256:aa')
    queue.clear()
    expect(queue.take('sha256:aa')).toBeUndefined()
  })
})

describe('parseBlobFault', () => {
  it('splits the spec and defaults times to 1', () => {
    expect(parseBlobFault({ kind: 'reset', afterBytes: 10, digest: 'sha256:aa' })).toEqual({
      fault: { kind: 'reset', afterBytes: 10 },
      times: 1,
      digest: 'sha256:aa',
    })
  })

  it('refuses negative or fractional amounts and a zero rate', () => {
    expect(() => parseBlobFault({ kind: 'corrupt', offset: -1 })).toThrow(RangeError)
    expect(() => parseBlobFault({ kind: 'truncate', afterBytes: 1.5 })).toThrow(RangeError)
    expect(() => parseBlobFault({ kind: 'slow', bytesPerSecond: 0 })).toThrow(RangeError)
  })
})
