// A Vite build plugin: writes a brotli (.br) and a gzip (.gz) copy beside every text file of the
// built UI, which the server sends to browsers that accept them (server/src/http/static_files.hpp)
// — compressed once here, at the highest levels, instead of on every request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

/** The types the server looks for siblings of (static_files.cpp IsCompressible). */
const COMPRESSIBLE = /\.(html|js|mjs|css|json|svg|ico|ttf|webmanifest)$/

/** Writes `file`.br and `file`.gz for each compressible file under `dir` (when smaller). */
export function precompressTree(dir: string): { files: number; bytes: number; brotli: number } {
  const totals = { files: 0, bytes: 0, brotli: 0 }
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) {
      const inner = precompressTree(path)
      totals.files += inner.files
      totals.bytes += inner.bytes
      totals.brotli += inner.brotli
      continue
    }
    if (!COMPRESSIBLE.test(name)) continue
    const data = readFileSync(path)
    const brotli = brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    })
    const gzip = gzipSync(data, { level: 9 })
    // A copy no smaller than the file would only cost the server a read.
    if (brotli.length < data.length) writeFileSync(`${path}.br`, brotli)
    if (gzip.length < data.length) writeFileSync(`${path}.gz`, gzip)
    totals.files += 1
    totals.bytes += data.length
    totals.brotli += Math.min(brotli.length, data.length)
  }
  return totals
}

export function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'guanxi-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    // After the bundle and the public folder's files are written.
    closeBundle() {
      const { files, bytes, brotli } = precompressTree(outDir)
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`
      this.info?.(`precompressed ${files} files: ${kb(bytes)} → ${kb(brotli)} brotli`)
    },
  }
}
