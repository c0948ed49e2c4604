import { ref, shallowRef } from 'vue'
import { todoApi, type Todo, type TodoItem, type TodoSection } from '@/api/todo'

/** Items per section at first; "show all" asks for up to MORE of one section. */
export const FIRST = 5
export const MORE = 50

/**
 * The to-do page's state: the sections as the server sends them (in its order; a section the
 * server adds later shows with no code here), the one "show all" opened per section, and the
 * actions that change what is to do (an activity marked done; after a follow-up, a reload).
 */
export function useTodo() {
  const todo = shallowRef<Todo | null>(null)
  const loading = ref(false)
  const failed = ref(false)
  /** Sections shown whole (up to MORE). */
  const expanded = ref(new Set<string>())
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const first = await todoApi.get({ limit: FIRST })
      // Sections opened whole stay whole after a reload.
      const more = [...expanded.value].filter((key) =>
        first.sections.some((s) => s.key === key && s.count > s.items.length),
      )
      const whole = more.length ? await todoApi.get({ limit: MORE, sections: more }) : null
      if (mine !== generation) return
      todo.value = whole ? withSections(first, whole.sections) : first
      failed.value = false
    } catch {
      if (mine === generation) failed.value = true
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function showAll(key: string): Promise<void> {
    expanded.value = new Set([...expanded.value, key])
    const whole = await todoApi.get({ limit: MORE, sections: [key] })
    if (todo.value) todo.value = withSections(todo.value, whole.sections)
  }

  /** Marks an activity done and reads the page again (a call's follow-up may clear a contact). */
  async function complete(item: TodoItem): Promise<void> {
    await todoApi.completeActivity(item.id, item.version ?? 1)
    await load()
  }

  return { todo, loading, failed, expanded, load, showAll, complete }
}

function withSections(todo: Todo, replaced: TodoSection[]): Todo {
  return {
    ...todo,
    sections: todo.sections.map((s) => replaced.find((r) => r.key === s.key) ?? s),
  }
}
