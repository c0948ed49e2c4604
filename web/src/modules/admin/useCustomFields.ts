import { computed, ref, shallowRef } from 'vue'
import { customFieldsApi, type CustomFieldInput, type CustomFieldPatch } from '@/api/customFields'
import type { CustomField, Id } from '@/api/types'
import { RECORD_TYPES } from '@/modules/records/types'
import { useMetadataStore } from '@/stores/metadata'
import { errorText } from '@/utils/errors'

/** The entities that take custom fields: customers and every record type, with their i18n title. */
export const CUSTOM_FIELD_ENTITIES: readonly { name: string; titleKey: string }[] = [
  { name: 'customers', titleKey: 'nav.customers' },
  ...RECORD_TYPES.map((type) => ({ name: type.name, titleKey: type.titleKey })),
]

/** Lower snake_case, a letter first, at most 40 characters (the server's rule). */
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/

/** The custom fields of one entity at a time: list, add, change, remove. */
export function useCustomFields() {
  const metadata = useMetadataStore()
  const entity = ref(CUSTOM_FIELD_ENTITIES[0]!.name)
  const fields = shallowRef<CustomField[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      fields.value = (await customFieldsApi.list(entity.value)).items
    } catch (cause) {
      error.value = errorText(cause)
    } finally {
      loading.value = false
    }
  }
  /** After a change: the list again, and the entity's forms read their fields again. */
  async function changed(): Promise<void> {
    metadata.forget(entity.value)
    await load()
  }
  async function create(body: Omit<CustomFieldInput, 'entity'>): Promise<void> {
    await customFieldsApi.create({ ...body, entity: entity.value })
    await changed()
  }
  async function update(id: Id, body: CustomFieldPatch): Promise<void> {
    await customFieldsApi.update(id, body)
    await changed()
  }
  async function remove(id: Id): Promise<void> {
    await customFieldsApi.remove(id)
    await changed()
  }
  const nextPosition = computed(() =>
    fields.value.reduce((max, field) => Math.max(max, field.position + 1), 0),
  )

  return { entity, fields, loading, error, load, create, update, remove, nextPosition }
}
