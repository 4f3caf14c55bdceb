import { describe, expect, it } from 'vitest'
import { splitInlineCode } from './inline-code'

describe('splitInlineCode', () => {
  it('returns plain text as one run', () => {
    expect(splitInlineCode('Retry in a minute.')).toEqual([
      { text: 'Retry in a minute.', code: false },
    ])
  })

  it('marks backticked runs as code', () => {
    expect(splitInlineCode('Run `aws sso login --profile dev`, then retry.')).toEqual([
      { text: 'Run ', code: false },
      { text: 'aws sso login --profile dev', code: true },
      { text: ', then retry.', code: false },
    ])
  })

  it('handles several code runs and code at the edges', () => {
    expect(splitInlineCode('`a` or `b`')).toEqual([
      { text: 'a', code: true },
      { text: ' or ', code: false },
      { text: 'b', code: true },
    ])
  })

  it('keeps an unmatched backtick as text', () => {
    expect(splitInlineCode('Run `aws configure` or `oops')).toEqual([
      { text: 'Run ', code: false },
      { text: 'aws configure', code: true },
      { text: ' or `oops', code: false },
    ])
  })
})
