import { computed, ref } from 'vue'
import { departmentsApi } from '@/api/departments'
import type { Id } from '@/api/types'
import { useDepartments } from '@/composables/useLookups'
import { i18n } from '@/i18n'
import { useSessionStore } from '@/stores/session'
import { errorText, isApiError } from '@/utils/errors'

/**
 * Department tree editing: add, rename, move, delete and its undo (restore), and which of them the
 * user's permissions (departments.create|edit|delete) allow; the shared lookup refreshes after each.
 */
export function useDepartmentsAdmin() {
  const lookup = useDepartments()
  const session = useSessionStore()
  const canCreate = computed(() => session.can('departments.create'))
  const canEdit = computed(() => session.can('departments.edit'))
  const canDelete = computed(() => session.can('departments.delete'))
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      await lookup.load(true)
    } catch (cause) {
      error.value = errorText(cause)
    } finally {
      loading.value = false
    }
  }

  async function run(action: () => Promise<unknown>): Promise<void> {
    await action()
    await lookup.load(true)
  }

  return {
    ...lookup,
    loading,
    error,
    canCreate,
    canEdit,
    canDelete,
    load,
    create: (name: string, parent_id: Id | null) =>
      run(() => departmentsApi.create({ name, parent_id })),
    rename: (id: Id, name: string) => run(() => departmentsApi.update(id, { name })),
    move: (id: Id, parent_id: Id | null) => run(() => departmentsApi.update(id, { parent_id })),
    remove: (id: Id) => run(() => departmentsApi.remove(id)),
    restore: (id: Id) => run(() => departmentsApi.restore(id)),
  }
}

/**
 * Why a delete was refused, for a person: a department still in use names how many users and
 * sub-departments it still has (the server's details), in the current language; anything else as
 * any error.
 */
export function deleteErrorText(cause: unknown): string {
  if (isApiError(cause, 'conflict')) {
    const { users, departments } = cause.details
    if (typeof users === 'number' && typeof departments === 'number')
      return i18n.global.t('admin.departments.inUse', { users, departments })
  }
  return errorText(cause)
}
