import { ref, type Ref } from 'vue'
import { errorText } from '@/utils/errors'

/**
 * The options of a remote select (el-select `remote`): `search(query)` asks the server, and only
 * the newest answer counts — an older one arriving late is dropped, so typing fast never shows the
 * options of an earlier query. A failure empties the options and says why (shown as the select's
 * "no data" text).
 */
export function useRemoteSearch<T>(fetch: (query: string) => Promise<T[]>) {
  const options = ref([]) as Ref<T[]>
  const loading = ref(false)
  const failure = ref('')
  let sequence = 0

  async function search(query: string): Promise<void> {
    const mine = ++sequence
    loading.value = true
    failure.value = ''
    try {
      const found = await fetch(query)
      if (mine !== sequence) return
      options.value = found
    } catch (error) {
      if (mine !== sequence) return
      options.value = []
      failure.value = errorText(error)
    } finally {
      if (mine === sequence) loading.value = false
    }
  }

  return { options, loading, failure, search }
}
