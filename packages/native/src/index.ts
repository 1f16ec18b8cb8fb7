// @gen/native: BLAS-backed MatMul and Conv2D kernels (and a C++ fused Adam update) for tfjs-backend-wasm in Node, computed in
// place on the wasm heap by an N-API addon (OpenBLAS on Linux, Accelerate on macOS).
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon, type NativeAddon } from './addon.js';
import { adamUpdate, batchMatMul, conv2D, conv2DBackpropFilter, conv2DBackpropInput, fusedMatMul, greater, select, sum, unary } from './kernels.js';

/**
 * The wasm kernels that `installNativeKernels` replaces (or, for Conv2DBackpropFilter and
 * @gen/core's fused Adam update GenAdamUpdate, adds when absent).
 */
export const NATIVE_KERNELS = [
  'BatchMatMul', '_FusedMatMul', 'Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'GenAdamUpdate',
  'Exp', 'Erf', 'LeakyRelu', 'Greater', 'Select', 'Sum',
] as const;

/** What `installNativeKernels` did. */
export interface NativeInstallResult {
  /** True when the native kernels are registered for backend 'wasm'. */
  ok: boolean;
  /** Why not, when `ok` is false: "native kernels unavailable: <reason>; <how to fix>". */
  reason?: string;
  /** The kernel names now served by the native addon. */
  kernels: string[];
}

type Factory = (addon: NativeAddon, previous: tf.KernelFunc) => tf.KernelFunc;
const FACTORIES: Record<(typeof NATIVE_KERNELS)[number], Factory> = {
  BatchMatMul: batchMatMul,
  _FusedMatMul: fusedMatMul,
  Conv2D: conv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter as Factory,
  GenAdamUpdate: adamUpdate as Factory,
  Exp: unary('Exp'),
  Erf: unary('Erf'),
  LeakyRelu: unary('LeakyRelu'),
  Greater: greater,
  Select: select,
  Sum: sum,
};

/** Per kernel: the config registered before ours (undefined when there was none) and ours. */
const installed = new Map<string, { previous: tf.KernelConfig | undefined; ours: tf.KernelConfig }>();

function disabledByEnv(): boolean {
  return typeof process !== 'undefined' && process.env?.GEN_NATIVE === '0';
}

/**
 * True while every native kernel is registered for backend 'wasm' (false again if something else,
 * e.g. `uninstallWasmKernelFixes`, re-registered one of those kernels since).
 *
 * @example
 * installNativeKernels();
 * nativeKernelsInstalled(); // true when the addon is built
 */
export function nativeKernelsInstalled(): boolean {
  if (installed.size === 0) return false;
  for (const [name, { ours }] of installed) {
    if (tf.getKernel(name, 'wasm')?.kernelFunc !== ours.kernelFunc) return false;
  }
  return true;
}

/**
 * Registers the native kernels for backend 'wasm', wrapping the kernels registered now (stock, or
 * gen's fixes from `@gen/core`), which still serve what the native kernels do not cover
 * (non-float32 tensors, NCHW, empty tensors). Idempotent. Never throws: when the addon is not
 * built, `GEN_NATIVE=0` is set, or tfjs-backend-wasm is not loaded, returns `{ok: false, reason}`.
 * `@gen/core`'s `initBackend` calls this when it selects wasm in Node.
 *
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * const { ok, reason, kernels } = installNativeKernels();
 * if (!ok) console.warn(reason);
 */
export function installNativeKernels(): NativeInstallResult {
  if (disabledByEnv()) return { ok: false, reason: 'native kernels disabled by GEN_NATIVE=0', kernels: [] };
  const loaded = loadAddon();
  if ('reason' in loaded) return { ok: false, reason: loaded.reason, kernels: [] };
  if (nativeKernelsInstalled()) return { ok: true, kernels: [...installed.keys()] };
  uninstallNativeKernels();
  if (tf.getKernel('BatchMatMul', 'wasm') == null) {
    return {
      ok: false,
      reason: "native kernels unavailable: '@tensorflow/tfjs-backend-wasm' is not loaded; import it before installing native kernels",
      kernels: [],
    };
  }
  for (const name of NATIVE_KERNELS) {
    const previous = tf.getKernel(name, 'wasm');
    const ours: tf.KernelConfig = {
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: FACTORIES[name](loaded.addon, previous?.kernelFunc as tf.KernelFunc),
      ...(previous?.setupFunc ? { setupFunc: previous.setupFunc } : {}),
      ...(previous?.disposeFunc ? { disposeFunc: previous.disposeFunc } : {}),
    };
    if (previous) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(ours);
    installed.set(name, { previous, ours });
  }
  return { ok: true, kernels: [...installed.keys()] };
}

/**
 * Restores the kernels that were registered before `installNativeKernels` (leaving alone any that
 * something else has re-registered since). Idempotent.
 *
 * @example
 * uninstallNativeKernels(); // back to the wasm kernels, e.g. to compare speed
 */
export function uninstallNativeKernels(): void {
  for (const [name, { previous, ours }] of installed) {
    if (tf.getKernel(name, 'wasm')?.kernelFunc !== ours.kernelFunc) continue;
    tf.unregisterKernel(name, 'wasm');
    if (previous) tf.registerKernel(previous);
  }
  installed.clear();
}

/**
 * The BLAS the addon uses and its thread count, or `{available: false, reason}`.
 *
 * @example
 * nativeKernelsInfo(); // { available: true, blas: 'OpenBLAS 0.3.21 ... Haswell MAX_THREADS=64', threads: 2 }
 */
export function nativeKernelsInfo(): { available: true; blas: string; threads: number } | { available: false; reason: string } {
  const loaded = loadAddon();
  if ('reason' in loaded) return { available: false, reason: loaded.reason };
  return { available: true, ...loaded.addon.info() };
}

/**
 * Sets the BLAS thread count (OpenBLAS; the default is one per core). No effect without the addon.
 *
 * @example
 * setNativeThreads(1); // leave the other cores to other work
 */
export function setNativeThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`Argument 'threads' passed to 'setNativeThreads' must be a positive integer, but got ${threads}.`);
  }
  const loaded = loadAddon();
  if ('addon' in loaded) loaded.addon.setThreads(threads);
}
