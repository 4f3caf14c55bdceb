import { describeRegistry } from './describe-registry'
import { describeRepositories } from './describe-repositories'
import type { EcrOperation } from './types'

// A Map, not an object literal, so a target like `…V20150921.constructor` cannot hit the prototype.
/** Every ECR operation the emulator answers, keyed by the name after the X-Amz-Target prefix. */
export const ECR_OPERATIONS: ReadonlyMap<string, EcrOperation> = new Map([
  ['DescribeRegistry', describeRegistry],
  ['DescribeRepositories', describeRepositories],
])
