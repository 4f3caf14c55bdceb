import { AwsError } from '../aws-error'
import type { RepositoryRecord } from '../data'
import { findRepository, repositoryNotFound } from './common'
import { DEFAULT_PAGE_SIZE, nextTokenMember, paginate } from './paging'
import { epochSeconds } from './types'
import type { EcrOperation, JsonObject, OperationContext } from './types'
import {
  Constraints,
  PATTERNS,
  optionalInteger,
  optionalString,
  optionalStringList,
} from './validate'

/** DescribeRepositories: the whole registry in pages, or up to 100 repositories by name. */
export const describeRepositories: EcrOperation = {
  action: 'ecr:DescribeRepositories',

  resource(input, ctx) {
    const names = input['repositoryNames']
    const first = Array.isArray(names) && typeof names[0] === 'string' ? names[0] : '*'
    return `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${first}`
  },

  handle(input: JsonObject, ctx: OperationContext) {
    const registryId = optionalString(input, 'registryId')
    const repositoryNames = optionalStringList(input, 'repositoryNames')
    const nextToken = optionalString(input, 'nextToken')
    const maxResults = optionalInteger(input, 'maxResults')

    const constraints = new Constraints()
      .pattern('registryId', registryId, PATTERNS.registryId)
      .range('maxResults', maxResults, 1, 1000)
      .length('repositoryNames', repositoryNames, 1, 100)
    repositoryNames?.forEach((name, i) => {
      constraints
        .length(`repositoryNames.${i + 1}.member`, name, 2, 256)
        .pattern(`repositoryNames.${i + 1}.member`, name, PATTERNS.repositoryName)
    })
    constraints.check()

    if (repositoryNames !== undefined && (maxResults !== undefined || nextToken !== undefined)) {
      throw new AwsError(
        'InvalidParameterException',
        "Invalid parameter at 'repositoryNames' failed to satisfy constraint: " +
          "'repositoryNames cannot be used with maxResults or nextToken'",
      )
    }

    const effectiveRegistry = registryId ?? ctx.accountId
    if (repositoryNames !== undefined) {
      const found: RepositoryRecord[] = []
      for (const name of new Set(repositoryNames)) found.push(findRepository(ctx, registryId, name))
      return { repositories: found.map(toWire) }
    }

    if (effectiveRegistry !== ctx.accountId) throw repositoryNotFound('*', effectiveRegistry)
    const page = paginate(ctx.data.repositories, {
      scope: `DescribeRepositories:${effectiveRegistry}`,
      maxResults: maxResults ?? DEFAULT_PAGE_SIZE,
      nextToken,
    })
    return {
      repositories: page.items.map(toWire),
      ...nextTokenMember(page.nextToken),
    }
  },
}

function toWire(record: RepositoryRecord) {
  return {
    repositoryArn: record.repositoryArn,
    registryId: record.registryId,
    repositoryName: record.repositoryName,
    repositoryUri: record.repositoryUri,
    createdAt: epochSeconds(record.createdAt),
    imageTagMutability: record.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: record.scanOnPush },
    encryptionConfiguration: { ...record.encryption },
  }
}
