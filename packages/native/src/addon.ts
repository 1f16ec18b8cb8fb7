// Loads the compiled N-API addon (build/Release/gen_native.node) and says why when it cannot.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's functions. Offsets are byte offsets into `heap`; all tensors are float32. */
export interface NativeAddon {
  gemm(
    heap: ArrayBuffer,
    aOffset: number,
    bOffset: number,
    outOffset: number,
    aCount: number,
    bCount: number,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: number,
    transposeB: number,
    aIndex: Int32Array | null,
    bIndex: Int32Array | null,
    biasOffset: number,
    biasMode: number,
    activation: number,
    leakyreluAlpha: number,
    preluOffset: number,
    preluMode: number,
  ): void;
  conv2d(heap: ArrayBuffer, xOffset: number, filterOffset: number, yOffset: number, ...geometry: number[]): void;
  conv2dBackpropInput(heap: ArrayBuffer, dyOffset: number, filterOffset: number, dxOffset: number, ...geometry: number[]): void;
  conv2dBackpropFilter(heap: ArrayBuffer, xOffset: number, dyOffset: number, dwOffset: number, ...geometry: number[]): void;
  adam(
    heap: ArrayBuffer,
    paramOffset: number,
    gradOffset: number,
    expAvgOffset: number,
    expAvgSqOffset: number,
    paramOutOffset: number,
    expAvgOutOffset: number,
    expAvgSqOutOffset: number,
    count: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    decoupled: number,
    step: number,
  ): void;
  unary(heap: ArrayBuffer, op: number, xOffset: number, yOffset: number, count: number, alpha: number): void;
  greater(heap: ArrayBuffer, aOffset: number, bOffset: number, outOffset: number, count: number, bScalar: number): void;
  select(heap: ArrayBuffer, conditionOffset: number, tOffset: number, eOffset: number, outOffset: number, count: number): void;
  sumRows(heap: ArrayBuffer, xOffset: number, outOffset: number, rows: number, cols: number): void;
  info(): { blas: string; threads: number };
  setThreads(n: number): void;
}

const HINT = 'apt-get install libopenblas-dev and rebuild (pnpm rebuild @gen/native, or npm rebuild @gen/native)';

let cached: { addon: NativeAddon } | { reason: string } | undefined;

/** The package root: one level above both src/ (tests) and dist/ (published build). */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Loads the addon built under `root` (uncached). Returns it, or the reason it is unavailable in the
 * form "native kernels unavailable: <reason>; apt-get install libopenblas-dev and rebuild ...".
 */
export function loadAddonFrom(root: string): { addon: NativeAddon } | { reason: string } {
  const binary = join(root, 'build', 'Release', 'gen_native.node');
  const buildError = join(root, 'build', 'gen-native-build-error.txt');
  let reason: string;
  if (!existsSync(binary)) {
    reason = existsSync(buildError)
      ? readFileSync(buildError, 'utf8').trim().split('\n')[0]
      : 'the addon was not built (build/Release/gen_native.node is missing)';
  } else {
    try {
      return { addon: createRequire(import.meta.url)(binary) as NativeAddon };
    } catch (error) {
      reason = `loading the addon failed: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  return { reason: `native kernels unavailable: ${reason}; ${HINT}` };
}

/** `loadAddonFrom(packageRoot)`, once per process. */
export function loadAddon(): { addon: NativeAddon } | { reason: string } {
  cached ??= loadAddonFrom(packageRoot);
  return cached;
}
