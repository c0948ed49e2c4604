import { computed, ref } from 'vue'
import { departmentsApi } from '@/api/departments'
import { rolesApi } from '@/api/roles'
import type { Department, Id, Role } from '@/api/types'
import { buildDepartmentTree } from '@/utils/tree'

// Departments and roles change rarely: one copy per page load, refreshed after an edit.
const departments = ref<Department[]>([])
const roles = ref<Role[]>([])
let departmentsLoad: Promise<void> | null = null
let rolesLoad: Promise<void> | null = null

export function useDepartments() {
  function load(force = false): Promise<void> {
    if (force) departmentsLoad = null
    departmentsLoad ??= departmentsApi
      .list()
      .then((list) => {
        departments.value = list
      })
      .catch(() => {
        departmentsLoad = null
      })
    return departmentsLoad
  }
  const tree = computed(() => buildDepartmentTree(departments.value))
  const nameOf = (id: Id | null | undefined) =>
    id == null ? '' : (departments.value.find((d) => d.id === id)?.name ?? `#${id}`)
  return { departments, tree, load, nameOf }
}

export function useRoles() {
  function load(force = false): Promise<void> {
    if (force) rolesLoad = null
    rolesLoad ??= rolesApi
      .list()
      .then((list) => {
        roles.value = list
      })
      .catch(() => {
        rolesLoad = null
      })
    return rolesLoad
  }
  const nameOf = (id: Id | null | undefined) =>
    id == null ? '' : (roles.value.find((r) => r.id === id)?.name ?? `#${id}`)
  return { roles, load, nameOf }
}

/** Forget cached lookups (on logout: another user may see other departments). */
export function resetLookups(): void {
  departments.value = []
  roles.value = []
  departmentsLoad = null
  rolesLoad = null
}
