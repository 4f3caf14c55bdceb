import { describe, expect, it } from 'vitest'
import { imagePath, parentPath, parseRepositoryRoute, repositoryPath } from './routes'

const digest = `sha256:${'ab'.repeat(32)}`
const child = `sha256:${'cd'.repeat(32)}`

describe('routes', () => {
  it('builds repository and image paths with slashes kept', () => {
    expect(repositoryPath('team/app')).toBe('/repositories/team/app')
    expect(repositoryPath('ecr-public/docker/library/alpine')).toBe(
      '/repositories/ecr-public/docker/library/alpine',
    )
    expect(imagePath('demo/multi-arch', digest)).toBe(
      `/repositories/demo/multi-arch/images/${digest}`,
    )
    expect(imagePath('demo/multi-arch', digest, child)).toBe(
      `/repositories/demo/multi-arch/images/${digest}?platform=sha256%3A${'cd'.repeat(32)}`,
    )
  })

  it('parses what it builds', () => {
    expect(parseRepositoryRoute('team/app')).toEqual({
      repositoryName: 'team/app',
      imageDigest: null,
    })
    expect(parseRepositoryRoute(`team/app/images/${digest}`)).toEqual({
      repositoryName: 'team/app',
      imageDigest: digest,
    })
    expect(parseRepositoryRoute('team/app/')).toEqual({
      repositoryName: 'team/app',
      imageDigest: null,
    })
  })

  it('keeps a repository whose path merely contains "images"', () => {
    expect(parseRepositoryRoute('team/images/app')).toEqual({
      repositoryName: 'team/images/app',
      imageDigest: null,
    })
    expect(parseRepositoryRoute('team/images')).toEqual({
      repositoryName: 'team/images',
      imageDigest: null,
    })
  })

  it('treats any "images/x:y" as an image, so a bad digest reaches the catalog error', () => {
    expect(parseRepositoryRoute('team/app/images/sha256:zz')).toEqual({
      repositoryName: 'team/app',
      imageDigest: 'sha256:zz',
    })
  })

  it('goes one level up', () => {
    expect(parentPath(`/repositories/team/app/images/${digest}`)).toBe('/repositories/team/app')
    expect(parentPath('/repositories/team/app')).toBe('/')
    expect(parentPath('/elsewhere')).toBe('/')
    expect(parentPath('/')).toBeNull()
  })
})
