import type { App } from 'vue'
import { installFirstElement } from './elementFirst'
import { installRestElement } from './elementRest'

// Only the components the UI uses are registered, so the bundle carries no others. The app itself
// installs them in two steps (./elementLazy.ts); this installs all at once (component tests).
export function installElement(app: App): void {
  installFirstElement(app)
  installRestElement(app)
}
