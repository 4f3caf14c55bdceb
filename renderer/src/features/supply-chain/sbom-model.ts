import type { SbomPackage } from '../../../../shared/models/supply-chain'

/** One row of the package table: the package and its key (the SBOM can list a name twice). */
export interface PackageRow {
  key: string
  pkg: SbomPackage
}

/** The document's packages as table rows, keyed by their place in the document. */
export function packageRows(packages: readonly SbomPackage[]): PackageRow[] {
  return packages.map((pkg, index) => ({ key: String(index), pkg }))
}

/**
 * The rows whose name, version, licence, purl, supplier or one of its files holds every word of
 * `search` (case-insensitive, in any order), so "usr/bin/greeter" finds the package that
 * installed it; all of them for an empty search.
 */
export function filterPackages(rows: readonly PackageRow[], search: string): readonly PackageRow[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return rows
  return rows.filter(({ pkg }) => {
    const fields = [pkg.name, pkg.version, pkg.licence, pkg.purl, pkg.supplier]
      .filter((f): f is string => f !== null)
      .map((f) => f.toLowerCase())
    return words.every(
      (word) =>
        fields.some((f) => f.includes(word)) ||
        pkg.files.some((file) => file.toLowerCase().includes(word)),
    )
  })
}
