import { AwsError } from '../aws-error'
import { DEFAULT_PAGE_SIZE, nextTokenMember, paginate } from './paging'
import { epochSeconds } from './types'
import type { EcrOperation, PullThroughCacheRuleRecord } from './types'
import {
  Constraints,
  PATTERNS,
  optionalInteger,
  optionalString,
  optionalStringList,
} from './validate'

/** DescribePullThroughCacheRules: every rule in pages, or the named prefixes. */
export const describePullThroughCacheRules: EcrOperation = {
  action: 'ecr:DescribePullThroughCacheRules',
  resource: (_input, ctx) => `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/*`,

  handle(input, ctx) {
    const registryId = optionalString(input, 'registryId')
    const prefixes = optionalStringList(input, 'ecrRepositoryPrefixes')
    const nextToken = optionalString(input, 'nextToken')
    const maxResults = optionalInteger(input, 'maxResults')
    const constraints = new Constraints()
      .pattern('registryId', registryId, PATTERNS.registryId)
      .range('maxResults', maxResults, 1, 1000)
      .length('ecrRepositoryPrefixes', prefixes, 1, 100)
    prefixes?.forEach((prefix, i) => {
      constraints
        .length(`ecrRepositoryPrefixes.${i + 1}.member`, prefix, 2, 20)
        .pattern(
          `ecrRepositoryPrefixes.${i + 1}.member`,
          prefix,
          PATTERNS.pullThroughCacheRuleRepositoryPrefix,
        )
    })
    constraints.check()

    const effectiveRegistry = registryId ?? ctx.accountId
    const rules = effectiveRegistry === ctx.accountId ? ctx.pullThroughCacheRules : []
    let selected: readonly PullThroughCacheRuleRecord[] = rules
    if (prefixes !== undefined) {
      selected = prefixes.map((prefix) => {
        const rule = rules.find((r) => r.ecrRepositoryPrefix === prefix)
        if (!rule) {
          throw new AwsError(
            'PullThroughCacheRuleNotFoundException',
            `The pull through cache rule with prefix '${prefix}' does not exist in the registry with id '${effectiveRegistry}'`,
          )
        }
        return rule
      })
    }
    const page = paginate(selected, {
      scope: `DescribePullThroughCacheRules:${effectiveRegistry}:${(prefixes ?? []).join(',')}`,
      maxResults: maxResults ?? DEFAULT_PAGE_SIZE,
      nextToken,
    })
    return {
      pullThroughCacheRules: page.items.map((rule) => ({
        ecrRepositoryPrefix: rule.ecrRepositoryPrefix,
        upstreamRegistryUrl: rule.upstreamRegistryUrl,
        createdAt: epochSeconds(rule.createdAt),
        registryId: effectiveRegistry,
        upstreamRegistry: rule.upstreamRegistry,
        ...(rule.credentialArn ? { credentialArn: rule.credentialArn } : {}),
        ...(rule.updatedAt ? { updatedAt: epochSeconds(rule.updatedAt) } : {}),
      })),
      ...nextTokenMember(page.nextToken),
    }
  },
}
