import { describe, expect, it } from 'vitest'
import type { Department } from '@/api/types'
import { buildDepartmentTree, descendantIds } from '@/utils/tree'

const d = (id: number, name: string, parent_id: number | null): Department => ({
  id,
  name,
  parent_id,
})

describe('buildDepartmentTree', () => {
  it('nests departments under their parents and sorts siblings', () => {
    const tree = buildDepartmentTree([
      d(3, '销售二部', 1),
      d(1, '总部', null),
      d(2, '销售一部', 1),
      d(4, '华东组', 2),
    ])
    expect(tree.map((n) => n.label)).toEqual(['总部'])
    expect(tree[0]!.children.map((n) => n.label).sort()).toEqual(['销售一部', '销售二部'].sort())
    const first = tree[0]!.children.find((n) => n.id === 2)!
    expect(first.children.map((n) => n.label)).toEqual(['华东组'])
  })

  it('makes a department whose parent is unknown a root', () => {
    expect(buildDepartmentTree([d(5, '外包', 99)]).map((n) => n.id)).toEqual([5])
  })

  it('does not loop on a cycle in bad data', () => {
    const tree = buildDepartmentTree([d(1, 'A', 2), d(2, 'B', 1)])
    const count = (nodes: typeof tree): number =>
      nodes.reduce((n, node) => n + 1 + count(node.children), 0)
    expect(count(tree)).toBe(2)
  })
})

describe('descendantIds', () => {
  it('returns the department and everything below it', () => {
    const list = [d(1, '总部', null), d(2, '一部', 1), d(3, '一组', 2), d(4, '二部', 1)]
    expect([...descendantIds(list, 2)].sort()).toEqual([2, 3])
    expect([...descendantIds(list, 1)].sort()).toEqual([1, 2, 3, 4])
  })
})
