import type { App } from 'vue'
import { installFirstElement } from './elementFirst'

// The login page needs a handful of Element Plus components; the signed-in pages need the rest,
// most of Element Plus's weight. The first are installed at start, the others are fetched (and
// registered on the same app) by elementReady(), which the router awaits before it opens a page
// that needs a session — and which the login starts early, while the password is checked.
let target: App | null = null
let rest: Promise<void> | null = null

export function installElementLazily(app: App): void {
  installFirstElement(app)
  target = app
  rest = null
}

/** Resolves once every component is registered (at once when the app was installed otherwise). */
export function elementReady(): Promise<void> {
  const app = target
  if (!app) return Promise.resolve()
  rest ??= import('./elementRest').then(
    ({ installRestElement }) => installRestElement(app),
    (error) => {
      rest = null // a failed download is tried again on the next navigation
      throw error
    },
  )
  return rest
}
