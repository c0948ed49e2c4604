import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { metaApi } from '@/api/meta'
import type { EntityMeta } from '@/api/types'

/** Field definitions per entity, from GET /meta/{entity}; fetched once per session. */
export const useMetadataStore = defineStore('metadata', () => {
  const entities = shallowRef<Record<string, EntityMeta>>({})
  const pending = new Map<string, Promise<EntityMeta>>()

  function load(entity: string): Promise<EntityMeta> {
    const known = entities.value[entity]
    if (known) return Promise.resolve(known)
    let promise = pending.get(entity)
    if (!promise) {
      promise = metaApi
        .get(entity)
        .then((meta) => {
          entities.value = { ...entities.value, [entity]: meta }
          return meta
        })
        .finally(() => pending.delete(entity))
      pending.set(entity, promise)
    }
    return promise
  }

  function reset(): void {
    entities.value = {}
  }

  /** Reads an entity's fields again on next use (its custom fields changed). */
  function forget(entity: string): void {
    const { [entity]: _gone, ...rest } = entities.value
    entities.value = rest
  }

  return { entities, load, reset, forget }
})
