// Node module hook for benches that profile @gen/* from source (no stale dist, no build step):
// `node --import tsx --import ./packages/core/bench/from-source.mjs <bench>.ts`.
// @gen/<pkg> resolves to packages/<pkg>/src/index.ts; core's gradient registrations still come from
// packages/core/dist/register-gradients.js (tfjs-core's per-op files cannot load in Node ESM from
// source), so `pnpm --filter @gen/core build` must have run once.
import { register } from 'node:module';

const root = new URL('../../../', import.meta.url).href;
const source = `
const root = ${JSON.stringify(root)};
export async function resolve(specifier, context, next) {
  const pkg = /^@gen\\/(core|gmm|vae|gan|diffusion|lm|eval|datasets|native)$/.exec(specifier);
  if (pkg) return next(root + 'packages/' + pkg[1] + '/src/index.ts', context);
  if (specifier === './register-gradients.js' && context.parentURL?.startsWith(root + 'packages/core/src/')) {
    return next(root + 'packages/core/dist/register-gradients.js', context);
  }
  return next(specifier, context);
}
`;
register(`data:text/javascript,${encodeURIComponent(source)}`, import.meta.url);
