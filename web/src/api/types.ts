// Wire types of the Guanxi HTTP API (shared/API.md). Keys are snake_case as on the wire.

export type Id = number

export interface Timestamps {
  id: Id
  created_at: string
  updated_at: string
  version: number
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

/** Query parameters every list accepts; domain lists add their own filters. */
export interface ListParams {
  page?: number
  page_size?: number
  sort?: string
  q?: string
  [filter: string]: string | number | boolean | undefined | null
}

export type DataScope = 'self' | 'department' | 'department_tree' | 'all'

export interface Role extends Partial<Timestamps> {
  id: Id
  name: string
  data_scope: DataScope
  permissions: string[]
}

export interface User extends Partial<Timestamps> {
  id: Id
  username: string
  display_name: string
  email: string | null
  phone: string | null
  department_id: Id | null
  department_name?: string | null
  role_id: Id | null
  role_name?: string | null
  manager_id: Id | null
  manager_name?: string | null
  active: boolean
  /** The user's own choices (PATCH /me); null until made. */
  language?: 'zh-CN' | 'en' | null
  time_zone?: string | null
}

/** GET /me: the user with role and effective permissions. */
export interface Me extends User {
  role: Role | null
  permissions: string[]
}

export interface Department extends Partial<Timestamps> {
  id: Id
  name: string
  parent_id: Id | null
  /** Its active users (the server counts them). */
  user_count?: number
  deleted_at?: string | null
}

export type CustomerCategory =
  'core' | 'potential' | 'interested' | 'not_interested' | 'closed' | 'payment_due'

export interface Customer extends Timestamps {
  name: string
  category: CustomerCategory | null
  owner_id: Id | null
  owner_name?: string | null
  department_id: Id | null
  department_name?: string | null
  industry: string | null
  region: string | null
  source: string | null
  phone: string | null
  email: string | null
  address: string | null
  tags: string[]
  custom: Record<string, unknown> | null
  last_contact_at: string | null
  next_contact_at: string | null
  deleted_at?: string | null
  /** Only in the recycle bin: who deleted it (null: before this was recorded). */
  deleted_by?: number | null
  deleted_by_name?: string | null
  /** GET /customers/{id}: what the caller may do with it now (the server decides; never guessed). */
  actions?: CustomerAction[]
  [extra: string]: unknown
}

export type CustomerAction = 'edit' | 'delete' | 'transfer' | 'release' | 'claim' | 'add_followup'

export interface Contact extends Timestamps {
  customer_id?: Id
  name: string
  title: string | null
  phone: string | null
  email: string | null
  primary: boolean
  [extra: string]: unknown
}

export type FollowupKind = 'call' | 'visit' | 'meeting' | 'email' | 'sms' | 'other'

export interface Followup extends Timestamps {
  customer_id?: Id
  kind: FollowupKind
  content: string
  contacted_at: string
  next_contact_at: string | null
  user_id?: Id
  user_name?: string | null
  [extra: string]: unknown
}

export interface OwnershipChange {
  id: Id
  kind?: 'create' | 'transfer' | 'handover' | 'claim' | 'release' | 'recycle'
  at: string
  from_user_id: Id | null
  from_user_name: string | null
  to_user_id: Id | null
  to_user_name: string | null
  by_user_id: Id | null
  by_user_name: string | null
  reason: string | null
}

export interface DuplicateMatch {
  /**
   * false: a customer the caller may not see. Such a match says only that it exists and why: no
   * id, name or owner.
   */
  visible: boolean
  id?: Id
  name?: string
  owner_id?: Id | null
  owner_name?: string | null
  reason: 'phone' | 'email' | 'name'
  reasons?: Array<'phone' | 'email' | 'name'>
}

export interface AuditEntry {
  id: Id
  at: string
  user_id: Id | null
  user_name: string | null
  action: string
  entity: string
  entity_id: Id | null
  ip: string | null
  details: unknown
  /** What the log calls the record (a customer's or user's name), when it has one. */
  entity_name?: string | null
}

export type FieldType =
  | 'string'
  | 'text'
  | 'enum'
  | 'phone'
  | 'email'
  | 'user'
  /** A set of users: their ids (a kit `users` field, e.g. participants). */
  | 'users'
  /**
   * A set of records of another type: their ids (a kit `records` field, e.g. a solution's
   * product_ids), their names in the same order beside them (`name_member`, "product_names").
   */
  | 'records'
  | 'department'
  | 'tags'
  | 'datetime'
  | 'date'
  | 'integer'
  | 'money'
  | 'boolean'
  | 'object'
  | 'string_list'
  // Client-side types for forms the server describes no metadata for (administration).
  | 'role'
  | 'password'

/** One field definition, as GET /meta/{entity} returns it. */
export interface FieldDef {
  name: string
  type: FieldType
  required?: boolean
  max_length?: number
  options?: string[]
  label_key: string
  list?: boolean
  filter?: boolean
  sort?: boolean
  readonly?: boolean
  nullable?: boolean
  /** Searched by the list's `q` (record kit types). */
  search?: boolean
  /** The label per language, when the server declares it (record kit types): {"zh-CN","en"}. */
  label?: LocalizedText
  /** An administrator's custom field (/api/v1/custom-fields), named "custom.<key>". */
  custom?: boolean
  key?: string
  custom_type?: CustomFieldType
  /**
   * The member a record answers this field's name in, beside its id ("stage_id" → "stage_name";
   * user fields too: "owner_name").
   */
  name_member?: string
  /** Where its English name is answered, for a record that has one ("stage_name_en"). */
  name_member_en?: string
  /**
   * A field naming a record of another type: that type's name (a kit type, or "customers"), for
   * its metadata and permissions.
   */
  record_type?: string
  /**
   * Where a picker lists that type's records: a path pattern ("/api/v1/pipeline-stages", or
   * "/api/v1/customers/{id}/contacts", `{id}` the customer of the record being edited).
   */
  collection?: string
  /** The table the field's id refers to, as the server declares it. */
  references?: string
}

/** The field types a custom field may have (the record kit's). */
export type CustomFieldType =
  | 'text'
  | 'long_text'
  | 'integer'
  | 'money'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'choice'
  | 'multi_choice'
  | 'tags'

/** GET /api/v1/custom-fields: one definition. Its key never changes; labels may. */
export interface CustomField extends Timestamps {
  entity: string
  key: string
  type: CustomFieldType
  label: { 'zh-CN': string; en: string }
  required: boolean
  choices: string[]
  indexed: boolean
  position: number
}

/** A text per language code ("zh-CN", "en"). */
export type LocalizedText = Partial<Record<string, string>>

/** Who sees a kit type's records: those who see its customer, by owner and scope, or by permission alone. */
export type RecordVisibility = 'through_customer' | 'own_scope' | 'admin_only'

export interface EntityMeta {
  entity: string
  /** The type's own name per language (record kit types). */
  label?: LocalizedText
  fields: FieldDef[]
  /**
   * Record kit types: where their records live, a path pattern with `{id}` for the customer when
   * they belong to one ("/api/v1/customers/{id}/mailings", "/api/v1/departments").
   */
  collection?: string
  /** Record kit types: how visibility is decided; `through_customer`: they live under a customer. */
  visibility?: RecordVisibility
  /**
   * A type under a customer also listed across customers (every customer whose records the user
   * may read; each row with `customer_name`): that list's path ("/api/v1/contracts"); else null.
   */
  across?: string | null
}

/**
 * A record of a kit type (ADR 0006): the common columns, then the type's own fields by name;
 * `customer_id` when the type belongs to a customer.
 */
export interface KitRecord extends Timestamps {
  customer_id?: Id
  created_by?: Id | null
  deleted_at?: string | null
  [field: string]: unknown
}

/** One field a write changed: its values as the record answered them before and after. */
export interface RecordChange {
  before: unknown
  after: unknown
  /**
   * An id field's user or record, by name (and by its English name, when it has one); a set of
   * records' names, in the order of its ids.
   */
  before_name?: string | string[] | null
  after_name?: string | string[] | null
  before_name_en?: string | null
  after_name_en?: string | null
}

/** One entry of a kit record's history (GET .../{record_id}/history), newest first. */
export interface RecordHistoryEntry {
  id: Id
  at: string
  user_id: Id | null
  user_name: string | null
  action: 'create' | 'update' | 'delete' | 'restore'
  changes: Record<string, RecordChange>
}

export type ExportFormat = 'csv' | 'xlsx'

export type ImportDuplicates = 'skip' | 'create' | 'update'

/** A customer import (POST /customers/import, GET /customers/imports/{id}). */
export interface CustomerImport {
  id: Id
  job_id: Id | null
  created_by: Id
  filename: string
  format: 'csv' | 'xlsx'
  bytes: number
  duplicates: ImportDuplicates
  dry_run: boolean
  status: 'queued' | 'running' | 'done' | 'failed'
  rows_read: number
  created: number
  updated: number
  skipped: number
  failed: number
  percent: number
  columns: { fields?: (string | null)[]; ignored?: string[]; header?: string[] }
  error: string | null
  /** A failure's field message key and parameters (fieldErrors.<code>), when it has one. */
  error_code?: string | null
  error_params?: Record<string, unknown> | null
  error_report: string | null
  created_at: string
  updated_at: string
  finished_at: string | null
}
