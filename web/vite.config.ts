import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { precompress } from './scripts/precompress.ts'

// The dev server proxies the API to a running `guanxi serve`.
const apiTarget = process.env.GUANXI_API ?? 'http://127.0.0.1:8090'

export default defineConfig({
  plugins: [vue(), precompress()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': { target: apiTarget },
    },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        advancedChunks: {
          // Element Plus is not one group: what the login page uses goes with the first bundle,
          // the rest with the signed-in pages (src/plugins/elementLazy.ts).
          groups: [
            {
              name: 'vue',
              test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    // Reads the server's error codes and permissions once (tests/server-names.test.ts).
    globalSetup: ['./vitest.server.ts'],
    css: false,
    // One module graph for all test files: Element Plus is loaded once instead of once per file.
    isolate: false,
    // Mounting Element Plus components is slow on a busy 2-core machine; don't fail on time alone.
    testTimeout: 30000,
    server: { deps: { inline: ['element-plus'] } },
  },
})
