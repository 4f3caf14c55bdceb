import { describe, expect, it } from 'vitest'
import { describeError } from './errors'

describe('RepositoryNotFound', () => {
  it("names the registry, not '*', when another account's registry lists nothing", () => {
    const text = describeError({
      code: 'RepositoryNotFound',
      message: "The repository with name '*' does not exist in the registry with id '210987654321'",
      region: 'eu-west-1',
    })
    expect(text.title).toBe('No repositories in this registry')
    expect(text.explanation).toContain('Registry 210987654321')
    expect(text.explanation).toContain('eu-west-1')
    expect(`${text.title} ${text.explanation} ${text.nextStep}`).not.toContain("'*'")
    expect(text.nextStep).toContain('clear the registry field')
  })

  it('names the repository and the registry it was asked in', () => {
    const text = describeError({
      code: 'RepositoryNotFound',
      message:
        "The repository with name 'demo/missing' does not exist in the registry with id '123456789012'",
    })
    expect(text.title).toBe('Repository not found')
    expect(text.explanation).toBe('There is no repository "demo/missing" in registry 123456789012.')
  })

  it('keeps any other message as it is', () => {
    expect(describeError({ code: 'RepositoryNotFound', message: 'gone' }).explanation).toBe('gone')
  })
})
