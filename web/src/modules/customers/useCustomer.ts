import { ref, shallowRef } from 'vue'
import { contactsApi, customersApi, followupsApi } from '@/api/customers'
import { poolApi } from '@/api/pool'
import type { Contact, Customer, Followup, Id, OwnershipChange } from '@/api/types'
import { errorText } from '@/utils/errors'

const itemsOf = <T>(answer: { items: T[] } | T[]): T[] =>
  Array.isArray(answer) ? answer : answer.items

/** One customer with its contact persons, follow-up timeline and ownership history. */
export function useCustomer(id: () => Id) {
  const customer = shallowRef<Customer | null>(null)
  const contacts = shallowRef<Contact[]>([])
  const followups = shallowRef<Followup[]>([])
  const history = shallowRef<OwnershipChange[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      customer.value = await customersApi.get(id())
    } catch (cause) {
      customer.value = null
      error.value = errorText(cause)
      return
    } finally {
      loading.value = false
    }
    await Promise.all([loadContacts(), loadFollowups(), loadHistory()])
  }

  // The related lists fail quietly on their own (e.g. follow-ups of a pool customer may be hidden).
  async function loadContacts(): Promise<void> {
    contacts.value = await contactsApi.list(id()).then(itemsOf, () => [])
  }
  async function loadFollowups(): Promise<void> {
    followups.value = await followupsApi.list(id(), { page_size: 100 }).then(itemsOf, () => [])
  }
  async function loadHistory(): Promise<void> {
    history.value = await customersApi.history(id()).then(itemsOf, () => [])
  }

  async function reloadCustomer(): Promise<void> {
    customer.value = await customersApi.get(id())
  }

  const remove = () => customersApi.remove(id())
  const release = (reason?: string) => poolApi.release(id(), reason)

  return {
    customer,
    contacts,
    followups,
    history,
    loading,
    error,
    load,
    loadContacts,
    loadFollowups,
    loadHistory,
    reloadCustomer,
    remove,
    release,
  }
}
