import type { FieldDef } from '@/api/types'

// Administration entities have no server metadata; these definitions feed the same generic
// list and form components the customers use.

export const ROLE_FIELDS: FieldDef[] = [
  {
    name: 'name',
    type: 'string',
    required: true,
    max_length: 100,
    label_key: 'admin.roles.name',
    list: true,
  },
  {
    name: 'data_scope',
    type: 'enum',
    required: true,
    options: ['self', 'department', 'department_tree', 'all'],
    label_key: 'admin.roles.dataScope',
    list: true,
  },
]

export const USER_FIELDS: FieldDef[] = [
  {
    name: 'username',
    type: 'string',
    required: true,
    max_length: 64,
    label_key: 'admin.users.fields.username',
    list: true,
    sort: true,
  },
  {
    name: 'display_name',
    type: 'string',
    required: true,
    max_length: 100,
    label_key: 'admin.users.fields.display_name',
    list: true,
    sort: true,
  },
  {
    name: 'department_id',
    type: 'department',
    label_key: 'admin.users.fields.department_id',
    list: true,
    filter: true,
  },
  { name: 'role_id', type: 'role', label_key: 'admin.users.fields.role_id', list: true },
  { name: 'manager_id', type: 'user', label_key: 'admin.users.fields.manager_id', list: false },
  {
    name: 'phone',
    type: 'phone',
    max_length: 32,
    label_key: 'admin.users.fields.phone',
    list: true,
  },
  {
    name: 'email',
    type: 'email',
    max_length: 200,
    label_key: 'admin.users.fields.email',
    list: false,
  },
  {
    name: 'active',
    type: 'boolean',
    label_key: 'admin.users.fields.active',
    list: true,
    filter: true,
  },
]

export const NEW_USER_PASSWORD: FieldDef = {
  name: 'password',
  type: 'password',
  required: true,
  label_key: 'admin.users.fields.password',
}
