import type { Department, Id } from '@/api/types'

export interface TreeNode<T> {
  id: Id
  label: string
  data: T
  children: TreeNode<T>[]
}

/**
 * Builds a forest from a flat list with parent_id. Nodes whose parent is missing become roots, and a
 * cycle in bad data can't loop forever: each node is placed once. Siblings are sorted by name.
 */
export function buildDepartmentTree(departments: Department[]): TreeNode<Department>[] {
  const nodes = new Map<Id, TreeNode<Department>>()
  for (const department of departments) {
    nodes.set(department.id, {
      id: department.id,
      label: department.name,
      data: department,
      children: [],
    })
  }
  const roots: TreeNode<Department>[] = []
  for (const node of nodes.values()) {
    const parent_id = node.data.parent_id
    const parent = parent_id === null ? undefined : nodes.get(parent_id)
    if (parent && parent !== node && !isAncestor(node, parent, nodes)) parent.children.push(node)
    else roots.push(node)
  }
  const sort = (list: TreeNode<Department>[]) => {
    list.sort((a, b) => a.label.localeCompare(b.label, 'zh-CN'))
    list.forEach((node) => sort(node.children))
  }
  sort(roots)
  return roots
}

/** True when attaching `node` under `parent` would close a cycle (or the chain above is already cyclic). */
function isAncestor(
  node: TreeNode<Department>,
  parent: TreeNode<Department>,
  nodes: Map<Id, TreeNode<Department>>,
): boolean {
  let current: TreeNode<Department> | undefined = parent
  const seen = new Set<Id>()
  while (current && !seen.has(current.id)) {
    if (current.id === node.id) return true
    seen.add(current.id)
    current = current.data.parent_id === null ? undefined : nodes.get(current.data.parent_id)
  }
  return current !== undefined
}

/** The ids of a department and all departments below it (for "can't move under itself"). */
export function descendantIds(departments: Department[], root: Id): Set<Id> {
  const children = new Map<Id, Id[]>()
  for (const d of departments) {
    if (d.parent_id === null) continue
    const list = children.get(d.parent_id) ?? []
    list.push(d.id)
    children.set(d.parent_id, list)
  }
  const result = new Set<Id>([root])
  const stack = [root]
  while (stack.length) {
    const id = stack.pop() as Id
    for (const child of children.get(id) ?? []) {
      if (!result.has(child)) {
        result.add(child)
        stack.push(child)
      }
    }
  }
  return result
}
