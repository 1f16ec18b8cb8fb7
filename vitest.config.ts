import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// One config for the Node suites. The backend comes from GEN_BACKEND (cpu or wasm; default cpu),
// so `pnpm test:cpu` and `pnpm test:wasm` run the same tests on each backend.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@gen\/core\/testing$/, replacement: source('./packages/core/src/testing.ts') },
      { find: /^@gen\/core$/, replacement: source('./packages/core/src/index.ts') },
      // Workspace packages from source, so tests never run against a stale dist.
      { find: /^@gen\/(gmm|vae|gan|diffusion|lm|eval|datasets)$/, replacement: source('./packages/$1/src/index.ts') },
      // One module instance of @gen/native for initBackend's optional import and for its own tests.
      { find: /^@gen\/native$/, replacement: source('./packages/native/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.browser.test.ts'],
    setupFiles: [source('./vitest.setup.ts')],
    // tfjs-core's per-op ESM files (used to register gradients) need Vite's resolver.
    server: { deps: { inline: [/@tensorflow[\\/]tfjs-core[\\/]dist[\\/](?!tf-core)/] } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
