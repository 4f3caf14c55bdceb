import { AwsError } from '../aws-error'
import { findRepository, repositoryArn, repositoryMembers } from './common'
import type { EcrOperation } from './types'
import { Constraints, PATTERNS, optionalString } from './validate'

/**
 * GetDownloadUrlForLayer: a pre-signed S3-style URL for any layer or config blob that one of the
 * repository's manifests references.
 */
export const getDownloadUrlForLayer: EcrOperation = {
  action: 'ecr:GetDownloadUrlForLayer',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { registryId, repositoryName } = repositoryMembers(input, constraints)
    const layerDigest = optionalString(input, 'layerDigest')
    constraints
      .required('layerDigest', layerDigest)
      .pattern('layerDigest', layerDigest, PATTERNS.layerDigest)
      .check()
    const digest = layerDigest ?? ''
    const repository = findRepository(ctx, registryId, repositoryName)

    const blob = ctx.catalog.repositoryBlob(repositoryName, digest)
    if (blob?.kind === 'orphan') {
      throw new AwsError(
        'LayerInaccessibleException',
        `The layer with digest '${digest}' is not associated with an image in the repository with name '${repositoryName}' in the registry with id '${repository.registryId}'. Unassociated image layers may be cleaned up at any time.`,
      )
    }
    if (!blob) {
      const uncached = ctx.catalog.uncachedUpstreamImage(repositoryName)
      if (uncached?.layerDigests.includes(digest)) {
        const rule = ctx.pullThroughCacheRules.find((r) =>
          repositoryName.startsWith(`${r.ecrRepositoryPrefix}/`),
        )
        throw new AwsError(
          'UnableToGetUpstreamLayerException',
          `Error encountered while pulling the layer with digest '${digest}' from the upstream registry ${rule?.upstreamRegistryUrl ?? 'upstream'}.`,
        )
      }
    }
    if (blob?.inArchivedImagesOnly) {
      // The model lists no archive error for this operation; ECR's archive docs say an archived
      // image cannot be pulled until restored, and ImageArchivedException is the model's name for
      // "the specified image is archived", so the emulator answers with it.
      throw new AwsError(
        'ImageArchivedException',
        `The layer with digest '${digest}' belongs only to archived images in the repository with name '${repositoryName}' in the registry with id '${repository.registryId}'. Restore the image to the STANDARD storage class before pulling it.`,
      )
    }
    if (!blob || blob.kind === 'foreign') {
      // A foreign layer is referenced but its bytes live at the manifest's `urls`, not in ECR.
      throw new AwsError(
        'LayersNotFoundException',
        `The layer with digest '${digest}' does not exist in the repository with name '${repositoryName}' in the registry with id '${repository.registryId}'`,
      )
    }
    return ctx.blobUrl(repositoryName, digest).then((downloadUrl) => ({
      downloadUrl,
      layerDigest: digest,
    }))
  },
}
