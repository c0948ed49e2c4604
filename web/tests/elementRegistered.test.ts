// Every Element Plus component a page uses is registered (issue 15: the bell's badge was not).
import { describe, expect, it } from 'vitest'
import { createApp } from 'vue'
import { elementReady, installElementLazily } from '@/plugins/elementLazy'

describe('Element Plus registration', () => {
  // An <el-…> a page uses but nobody registered renders as an unknown element, silently (the
  // notification bell's badge did): every one in the sources must be registered by one of the
  // two steps.
  it('registers every Element Plus component a page uses', async () => {
    const app = createApp({})
    installElementLazily(app)
    await elementReady()
    const sources = import.meta.glob<string>('/src/**/*.vue', {
      query: '?raw',
      import: 'default',
      eager: true,
    })
    const used = new Set<string>()
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/<el-([a-z-]+)/g)) used.add(m[1])
    }
    const pascal = (name: string) =>
      'El' + name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())
    const missing = [...used].filter((name) => !app.component(pascal(name)))
    expect(missing).toEqual([])
    expect(used.size).toBeGreaterThan(20)
  })
})
