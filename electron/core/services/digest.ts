import { createHash, type Hash } from 'node:crypto'
import { AppErrorException } from '../../../shared/ipc/result'

const ALGORITHMS: Record<string, { node: string; hexLength: number }> = {
  sha256: { node: 'sha256', hexLength: 64 },
  sha512: { node: 'sha512', hexLength: 128 },
}

/** A digest split into its algorithm and hex value, with a fresh hash for it. */
export interface DigestCheck {
  algorithm: string
  hex: string
  hash: Hash
}

/** Starts checking bytes against a digest such as sha256:<hex>; refuses algorithms we cannot check. */
export function startDigest(digest: string): DigestCheck {
  const colon = digest.indexOf(':')
  const algorithm = digest.slice(0, colon)
  const hex = digest.slice(colon + 1).toLowerCase()
  const known = Object.hasOwn(ALGORITHMS, algorithm) ? ALGORITHMS[algorithm] : undefined
  if (colon < 0 || !known || hex.length !== known.hexLength || !/^[a-f0-9]+$/.test(hex)) {
    throw new AppErrorException({
      code: 'InvalidParameter',
      field: 'digest',
      message: `"${digest}" is not a sha256 or sha512 digest the app can verify`,
    })
  }
  return { algorithm, hex, hash: createHash(known.node) }
}
