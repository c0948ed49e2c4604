// The Element Plus components of signed-in pages come after the login page (issue 14 item 10).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
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

  // An <el-…> a page uses but nobody registered renders as an unknown element, silently (the
  // notification bell's badge did): every one in the sources must be registered by one of the
  // two steps.
  it('registers every Element Plus component a page uses', async () => {
    const app = createApp({})
    installElementLazily(app)
    await elementReady()
    const used = new Set<string>()
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (entry.name.endsWith('.vue')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/<el-([a-z-]+)/g)) used.add(m[1])
        }
      }
    }
    walk(join(__dirname, '..', 'src'))
    const pascal = (name: string) =>
      'El' + name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())
    const missing = [...used].filter((name) => !app.component(pascal(name)))
    expect(missing).toEqual([])
    expect(used.size).toBeGreaterThan(20)
  })
})
