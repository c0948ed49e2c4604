// Prints the size of the built UI (dist/), raw and gzip-compressed, as a browser downloads it:
// what the first page needs (index.html and the files it references) and everything together.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

const dist = new URL('../dist/', import.meta.url).pathname
const files = []
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (/\.(js|css|html|svg)$/.test(name)) files.push(path)
  }
}
walk(dist)

const size = (path) => {
  const data = readFileSync(path)
  return { raw: data.length, gzip: gzipSync(data, { level: 9 }).length }
}
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`
const sum = (list) =>
  list.reduce((a, f) => ({ raw: a.raw + f.raw, gzip: a.gzip + f.gzip }), { raw: 0, gzip: 0 })

const index = readFileSync(join(dist, 'index.html'), 'utf8')
const initialNames = new Set([
  'index.html',
  ...[...index.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]),
])
const all = files.map((path) => ({ name: relative(dist, path), ...size(path) }))
const initial = all.filter((f) => initialNames.has(f.name))

for (const f of all.sort((a, b) => b.gzip - a.gzip).slice(0, 8)) {
  console.log(`${f.name.padEnd(48)} ${kb(f.raw).padStart(11)} ${kb(f.gzip).padStart(11)} gzip`)
}
const i = sum(initial)
const t = sum(all)
console.log(`first load (index.html + entry chunks): ${kb(i.raw)} raw, ${kb(i.gzip)} gzip`)
console.log(`all files: ${kb(t.raw)} raw, ${kb(t.gzip)} gzip`)
