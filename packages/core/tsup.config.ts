import { defineConfig } from 'tsup';
import type { Plugin } from 'esbuild';

// The gradient registrations live in their own file so that `sideEffects` can name it and the
// rest of the package stays tree-shakeable. Other entries import it as an external sibling.
const keepGradientsExternal: Plugin = {
  name: 'keep-register-gradients-external',
  setup(build) {
    // tsup builds CJS through esbuild's ESM output, so the output extension is the reliable tell.
    const extension = build.initialOptions.outExtension?.['.js'] ?? '.js';
    build.onResolve({ filter: /^\.\/register-gradients\.js$/ }, () => ({
      path: `./register-gradients${extension}`,
      external: true,
    }));
  },
};

export default defineConfig([
  {
    entry: { index: 'src/index.ts', testing: 'src/testing.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    esbuildPlugins: [keepGradientsExternal],
  },
  {
    // tfjs-core's Node bundle registers no gradients, and its per-op ESM files use
    // extension-less imports that Node cannot load. Bundling those files here makes
    // `tf.grad` work in Node ESM, Node CJS and bundlers alike. They register into tfjs's
    // global registry and run kernels on the one global engine, so this adds no second engine.
    entry: { 'register-gradients': 'src/register-gradients.ts' },
    format: ['esm', 'cjs'],
    dts: false,
    sourcemap: false,
    minify: true,
    clean: false,
    target: 'es2022',
    noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
  },
]);
