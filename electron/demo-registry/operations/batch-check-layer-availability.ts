import { findRepository, repositoryArn, repositoryMembers } from './common'
import type { EcrOperation } from './types'
import { Constraints, PATTERNS, optionalStringList } from './validate'

const LAYER_DIGEST = new RegExp(`^(?:${PATTERNS.layerDigest})$`)

/**
 * BatchCheckLayerAvailability: AVAILABLE, ARCHIVED or UNAVAILABLE per digest. A well-formed digest
 * the repository does not hold is UNAVAILABLE; an empty one is a MissingLayerDigest failure and a
 * malformed one an InvalidLayerDigest failure (the model allows both lengths through validation).
 */
export const batchCheckLayerAvailability: EcrOperation = {
  action: 'ecr:BatchCheckLayerAvailability',
  resource: repositoryArn,

  handle(input, ctx) {
    const constraints = new Constraints()
    const { registryId, repositoryName } = repositoryMembers(input, constraints)
    const digests = optionalStringList(input, 'layerDigests')
    constraints.required('layerDigests', digests).length('layerDigests', digests, 1, 100)
    digests?.forEach((digest, i) =>
      constraints.length(`layerDigests.${i + 1}.member`, digest, 0, 1000),
    )
    constraints.check()
    findRepository(ctx, registryId, repositoryName)

    const layers: Record<string, unknown>[] = []
    const failures: Record<string, unknown>[] = []
    for (const layerDigest of digests ?? []) {
      if (layerDigest === '') {
        failures.push({
          layerDigest,
          failureCode: 'MissingLayerDigest',
          failureReason: 'The layer digest is missing.',
        })
        continue
      }
      if (!LAYER_DIGEST.test(layerDigest)) {
        failures.push({
          layerDigest,
          failureCode: 'InvalidLayerDigest',
          failureReason: `Invalid layer digest: ${layerDigest}`,
        })
        continue
      }
      const blob = ctx.catalog.repositoryBlob(repositoryName, layerDigest)
      layers.push(
        blob
          ? {
              layerDigest,
              layerAvailability: blob.availability,
              layerSize: blob.ref.size,
              mediaType: blob.ref.mediaType,
            }
          : { layerDigest, layerAvailability: 'UNAVAILABLE' },
      )
    }
    return { layers, failures }
  },
}
