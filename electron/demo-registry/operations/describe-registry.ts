import type { EcrOperation } from './types'

/** DescribeRegistry: the account's registry id; the demo registry replicates nowhere. */
export const describeRegistry: EcrOperation = {
  action: 'ecr:DescribeRegistry',
  // DescribeRegistry has no resource-level permissions, so IAM evaluates it against "*".
  resource: () => '*',
  handle: (_input, ctx) => ({
    registryId: ctx.accountId,
    replicationConfiguration: { rules: [] },
  }),
}
