// Users' names by id, for values that carry ids alone (a users-set field such as an activity's
// participants: the server answers [3, 5]). One copy per page load: the first unknown id loads
// the first 500 users in one request (a small company's all), later unknown ones one by one.
import { reactive } from 'vue'
import { usersApi } from '@/api/users'
import type { Id, User } from '@/api/types'

const names = reactive(new Map<Id, string>())
const asked = new Set<Id>()
let firstPage: Promise<void> | null = null

/** Remembers the names of users a list or a search already brought. */
export function rememberUsers(users: Pick<User, 'id' | 'username' | 'display_name'>[]): void {
  for (const user of users) names.set(user.id, user.display_name || user.username)
}

/** Whether a user's name is known already. */
export const knowsUser = (id: Id) => names.has(id)

/** A user's name, or `#<id>` until it is known (then the caller re-renders: the map is reactive). */
export function userName(id: Id): string {
  const known = names.get(id)
  if (known !== undefined) return known
  void loadUserNames([id])
  return `#${id}`
}

/** Loads the names of `ids` not known yet; a user that can't be read stays `#<id>`. */
export async function loadUserNames(ids: Id[]): Promise<void> {
  if (!ids.some((id) => !names.has(id))) return
  firstPage ??= usersApi
    .list({ page_size: 500, sort: 'display_name' })
    .then((page) => rememberUsers(page.items))
    .catch(() => undefined)
  await firstPage
  const missing = ids.filter((id) => !names.has(id) && !asked.has(id))
  for (const id of missing) asked.add(id)
  await Promise.all(
    missing.map((id) =>
      usersApi
        .get(id)
        .then((user) => rememberUsers([user]))
        .catch(() => undefined),
    ),
  )
}
