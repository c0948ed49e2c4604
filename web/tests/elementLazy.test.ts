// The Element Plus components of signed-in pages come after the login page (issue 14 item 10).
import { describe, expect, it } from 'vitest'
import { createApp } from 'vue'
import { elementReady, installElementLazily } from '@/plugins/elementLazy'

describe('Element Plus in two steps', () => {
  it('registers the components of signed-in pages only when they are asked for', async () => {
    const app = createApp({})
    installElementLazily(app)
    // The login page's components at once; the table (and the rest) not yet.
    expect(app.component('ElButton')).toBeTruthy()
    expect(app.component('ElInput')).toBeTruthy()
    expect(app.component('ElTable')).toBeUndefined()
    expect(app.directive('loading')).toBeUndefined()
    await elementReady()
    expect(app.component('ElTable')).toBeTruthy()
    expect(app.component('ElMenu')).toBeTruthy()
    expect(app.directive('loading')).toBeTruthy()
  })
})
