import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

// A madge-like check: the graph of relative imports (type-only imports and re-exports included,
// since a cycle of types is still a cycle between modules), and its strongly connected components.

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path)
    return /\.tsx?$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : []
  })
}

function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null
  const base = resolve(dirname(from), specifier)
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ]
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null
}

/** Each module's relative imports within the files given. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files)
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
      const targets = importedFiles
        .map((imported) => resolveImport(file, imported.fileName))
        .filter((target): target is string => target !== null && known.has(target))
      return [file, [...new Set(targets)]]
    }),
  )
}

/** The import cycles: every strongly connected component of more than one module, or a self-import. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm.
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (node: string): void => {
    index.set(node, next)
    low.set(node, next)
    next++
    stack.push(node)
    onStack.add(node)
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target)
        low.set(node, Math.min(low.get(node)!, low.get(target)!))
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!))
      }
    }
    if (low.get(node) !== index.get(node)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
      cycles.push(component.map((file) => relative(root, file)).sort())
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return cycles
}

describe('import cycles', () => {
  it('finds a cycle, type-only imports included (the check itself works)', () => {
    const graph = new Map([
      [join(root, 'a.ts'), [join(root, 'b.ts')]],
      [join(root, 'b.ts'), [join(root, 'a.ts')]],
      [join(root, 'c.ts'), [join(root, 'a.ts')]],
    ])
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts']])
    const fromSource = ts.preProcessFile(
      "import type { AppError } from './ipc/result'\n",
      true,
      true,
    )
    expect(fromSource.importedFiles.map((f) => f.fileName)).toEqual(['./ipc/result'])
  })

  it('shared/errors.ts and shared/ipc/result.ts do not import each other, through any path', () => {
    const graph = importGraph(sourceFiles(join(root, 'shared')))
    const errors = join(root, 'shared/errors.ts')
    const result = join(root, 'shared/ipc/result.ts')
    // The edge the cycle used to be made of is gone, and no longer path leads back either.
    expect(graph.get(result)).not.toContain(errors)
    expect(importCycles(graph)).toEqual([])
  })

  it('no module of the app imports itself back, through any path (shared/, electron/, renderer/src/)', () => {
    const files = ['shared', 'electron', 'renderer/src'].flatMap((folder) =>
      sourceFiles(join(root, folder)),
    )
    expect(importCycles(importGraph(files))).toEqual([])
  })
})
