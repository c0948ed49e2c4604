import { computed, ref } from 'vue'
import type { EntityMeta, FieldDef } from '@/api/types'
import { useMetadataStore } from '@/stores/metadata'
import { errorText } from '@/utils/errors'

/** The field definitions of an entity, loaded once per session from GET /meta/{entity}. */
export function useEntityMeta(entity: string) {
  const store = useMetadataStore()
  const error = ref<string | null>(null)
  const meta = computed<EntityMeta | undefined>(() => store.entities[entity])
  const fields = computed<FieldDef[]>(() => meta.value?.fields ?? [])
  const ready = computed(() => !!store.entities[entity])

  async function load(): Promise<void> {
    error.value = null
    try {
      await store.load(entity)
    } catch (cause) {
      error.value = errorText(cause)
    }
  }
  const field = (name: string) => fields.value.find((f) => f.name === name)

  return { meta, fields, ready, error, load, field }
}
