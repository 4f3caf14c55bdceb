import { describe, expect, it } from 'vitest'
import type { SbomPackage } from '../../../../shared/models/supply-chain'
import { filterPackages, packageRows } from './sbom-model'

const pkg = (p: Partial<SbomPackage> & { name: string }): SbomPackage => ({
  version: null,
  licence: null,
  purl: null,
  supplier: null,
  files: [],
  ...p,
})

const rows = packageRows([
  pkg({
    name: 'greeter',
    version: '1.0.0',
    licence: 'Apache-2.0',
    supplier: 'Example Corp',
    purl: 'pkg:generic/greeter@1.0.0',
    files: ['usr/bin/greeter'],
  }),
  pkg({
    name: 'libhello',
    version: '2.3.1-r0',
    licence: 'MIT',
    supplier: 'Demo Linux',
    purl: 'pkg:apk/demo/libhello@2.3.1-r0',
    files: ['usr/lib/libhello.so.2'],
  }),
  pkg({ name: 'demo-base-files', licence: 'GPL-2.0-only', supplier: 'Demo Linux' }),
  // A second entry of the same name: it keeps a row of its own.
  pkg({ name: 'libhello', version: '2.4.0' }),
])
const names = (search: string) =>
  filterPackages(rows, search).map((r) => `${r.pkg.name}@${r.pkg.version ?? '-'}`)

describe('SBOM package filter', () => {
  it('shows every package for an empty or blank search', () => {
    expect(filterPackages(rows, '')).toBe(rows)
    expect(names('   ')).toHaveLength(4)
  })

  it('matches the name, version, licence, purl and supplier, ignoring case', () => {
    expect(names('LIBHELLO')).toEqual(['libhello@2.3.1-r0', 'libhello@2.4.0'])
    expect(names('2.3.1')).toEqual(['libhello@2.3.1-r0'])
    expect(names('gpl')).toEqual(['demo-base-files@-'])
    expect(names('pkg:generic')).toEqual(['greeter@1.0.0'])
    expect(names('example corp')).toEqual(['greeter@1.0.0'])
  })

  it('needs every word, in any order', () => {
    expect(names('linux mit')).toEqual(['libhello@2.3.1-r0'])
    expect(names('linux apache')).toEqual([])
  })

  it('finds a package by a file it lists', () => {
    expect(names('usr/bin/greeter')).toEqual(['greeter@1.0.0'])
  })

  it('keys rows by their place, so a repeated name keeps both rows', () => {
    expect(rows.map((r) => r.key)).toEqual(['0', '1', '2', '3'])
  })
})
