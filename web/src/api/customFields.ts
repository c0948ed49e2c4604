import { request } from './client'
import type { CustomField, CustomFieldType, Id } from './types'

/** What a create sends; key, type, entity and indexed never change afterwards. */
export interface CustomFieldInput {
  entity: string
  key: string
  type: CustomFieldType
  label: { 'zh-CN': string; en: string }
  required?: boolean
  choices?: string[]
  indexed?: boolean
  position?: number
}

/** What a patch may change. */
export type CustomFieldPatch = Partial<
  Pick<CustomFieldInput, 'label' | 'required' | 'choices' | 'position'>
> & { version?: number }

export const customFieldsApi = {
  list: (entity?: string) =>
    request<{ items: CustomField[] }>('/custom-fields', { params: entity ? { entity } : {} }),
  create: (body: CustomFieldInput) =>
    request<CustomField>('/custom-fields', { method: 'POST', body }),
  update: (id: Id, body: CustomFieldPatch) =>
    request<CustomField>(`/custom-fields/${id}`, { method: 'PATCH', body }),
  remove: (id: Id) => request<void>(`/custom-fields/${id}`, { method: 'DELETE' }),
}
