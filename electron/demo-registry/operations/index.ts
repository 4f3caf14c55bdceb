import { batchCheckLayerAvailability } from './batch-check-layer-availability'
import { batchGetImage } from './batch-get-image'
import { describeImageScanFindings } from './describe-image-scan-findings'
import { describeImageSigningStatus } from './describe-image-signing-status'
import { describeImages } from './describe-images'
import { describePullThroughCacheRules } from './describe-pull-through-cache-rules'
import { describeRegistry } from './describe-registry'
import { describeRepositories } from './describe-repositories'
import { getDownloadUrlForLayer } from './get-download-url-for-layer'
import { listImageReferrers } from './list-image-referrers'
import { listImages } from './list-images'
import type { EcrOperation } from './types'
import { updateImageStorageClass } from './update-image-storage-class'

// A Map, not an object literal, so a target like `…V20150921.constructor` cannot hit the prototype.
/** Every ECR operation the emulator answers, keyed by the name after the X-Amz-Target prefix. */
export const ECR_OPERATIONS: ReadonlyMap<string, EcrOperation> = new Map([
  ['BatchCheckLayerAvailability', batchCheckLayerAvailability],
  ['BatchGetImage', batchGetImage],
  ['DescribeImageScanFindings', describeImageScanFindings],
  ['DescribeImageSigningStatus', describeImageSigningStatus],
  ['DescribeImages', describeImages],
  ['DescribePullThroughCacheRules', describePullThroughCacheRules],
  ['DescribeRegistry', describeRegistry],
  ['DescribeRepositories', describeRepositories],
  ['GetDownloadUrlForLayer', getDownloadUrlForLayer],
  ['ListImageReferrers', listImageReferrers],
  ['ListImages', listImages],
  ['UpdateImageStorageClass', updateImageStorageClass],
])
