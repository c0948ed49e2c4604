import { defineStore } from 'pinia'
import { ref } from 'vue'
import { settingsApi } from '@/api/settings'

/** Per-user settings kept on the server (GET/PUT /me/settings), such as remembered list columns. */
export const useSettingsStore = defineStore('settings', () => {
  const values = ref<Record<string, unknown>>({})
  const loaded = ref(false)
  let loading: Promise<void> | null = null

  function load(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    loading ??= settingsApi
      .all()
      .then((answer) => {
        values.value = answer ?? {}
      })
      .catch(() => {
        // Settings are a convenience: without them the defaults apply.
        values.value = {}
      })
      .finally(() => {
        loaded.value = true
        loading = null
      })
    return loading
  }

  function get<T>(key: string, fallback: T): T {
    return key in values.value ? (values.value[key] as T) : fallback
  }

  async function set(key: string, value: unknown): Promise<void> {
    values.value = { ...values.value, [key]: value }
    await settingsApi.put(key, value)
  }

  function reset(): void {
    values.value = {}
    loaded.value = false
  }

  return { values, loaded, load, get, set, reset }
})
