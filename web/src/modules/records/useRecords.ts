import { computed, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { collectionOf, recordsApi, underCustomer } from '@/api/records'
import type { ExportFormat, FieldDef, Id, KitRecord } from '@/api/types'
import { bodyFrom } from '@/components/meta/customValues'
import { useFieldText } from '@/components/meta/fieldText'
import { useEntityMeta } from '@/composables/useEntityMeta'
import { useFormSubmit } from '@/composables/useFormSubmit'
import { useList } from '@/composables/useList'
import { useSessionStore } from '@/stores/session'
import { saveBlob } from '@/utils/download'
import type { SaveOverride } from './hooks'
import type { RecordTypeView } from './types'

export type RecordAction = 'view' | 'create' | 'edit' | 'delete' | 'export'

/**
 * The records of one kit type — of one customer when the type belongs to customers, else all the
 * user may see —: the list and its recycle bin, the shared create/edit form, delete and restore,
 * and what the signed-in user may do. Everything about the fields and where the records live
 * comes from the type's metadata; `customerId` is ignored for a type not under a customer.
 * `fixed` narrows everything to the records with those values (e.g. `{ opportunity_id: 42 }`):
 * the list, the recycle bin and the export ask only for them, and a new record is made with them.
 */
export function useRecords(
  type: RecordTypeView,
  customerId: () => Id | null | undefined,
  fixed: Readonly<Record<string, Id>> = {},
) {
  const { t, te, locale } = useI18n()
  const session = useSessionStore()
  const meta = useEntityMeta(type.name)
  const { label } = useFieldText(type.name)

  /**
   * The records' collection path (collectionOf), once the metadata is here; null before, or when
   * a type under a customer has none.
   */
  const at = computed<string | null>(() => {
    const known = meta.meta.value
    if (!known) return null
    try {
      return collectionOf(known, customerId())
    } catch {
      return null
    }
  })
  /** The path for a call; start() loads the metadata before anything calls the server. */
  function path(): string {
    const known = meta.meta.value
    if (!known) throw new Error(`the metadata of ${type.name} is not loaded`)
    return collectionOf(known, customerId())
  }
  /**
   * Listing a type under a customer across customers (no customer given, the server's
   * meta.across): rows then carry their customer's name, and nothing is made here (a new record
   * needs its customer).
   */
  const across = computed(
    () => !!meta.meta.value && underCustomer(meta.meta.value) && customerId() == null,
  )
  /** Where one record lives: under its own customer (a row of a list across customers), else path(). */
  function rowAt(row: KitRecord): string {
    const known = meta.meta.value
    if (!known || !underCustomer(known)) return path()
    const customer = (row as Record<string, unknown>).customer_id
    return collectionOf(known, typeof customer === 'number' ? customer : customerId())
  }

  const can = (action: RecordAction) => session.can(`${type.name}.${action}`)
  const canCreate = computed(() => can('create') && !across.value)
  const canEdit = computed(() => can('edit'))
  const canDelete = computed(() => can('delete'))
  const canExport = computed(() => can('export') && !across.value)

  /** The type's name in the current language (metadata), e.g. "邮寄记录" / "Mailing". */
  const typeLabel = computed(() => {
    const own = meta.meta.value?.label?.[locale.value]
    if (own) return own
    return te(type.titleKey) ? t(type.titleKey) : type.name
  })
  const searchable = computed(() => meta.fields.value.some((f) => f.search))

  /** The fixed values as list filters (query values are strings). */
  const fixedFilters = Object.fromEntries(
    Object.entries(fixed).map(([name, value]) => [name, String(value)]),
  )

  const pageSize = type.pageSize ?? 10
  /** The last list page as the server sent it: items and whatever the type adds (summaryOf). */
  const lastPage = ref<Record<string, unknown>>({})
  const list = useList<KitRecord>(
    async (params) => {
      const page = await recordsApi.list(path(), params)
      lastPage.value = page as unknown as Record<string, unknown>
      return page
    },
    {
      defaultSort: type.defaultSort,
      defaultPageSize: pageSize,
      fixed: fixedFilters,
    },
  )
  const summary = computed(() => type.summaryOf?.(lastPage.value, locale.value) ?? null)
  const bin = useList<KitRecord>((params) => recordsApi.list(path(), params), {
    defaultSort: type.defaultSort,
    defaultPageSize: pageSize,
    fixed: { ...fixedFilters, deleted: 'true' },
  })
  /** Showing the recycle bin instead of the list. */
  const inBin = ref(false)

  async function start(): Promise<void> {
    await meta.load()
    if (meta.ready.value) await list.load()
  }
  /** Loads what is shown again (the customer changed); nothing before start() has the metadata. */
  async function reload(): Promise<void> {
    if (meta.ready.value) await (inBin.value ? bin.load() : list.load())
  }
  async function showBin(on: boolean): Promise<void> {
    inBin.value = on && canDelete.value
    await (inBin.value ? bin.load() : list.load())
  }

  // The form, shared by create and edit.
  const formOpen = ref(false)
  const editing = shallowRef<KitRecord | null>(null)
  const model = ref<Record<string, unknown>>({})
  const form = useFormSubmit()
  const { saving, failure, fieldErrors } = form
  const override = shallowRef<SaveOverride | null>(null)

  const editable = computed(() =>
    meta.fields.value.filter((f) => !f.readonly && f.type !== 'object'),
  )

  function resetForm(): void {
    form.reset()
    override.value = null
  }
  function openCreate(): void {
    editing.value = null
    model.value = { ...fixed }
    resetForm()
    formOpen.value = true
  }
  function openEdit(row: KitRecord): void {
    editing.value = row
    model.value = { ...row }
    resetForm()
    formOpen.value = true
  }
  /** A field changed: an earlier warning about the old values no longer applies. */
  function fieldChanged(name: string): void {
    override.value = null
    form.clearField(name)
  }

  /** The body: a new record's filled fields; for an edit only what changed, with `version`. */
  function body(): Record<string, unknown> {
    const before = editing.value
    const result = bodyFrom(
      editable.value.map((field) => field.name),
      model.value,
      before,
    )
    if (before) result.version = before.version
    // A new record always carries the fixed values (the form does not show them).
    else Object.assign(result, fixed)
    return result
  }

  /** Saves the form; `extra` goes beside the fields (an override's `allow_duplicate`). */
  async function save(extra: Record<string, unknown> = {}): Promise<boolean> {
    override.value = null
    const before = editing.value
    const saved = await form.run(
      () =>
        before
          ? recordsApi.update(rowAt(before), before.id, body(), extra)
          : recordsApi.create(path(), body(), extra),
      {
        handle: (error) => {
          override.value = type.overrideOf?.(error) ?? null
          return override.value !== null
        },
        fieldMessages: localFieldErrors,
      },
    )
    if (!saved) return false
    formOpen.value = false
    await list.load()
    return true
  }
  /** Resends the form as the override says (e.g. "record anyway"). */
  function saveAnyway(): Promise<boolean> {
    const chosen = override.value
    return chosen ? save(chosen.extra) : Promise.resolve(false)
  }

  /** The server's field messages, in the person's language where we know the message. */
  function localFieldErrors(errors: Record<string, string>) {
    const byName = new Map(meta.fields.value.map((f) => [f.name, f]))
    const result: Record<string, string> = {}
    for (const [name, message] of Object.entries(errors)) {
      const field = byName.get(name)
      result[name] = field ? fieldMessage(field, message) : message
    }
    return result
  }
  function fieldMessage(field: FieldDef, message: string): string {
    if (message === 'is required' || message === 'must not be empty')
      return t('errors.required', { field: label(field) })
    const longest = /^must be at most (\d+) characters$/.exec(message)
    if (longest) return t('errors.maxLength', { field: label(field), n: Number(longest[1]) })
    const before = /^must not be before (\w+)$/.exec(message)
    const other = before && meta.field(before[1]!)
    if (other) return t('records.notBefore', { field: label(field), other: label(other) })
    return message
  }

  /** Makes a record from a file (a type with `upload`); the caller shows an error. */
  const uploading = ref(false)
  async function upload(file: File): Promise<void> {
    uploading.value = true
    try {
      await recordsApi.upload(path(), file)
      await list.load()
    } finally {
      uploading.value = false
    }
  }

  /** Moves a record to the recycle bin; the caller offers the undo. */
  async function remove(row: KitRecord): Promise<void> {
    await recordsApi.remove(rowAt(row), row.id)
    await list.load()
  }
  async function restore(row: KitRecord): Promise<void> {
    await recordsApi.restore(rowAt(row), row.id)
    await (inBin.value ? bin.load() : list.load())
  }

  /**
   * Downloads what the shown list (or the recycle bin) selects — its search, filters and sort, all
   * pages — as CSV or XLSX, the header in the current language. Errors are the caller's to show.
   */
  const exporting = ref(false)
  async function exportList(format: ExportFormat): Promise<void> {
    exporting.value = true
    try {
      const shown = inBin.value ? bin : list
      const blob = await recordsApi.export(path(), shown.params.value, format, locale.value)
      // A customer's records are named after the customer's id, the rest after the type alone.
      const customer = meta.meta.value && underCustomer(meta.meta.value) ? customerId() : null
      saveBlob(blob, `${typeLabel.value}${customer == null ? '' : `-${customer}`}.${format}`)
    } finally {
      exporting.value = false
    }
  }

  /** The record whose history is shown; null: none. */
  const historyOf = shallowRef<KitRecord | null>(null)

  return {
    meta,
    at,
    across,
    rowAt,
    typeLabel,
    searchable,
    can,
    canCreate,
    canEdit,
    canDelete,
    canExport,
    list,
    summary,
    bin,
    inBin,
    start,
    reload,
    showBin,
    formOpen,
    editing,
    model,
    form,
    saving,
    failure,
    fieldErrors,
    override,
    openCreate,
    openEdit,
    fieldChanged,
    save,
    saveAnyway,
    uploading,
    upload,
    remove,
    restore,
    exporting,
    exportList,
    historyOf,
  }
}
