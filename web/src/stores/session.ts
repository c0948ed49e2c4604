import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi } from '@/api/auth'
import { ApiError, setToken } from '@/api/client'
import type { Me } from '@/api/types'
import { useSettingsStore } from './settings'

/** Who is signed in, and what they may do. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<Me | null>(null)
  /** Set once we asked the server whether a session cookie is valid. */
  const checked = ref(false)

  const permissions = computed(
    () => new Set(user.value?.permissions ?? user.value?.role?.permissions ?? []),
  )
  const isLoggedIn = computed(() => user.value !== null)

  function can(permission: string | string[] | undefined): boolean {
    if (!permission) return true
    const wanted = Array.isArray(permission) ? permission : [permission]
    return wanted.some((p) => permissions.value.has(p))
  }

  async function login(username: string, password: string): Promise<void> {
    const answer = await authApi.login(username, password)
    setToken(answer.token)
    // Every signed-in page reads the user's settings: asked for beside /me rather than after it,
    // and at hand when signed in (the first page's rows are asked for in the remembered order).
    const settings = useSettingsStore().load()
    user.value = await authApi.me()
    await settings
    checked.value = true
  }

  /** Loads the current user from the session cookie; false when there is none. */
  async function restore(): Promise<boolean> {
    if (checked.value) return isLoggedIn.value
    try {
      user.value = await authApi.me()
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error
      user.value = null
    } finally {
      checked.value = true
    }
    return isLoggedIn.value
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } finally {
      forget()
    }
  }

  /** Drops the session locally (after logout or when the server says it expired). */
  function forget(): void {
    setToken(null)
    user.value = null
    checked.value = true
  }

  return { user, checked, permissions, isLoggedIn, can, login, restore, logout, forget }
})
