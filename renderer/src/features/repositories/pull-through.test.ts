import { describe, expect, it } from 'vitest'
import type { PullThroughRule } from '../../../../shared/models/image'
import { findPullThroughRule, pullThroughDescription, upstreamHost } from './pull-through'

const rule = (prefix: string, upstreamRegistryUrl: string): PullThroughRule => ({
  prefix,
  upstreamRegistryUrl,
  upstreamRegistry: null,
  createdAt: null,
})

const rules = [
  rule('ecr-public', 'public.ecr.aws'),
  rule('docker-hub', 'registry-1.docker.io'),
  rule('docker-hub/library', 'https://mirror.example.com/'),
]

describe('findPullThroughRule', () => {
  it('matches the prefix followed by a slash', () => {
    expect(findPullThroughRule(rules, 'ecr-public/docker/library/alpine')?.prefix).toBe(
      'ecr-public',
    )
    expect(findPullThroughRule(rules, 'ecr-publicity/app')).toBeNull()
    expect(findPullThroughRule(rules, 'ecr-public')).toBeNull()
    expect(findPullThroughRule(undefined, 'ecr-public/x')).toBeNull()
  })

  it('prefers the longest matching prefix', () => {
    expect(findPullThroughRule(rules, 'docker-hub/library/nginx')?.prefix).toBe(
      'docker-hub/library',
    )
    expect(findPullThroughRule(rules, 'docker-hub/bitnami/redis')?.prefix).toBe('docker-hub')
  })

  it('labels the upstream registry', () => {
    expect(upstreamHost(rules[0]!)).toBe('public.ecr.aws')
    expect(upstreamHost(rules[2]!)).toBe('mirror.example.com')
    expect(pullThroughDescription(rules[0]!)).toBe(
      'Pull-through cache of public.ecr.aws (rule prefix "ecr-public")',
    )
  })
})
