// An opportunity's page state: the opportunity (a kit record), its customer's name, the stages of
// its pipeline, its timeline and stage history, and the writes (edit, move, won, lost) — each a
// PATCH with the version read, a 409 stale_version answered by reading it again.
import { computed, ref, shallowRef } from 'vue'
import { customersApi } from '@/api/customers'
import { labelOf, pipelineApi, type OpportunityTimelineItem, type StageStay } from '@/api/pipeline'
import { recordsApi } from '@/api/records'
import type { Id, KitRecord } from '@/api/types'
import { isApiError } from '@/utils/errors'

export interface Stage {
  id: Id
  name: string
  name_en: string | null
  position: number
  probability: number | null
  is_won: boolean
  is_lost: boolean
}

/** A write refused because someone changed the opportunity first (it is read again). */
export class StaleOpportunity extends Error {}

function stageOf(record: KitRecord): Stage {
  return {
    id: record.id,
    name: String(record.name ?? ''),
    name_en: typeof record.name_en === 'string' && record.name_en ? record.name_en : null,
    position: Number(record.position ?? 0),
    probability: typeof record.probability === 'number' ? record.probability : null,
    is_won: record.is_won === true,
    is_lost: record.is_lost === true,
  }
}

export function useOpportunity(id: () => Id) {
  const opportunity = shallowRef<KitRecord | null>(null)
  const customerName = ref<string | null>(null)
  const stages = shallowRef<Stage[]>([])
  const pipeline = shallowRef<{ name: string; name_en: string | null } | null>(null)
  const timeline = shallowRef<OpportunityTimelineItem[]>([])
  /** The cursor of the timeline's next page; null: all of it is shown. */
  const timelineCursor = ref<string | null>(null)
  const loadingMore = ref(false)
  const stageHistory = shallowRef<StageStay[]>([])
  const loading = ref(false)
  /** Why the opportunity could not be read (not_found: none the user may see). */
  const error = shallowRef<unknown>(null)

  const stage = computed(() => stages.value.find((s) => s.id === opportunity.value?.stage_id))
  /** The stages it may move to while open (the won and lost ones are their own actions). */
  const openStages = computed(() => stages.value.filter((s) => !s.is_won && !s.is_lost))
  const wonStage = computed(() => stages.value.find((s) => s.is_won))
  const lostStage = computed(() => stages.value.find((s) => s.is_lost))
  const isOpen = computed(() => opportunity.value?.status === 'open')

  function stageName(stageId: unknown, locale: string): string {
    const found = stages.value.find((s) => s.id === stageId)
    return found ? labelOf(found, locale) : stageId == null ? '' : `#${String(stageId)}`
  }
  /**
   * The name of what a reference field's value points to, as far as the page knows it (the
   * stages and pipeline of the opportunity, its customer); null: not a reference it names.
   */
  function refName(field: string, value: unknown, locale: string): string | null {
    if (value === null || value === undefined) return null
    if (field === 'stage_id') return stageName(value, locale)
    const current = opportunity.value
    if (field === 'customer_id' && value === current?.customer_id && customerName.value)
      return customerName.value
    if (field === 'pipeline_id' && value === current?.pipeline_id && pipeline.value)
      return labelOf(pipeline.value, locale)
    return null
  }

  async function loadStages(pipelineId: unknown): Promise<void> {
    if (pipelineId == null) return
    const page = await recordsApi.list('/pipeline_stages', {
      pipeline_id: String(pipelineId),
      sort: 'position',
      page_size: 200,
    })
    stages.value = page.items.map(stageOf).sort((a, b) => a.position - b.position)
    try {
      const found = await recordsApi.get('/pipelines', Number(pipelineId))
      pipeline.value = {
        name: String(found.name ?? ''),
        name_en: typeof found.name_en === 'string' && found.name_en ? found.name_en : null,
      }
    } catch {
      pipeline.value = null // (named by its number)
    }
  }
  async function loadCustomer(customerId: unknown): Promise<void> {
    if (typeof customerId !== 'number') return
    try {
      customerName.value = (await customersApi.get(customerId)).name
    } catch {
      customerName.value = null // (a customer the user may not open: the link says its number)
    }
  }
  /** The timeline and the stage history, read again after every write. */
  async function loadTracks(): Promise<void> {
    const [events, stays] = await Promise.all([
      pipelineApi.timeline(id()),
      pipelineApi.stageHistory(id()),
    ])
    timeline.value = events.items
    timelineCursor.value = events.next_cursor
    stageHistory.value = stays.items
  }
  /** The timeline's next page, after the entries shown. */
  async function loadMoreTimeline(): Promise<void> {
    const cursor = timelineCursor.value
    if (!cursor || loadingMore.value) return
    loadingMore.value = true
    try {
      const page = await pipelineApi.timeline(id(), cursor)
      timeline.value = [...timeline.value, ...page.items]
      timelineCursor.value = page.next_cursor
    } finally {
      loadingMore.value = false
    }
  }

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const record = await recordsApi.get('/opportunities', id())
      const customerChanged = record.customer_id !== opportunity.value?.customer_id
      const pipelineChanged = record.pipeline_id !== opportunity.value?.pipeline_id
      opportunity.value = record
      await Promise.all([
        customerChanged ? loadCustomer(record.customer_id) : null,
        pipelineChanged ? loadStages(record.pipeline_id) : null,
        loadTracks(),
      ])
    } catch (cause) {
      error.value = cause
    } finally {
      loading.value = false
    }
  }

  /** PATCHes `body` with the version read; a 409 stale_version reads it again and throws Stale. */
  async function update(body: Record<string, unknown>): Promise<void> {
    const current = opportunity.value
    if (!current) return
    try {
      await recordsApi.update('/opportunities', current.id, { ...body, version: current.version })
    } catch (cause) {
      if (isApiError(cause, 'stale_version')) {
        await load()
        throw new StaleOpportunity()
      }
      throw cause
    }
    await load()
  }
  const move = (stageId: Id) => update({ stage_id: stageId })
  async function markWon(): Promise<void> {
    if (wonStage.value) await update({ stage_id: wonStage.value.id })
  }
  async function markLost(reason: string): Promise<void> {
    if (lostStage.value) await update({ stage_id: lostStage.value.id, lost_reason: reason })
  }

  return {
    opportunity,
    customerName,
    stages,
    stage,
    openStages,
    wonStage,
    lostStage,
    isOpen,
    timeline,
    timelineCursor,
    loadingMore,
    loadMoreTimeline,
    stageHistory,
    loading,
    error,
    stageName,
    refName,
    load,
    loadTracks,
    update,
    move,
    markWon,
    markLost,
  }
}
