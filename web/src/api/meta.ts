import { request } from './client'
import type { EntityMeta } from './types'

export const metaApi = {
  get: (entity: string) => request<EntityMeta>(`/meta/${encodeURIComponent(entity)}`),
}
