import { ref } from 'vue'
import { departmentsApi } from '@/api/departments'
import type { Id } from '@/api/types'
import { useDepartments } from '@/composables/useLookups'
import { errorText } from '@/utils/errors'

/** Department tree editing: add, rename, move, delete; the shared lookup refreshes after each. */
export function useDepartmentsAdmin() {
  const lookup = useDepartments()
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
    load,
    create: (name: string, parent_id: Id | null) =>
      run(() => departmentsApi.create({ name, parent_id })),
    rename: (id: Id, name: string) => run(() => departmentsApi.update(id, { name })),
    move: (id: Id, parent_id: Id | null) => run(() => departmentsApi.update(id, { parent_id })),
    remove: (id: Id) => run(() => departmentsApi.remove(id)),
  }
}
