// Shared tsup settings for the model packages: ESM + CJS + .d.ts, tfjs and @gen/* external.
import type { Options } from 'tsup';

export function packageBuild(entry: Record<string, string> = { index: 'src/index.ts' }): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
  };
}
