import type { ImageManifest } from './models/image'

// What a docker-archive of an image will not carry or load, in words: said by the "Save image"
// dialog before anything is written, and again in the export's result.

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

/** The limits of a docker-archive of this image (zstd layers, OCI media types), as sentences. */
export function dockerArchiveLimits(image: Extract<ImageManifest, { kind: 'image' }>): string[] {
  const limits: string[] = []
  const zstd = image.layers.filter((l) => l.compression === 'zstd')
  if (zstd.length > 0) {
    limits.push(
      `${zstd.length} layer${zstd.length === 1 ? ' is' : 's are'} zstd-compressed: it won’t load in docker (docker load of older Docker Engines reads only gzip and plain tar layers and refuses the file); podman load and skopeo read it. Save as an OCI layout instead to carry the layers as they are.`,
    )
  }
  if (image.mediaType === OCI_MANIFEST) {
    limits.push(
      'The image uses OCI media types: a docker-archive has no place for them, so loaders record Docker media types and some refuse them; tools that need the OCI manifest won’t find it. Save as an OCI layout instead to keep it.',
    )
  }
  return limits
}

/** When a docker-archive is asked of an index: it holds one platform only. */
export function onePlatformOnly(platformCount: number): string | null {
  return platformCount > 1
    ? `A docker-archive holds one platform only: ${platformCount === 2 ? 'the other platform' : `the other ${platformCount - 1} platforms`} of this index won’t be in it. Save as an OCI layout instead to keep the whole index.`
    : null
}
