import type { SupplyChainReferrer } from '../../../../shared/models/supply-chain'

/** What a referrer hangs on: an image (the one on screen, a platform of it) or another referrer. */
export interface Subject {
  digest: string
  /** "this image", "the index", "linux/arm64", "SBOM (SPDX) sha256:1a2b…". */
  label: string
}

/** A referrer found in the tree, with the subject it refers to. */
export interface FoundReferrer {
  referrer: SupplyChainReferrer
  subject: Subject
}

/** Finds a referrer by digest anywhere in the trees, depth first, with its direct subject. */
export function findReferrer(
  trees: readonly { subject: Subject; referrers: readonly SupplyChainReferrer[] }[],
  digest: string,
  name: (referrer: SupplyChainReferrer) => string,
): FoundReferrer | null {
  const walk = (
    subject: Subject,
    referrers: readonly SupplyChainReferrer[],
  ): FoundReferrer | null => {
    for (const referrer of referrers) {
      if (referrer.digest === digest) return { referrer, subject }
      const below = walk({ digest: referrer.digest, label: name(referrer) }, referrer.referrers)
      if (below) return below
    }
    return null
  }
  for (const tree of trees) {
    const found = walk(tree.subject, tree.referrers)
    if (found) return found
  }
  return null
}

/** Every referrer in a tree, its own referrers included. */
export function countReferrers(referrers: readonly SupplyChainReferrer[]): number {
  return referrers.reduce((n, r) => n + 1 + countReferrers(r.referrers), 0)
}
