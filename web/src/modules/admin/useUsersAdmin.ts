import { usersApi, type UserInput } from '@/api/users'
import type { Id, ListParams, User } from '@/api/types'
import { useDepartments, useRoles } from '@/composables/useLookups'
import { useList } from '@/composables/useList'

/** The user list and the administrator's actions on users. */
export function useUsersAdmin() {
  const list = useList<User>((params: ListParams) => usersApi.list(params), {
    syncRoute: true,
    defaultSort: 'username',
  })
  const departments = useDepartments()
  const roles = useRoles()

  async function start(): Promise<void> {
    await Promise.all([departments.load(), roles.load()])
    await list.load()
  }

  async function save(id: Id | null, input: UserInput): Promise<User> {
    const user = id === null ? await usersApi.create(input) : await usersApi.update(id, input)
    await list.load()
    return user
  }

  async function setActive(user: User, active: boolean): Promise<void> {
    await usersApi.update(user.id, { active })
    await list.load()
  }

  const resetPassword = (user: User, password: string) => usersApi.update(user.id, { password })
  const handover = async (user: User, to: Id) => (await usersApi.handover(user.id, to)).transferred

  return { ...list, start, save, setActive, resetPassword, handover }
}
