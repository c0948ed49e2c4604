import { computed, onScopeDispose, reactive, ref, shallowRef, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { customFieldsApi } from '@/api/customFields'
import { recordsApi } from '@/api/records'
import {
  TEMPLATES,
  templatesApi,
  type Template,
  type TemplateChannel,
  type TemplatePreview,
} from '@/api/templates'
import type { CustomField, Id } from '@/api/types'
import { bodyFrom } from '@/components/meta/customValues'
import { useFormSubmit } from '@/composables/useFormSubmit'
import { useSessionStore } from '@/stores/session'
import { errorText, isApiError } from '@/utils/errors'
import { countSms } from './smsSegments'

/** The most characters an SMS template's body may have (the server refuses more: too_long). */
export const SMS_BODY_MAX = 500
/** How long typing must pause before the preview is asked for again. */
export const PREVIEW_DELAY_MS = 400

/** The variables every template may use, besides the customer's custom fields (customer.custom.<key>). */
export const BUILTIN_VARIABLES = [
  'customer.name',
  'customer.industry',
  'customer.region',
  'customer.phone',
  'customer.email',
  'customer.address',
  'contact.name',
  'contact.phone',
  'contact.email',
  'owner.display_name',
  'owner.phone',
  'owner.email',
] as const

/** What the editor edits: a template's own fields, as the boxes hold them. */
export interface TemplateDraft {
  name: string
  channel: TemplateChannel
  subject: string
  body: string
  signature: string
  approved: boolean
  gateway_template_code: string
}

/** The fields a template of each channel has (the others are neither shown nor sent). */
const FIELDS: Record<TemplateChannel, (keyof TemplateDraft)[]> = {
  sms: ['name', 'channel', 'body', 'signature', 'approved', 'gateway_template_code'],
  email: ['name', 'channel', 'subject', 'body'],
}

function emptyDraft(): TemplateDraft {
  return {
    name: '',
    channel: 'sms',
    subject: '',
    body: '',
    signature: '',
    approved: false,
    gateway_template_code: '',
  }
}
function draftOf(template: Template): TemplateDraft {
  return {
    name: template.name ?? '',
    channel: template.channel === 'email' ? 'email' : 'sms',
    subject: template.subject ?? '',
    body: template.body ?? '',
    signature: template.signature ?? '',
    approved: template.approved === true,
    gateway_template_code: template.gateway_template_code ?? '',
  }
}

/**
 * The signature as the server keeps it: without the brackets typed around it (【关系科技】,
 * [关系科技]).
 */
export function bareSignature(signature: string): string {
  return signature
    .trim()
    .replace(/^【/, '')
    .replace(/^\[/, '')
    .replace(/】$/, '')
    .replace(/\]$/, '')
    .trim()
}

/** An SMS template's text as counted before it is rendered: 【signature】 and the body. */
export function smsText(signature: string, body: string): string {
  const bare = bareSignature(signature)
  return bare ? `【${bare}】${body}` : body
}

/** How a variable is written in a template. */
export const variableToken = (name: string) => `{{${name}}}`

/**
 * One message template in the editor (/templates/:id, /templates/new): the template and its draft,
 * the live SMS count of the draft (as the server counts it), the variables to insert (the built-in
 * ones and the customer's custom fields), the save (create, or a patch with the version read), and
 * the preview of the draft for a chosen customer, asked for again as the person types (a template
 * is previewed once it is saved).
 */
export function useTemplateEditor(id: () => Id | null) {
  const { t, locale } = useI18n()
  const session = useSessionStore()
  const record = shallowRef<Template | null>(null)
  const draft = reactive<TemplateDraft>(emptyDraft())
  const loading = ref(false)
  const loadFailure = ref('')
  const notFound = ref(false)
  const form = useFormSubmit()
  const customFields = ref<CustomField[]>([])

  const isNew = computed(() => id() == null)
  const canEdit = computed(() => session.can(isNew.value ? 'templates.create' : 'templates.edit'))
  const isSms = computed(() => draft.channel === 'sms')

  /** The SMS as counted now: 【signature】 and the body, variables as written. */
  const count = computed(() => countSms(smsText(draft.signature, draft.body)))
  /** How many characters the SMS body has over its limit (0: none). */
  const bodyOver = computed(() =>
    isSms.value ? Math.max(0, [...draft.body].length - SMS_BODY_MAX) : 0,
  )

  /** The body to send: a new template's filled fields, else what changed and the version read. */
  function body(): Record<string, unknown> {
    const before = record.value
    const names = FIELDS[draft.channel]
    const values = { ...draft } as Record<string, unknown>
    if (!before) return bodyFrom(names, values)
    const changed = bodyFrom(names, values, draftOf(before) as unknown as Record<string, unknown>)
    return Object.keys(changed).length ? { ...changed, version: before.version } : {}
  }
  const dirty = computed(() => Object.keys(body()).length > 0)
  /** Saving drops the gateway's approval: the body or the signature of an approved SMS changed. */
  const approvalLost = computed(() => {
    const before = record.value
    if (!before || !before.approved || !isSms.value) return false
    const stored = draftOf(before)
    return (
      stored.body !== draft.body ||
      bareSignature(stored.signature) !== bareSignature(draft.signature)
    )
  })

  // A field changed: the last save's complaint about it no longer applies.
  for (const name of Object.keys(draft) as (keyof TemplateDraft)[]) {
    watch(
      () => draft[name],
      () => form.clearField(name),
    )
  }

  function take(template: Template): void {
    record.value = template
    Object.assign(draft, draftOf(template))
    form.reset()
  }

  async function loadCustomFields(): Promise<void> {
    try {
      customFields.value = (await customFieldsApi.list('customers')).items
    } catch {
      // The built-in variables are still offered.
    }
  }

  async function load(): Promise<void> {
    loadFailure.value = ''
    notFound.value = false
    const current = id()
    void loadCustomFields()
    if (current == null) {
      record.value = null
      Object.assign(draft, emptyDraft())
      form.reset()
      return
    }
    loading.value = true
    try {
      take((await recordsApi.get(TEMPLATES, current)) as Template)
    } catch (error) {
      if (isApiError(error, 'not_found')) notFound.value = true
      else loadFailure.value = errorText(error)
    } finally {
      loading.value = false
    }
  }

  /** The variables to insert: the built-in ones, then the customer's custom fields. */
  const variables = computed(() => [
    ...BUILTIN_VARIABLES.map((name) => ({
      name,
      group: name.split('.')[0] as 'customer' | 'contact' | 'owner',
      label: t(`templates.vars.${name}`),
    })),
    ...customFields.value.map((field) => ({
      name: `customer.custom.${field.key}`,
      group: 'custom' as const,
      label: field.label[locale.value as 'zh-CN' | 'en'] || field.label['zh-CN'] || field.key,
    })),
  ])

  /**
   * Saves the draft: a new template is created, an existing one patched with the version read.
   * Answers the saved template; 'stale' when someone else saved it first (it is read again);
   * null when refused (the messages are in `form`).
   */
  async function save(): Promise<Template | 'stale' | null> {
    const before = record.value
    const input = body()
    if (before && !Object.keys(input).length) return before
    let refused: unknown = null
    let saved = null as Template | null
    const ok = await form.run(
      async () => {
        saved = (
          before
            ? await recordsApi.update(TEMPLATES, before.id, input)
            : await recordsApi.create(TEMPLATES, input)
        ) as Template
      },
      {
        handle: (error) => {
          refused = error
          return isApiError(error, 'stale_version')
        },
      },
    )
    if (isApiError(refused, 'stale_version')) {
      await load()
      return 'stale'
    }
    if (!ok || !saved) return null
    take(saved)
    return saved
  }

  // The preview: of the stored template with the draft's text, for a customer (and a contact).
  const previewCustomer = ref<Id | null>(null)
  const previewContact = ref<Id | null>(null)
  const preview = shallowRef<TemplatePreview | null>(null)
  const previewing = ref(false)
  const previewFailure = ref('')
  /** The preview's complaints by field (unknown_variable by body or subject). */
  const previewErrors = ref<Record<string, string>>({})
  let timer: ReturnType<typeof setTimeout> | undefined
  let asked = 0
  let inFlight: AbortController | null = null

  function clearPreview(): void {
    preview.value = null
    previewFailure.value = ''
    previewErrors.value = {}
    previewing.value = false
  }
  async function runPreview(): Promise<void> {
    const template = id()
    const customer = previewCustomer.value
    if (template == null || customer == null) return
    const mine = ++asked
    inFlight?.abort()
    const controller = new AbortController()
    inFlight = controller
    previewing.value = true
    try {
      const answer = await templatesApi.preview(
        template,
        {
          customer_id: customer,
          ...(previewContact.value != null ? { contact_id: previewContact.value } : {}),
          body: draft.body,
          ...(isSms.value ? { signature: draft.signature } : { subject: draft.subject }),
        },
        controller.signal,
      )
      if (mine !== asked) return
      preview.value = answer
      previewFailure.value = ''
      previewErrors.value = {}
    } catch (error) {
      if (mine !== asked) return
      preview.value = null
      if (isApiError(error, 'validation_failed')) {
        const errors = error.fieldErrors
        // (a contact that is not this customer's: said as for a customer one may not see)
        const { contact_id: contact, ...byField } = errors
        previewErrors.value = byField
        previewFailure.value = contact
          ? t('templates.previewNotVisible')
          : (Object.values(byField)[0] ?? errorText(error))
      } else {
        previewErrors.value = {}
        previewFailure.value = isApiError(error, 'not_found')
          ? t('templates.previewNotVisible')
          : errorText(error)
      }
    } finally {
      if (mine === asked) {
        previewing.value = false
        inFlight = null
      }
    }
  }
  /** Asks for the preview again once typing pauses (at once when `now`). */
  function schedulePreview(now = false): void {
    clearTimeout(timer)
    if (id() == null || previewCustomer.value == null) {
      asked++
      inFlight?.abort()
      clearPreview()
      return
    }
    timer = setTimeout(() => void runPreview(), now ? 0 : PREVIEW_DELAY_MS)
  }
  watch(
    () => [draft.body, draft.subject, draft.signature, draft.channel],
    () => schedulePreview(),
  )
  watch([previewCustomer, previewContact, id], () => schedulePreview(true))
  // Another customer: its contacts, not the last one's.
  watch(previewCustomer, () => (previewContact.value = null))
  onScopeDispose(() => {
    clearTimeout(timer)
    inFlight?.abort()
  })

  return {
    record,
    draft,
    loading,
    loadFailure,
    notFound,
    form,
    isNew,
    canEdit,
    isSms,
    count,
    bodyOver,
    dirty,
    approvalLost,
    variables,
    load,
    save,
    previewCustomer,
    previewContact,
    preview,
    previewing,
    previewFailure,
    previewErrors,
  }
}
