import type { MergedEntry } from '../../../../shared/models/layer-contents'

/** One node of the file tree: an entry, or a folder that only its children imply. */
export interface TreeNode {
  name: string
  path: string
  depth: number
  entry: MergedEntry | null
  isDirectory: boolean
  deleted: boolean
  parent: TreeNode | null
  children: TreeNode[]
  /** Files' bytes: the file's own size, or a folder's total (live files; all, if it is deleted). */
  size: number
  /** Entries below a folder, live and deleted. */
  liveCount: number
  deletedCount: number
}

/** The tree of a list of entries, with folder totals. */
export interface FileTree {
  root: TreeNode
  byPath: Map<string, TreeNode>
  nodes: TreeNode[]
}

export type SortKey = 'name' | 'size'

const makeNode = (name: string, path: string, parent: TreeNode | null): TreeNode => ({
  name,
  path,
  depth: parent ? parent.depth + 1 : -1,
  entry: null,
  isDirectory: true,
  deleted: false,
  parent,
  children: [],
  size: 0,
  liveCount: 0,
  deletedCount: 0,
})

/** Builds the tree, creating the folders entries imply, and adds up folder totals. */
export function buildTree(entries: readonly MergedEntry[]): FileTree {
  const root = makeNode('', '', null)
  const byPath = new Map<string, TreeNode>([['', root]])
  const nodes: TreeNode[] = []
  const ensure = (path: string): TreeNode => {
    const found = byPath.get(path)
    if (found) return found
    const slash = path.lastIndexOf('/')
    const parent = ensure(slash < 0 ? '' : path.slice(0, slash))
    const node = makeNode(path.slice(slash + 1), path, parent)
    parent.children.push(node)
    byPath.set(path, node)
    nodes.push(node)
    return node
  }
  for (const entry of entries) {
    const node = ensure(entry.path)
    node.entry = entry
    node.isDirectory = entry.type === 'directory'
    node.deleted = entry.change === 'deleted'
  }
  // Children after parents in `nodes`, so a reverse pass adds up totals bottom-up.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!
    if (!node.isDirectory && node.entry?.type === 'file') node.size = node.entry.size
    const parent = node.parent!
    if (node.deleted) parent.deletedCount += 1 + node.deletedCount + node.liveCount
    else {
      parent.liveCount += 1 + node.liveCount
      parent.deletedCount += node.deletedCount
    }
    if (!node.deleted || parent.deleted) parent.size += node.size
  }
  return { root, byPath, nodes }
}

const byName = (a: TreeNode, b: TreeNode) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
const bySize = (a: TreeNode, b: TreeNode) => b.size - a.size || byName(a, b)

/** Sorts every folder's children in place: by name, or largest first. */
export function sortTree(tree: FileTree, key: SortKey): void {
  const compare = key === 'name' ? byName : bySize
  tree.root.children.sort(compare)
  for (const node of tree.nodes) if (node.children.length > 1) node.children.sort(compare)
}

/** The rows on screen: each expanded folder's children after it, deleted ones only if shown. */
export function visibleRows(
  tree: FileTree,
  expanded: ReadonlySet<string>,
  showDeleted: boolean,
): TreeNode[] {
  const rows: TreeNode[] = []
  const stack: TreeNode[] = [...tree.root.children].reverse()
  while (stack.length > 0) {
    const node = stack.pop()!
    if (!showDeleted && (node.deleted || (node.entry === null && node.liveCount === 0))) continue
    rows.push(node)
    if (node.children.length > 0 && expanded.has(node.path)) {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!)
    }
  }
  return rows
}

/** Search results: every node whose path matches, in tree order. */
export function searchRows(
  tree: FileTree,
  matches: (path: string) => boolean,
  showDeleted: boolean,
  key: SortKey,
): TreeNode[] {
  const rows = tree.nodes.filter((node) => (showDeleted || !node.deleted) && matches(node.path))
  return rows.sort(
    key === 'size' ? bySize : (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  )
}

/** The folders on the way to a path, so revealing it can expand them. */
export function ancestors(path: string): string[] {
  const out: string[] = []
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i))
  return out
}
