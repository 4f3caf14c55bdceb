import type { PullThroughRule } from '../../../../shared/models/image'

/**
 * The cache rule a repository comes from: ECR names cached repositories `<prefix>/<upstream path>`,
 * so the rule is the one whose prefix (followed by "/") starts the name; the longest one wins.
 */
export function findPullThroughRule(
  rules: readonly PullThroughRule[] | undefined,
  repositoryName: string,
): PullThroughRule | null {
  let found: PullThroughRule | null = null
  for (const rule of rules ?? []) {
    if (rule.prefix === '' || !repositoryName.startsWith(`${rule.prefix}/`)) continue
    if (!found || rule.prefix.length > found.prefix.length) found = rule
  }
  return found
}

/** The upstream registry's host, for a short badge: "https://registry-1.docker.io/" -> "registry-1.docker.io". */
export function upstreamHost(rule: PullThroughRule): string {
  return rule.upstreamRegistryUrl.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '')
}

/** The sentence that explains the badge. */
export function pullThroughDescription(rule: PullThroughRule): string {
  return `Pull-through cache of ${rule.upstreamRegistryUrl} (rule prefix "${rule.prefix}")`
}
