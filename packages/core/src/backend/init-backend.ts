// Backend selection: one call that picks the fastest backend this environment can run.
import * as tf from '@tensorflow/tfjs-core';
import { GenError } from '../errors.js';
import { checkOneOf } from '../validate.js';
import { importOptional, isNode, readEnv } from './environment.js';
import { installWasmKernelFixes } from './wasm-kernels.js';
import { installNodeWebGpu } from './webgpu-node.js';

/** Backends gen knows how to select. `tensorflow` is native TensorFlow through tfjs-node(-gpu). */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendPreference = BackendName | 'auto';

/** A backend that was asked for and could not be loaded or initialised. */
export class BackendUnavailableError extends GenError {}

/** The npm packages that provide each backend, in the order they are tried. */
const PACKAGES: Record<BackendName, readonly string[]> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  webgpu: ['@tensorflow/tfjs-backend-webgpu'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  cpu: ['@tensorflow/tfjs-backend-cpu'],
};

const AUTO_ORDER_NODE: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
const AUTO_ORDER_BROWSER: readonly BackendName[] = ['webgpu', 'wasm', 'cpu'];

/** What the last `auto` selection chose, so repeated calls do not probe packages again. */
let autoChoice: BackendName | undefined;

/** Which package provided the active `tensorflow` backend (tfjs-node-gpu means CUDA). */
let loadedTensorflowPackage: string | undefined;

/** Returns the package that provided the `tensorflow` backend, if it was loaded. */
export function tensorflowBackendPackage(): string | undefined {
  return loadedTensorflowPackage;
}

/** Makes sure a backend factory is registered with tfjs, importing its package in Node. */
async function registerBackendPackage(name: BackendName): Promise<void> {
  if (tf.findBackendFactory(name) != null) return;
  if (!isNode()) {
    throw new BackendUnavailableError(
      `Backend '${name}' is not registered. In a browser, add \`import '${PACKAGES[name][0]}';\` to your app before calling initBackend().`,
    );
  }
  if (name === 'webgpu') {
    const probe = await installNodeWebGpu();
    if (!probe.ok) {
      throw new BackendUnavailableError(
        `Backend 'webgpu' cannot run in Node here: ${probe.reason}. Install the 'webgpu' package and '@tensorflow/tfjs-backend-webgpu' on a machine with a GPU and a Vulkan/Metal/D3D12 driver.`,
      );
    }
  }
  const failures: string[] = [];
  for (const specifier of PACKAGES[name]) {
    try {
      await importOptional(specifier);
      if (name === 'tensorflow') loadedTensorflowPackage = specifier;
      if (tf.findBackendFactory(name) != null) return;
      failures.push(`${specifier} loaded but registered no '${name}' backend`);
    } catch (error) {
      failures.push(`${specifier}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new BackendUnavailableError(
    `Backend '${name}' is not available: install ${PACKAGES[name].map((p) => `'${p}'`).join(' or ')}. (${failures.join('; ')})`,
  );
}

/** Registers (if needed) and activates one backend, or throws `BackendUnavailableError`. */
async function activate(name: BackendName): Promise<void> {
  await registerBackendPackage(name);
  let ok = false;
  let reason = 'tf.setBackend returned false';
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    reason = (error as Error).message;
  }
  if (!ok) {
    throw new BackendUnavailableError(
      `Backend '${name}' (${PACKAGES[name].join(' or ')}) is installed but failed to initialise: ${reason}.`,
    );
  }
  await tf.ready();
  if (name === 'wasm') {
    installWasmKernelFixes();
    await installNativeKernelsIfPresent();
  }
}

/** Whether `@gen/native`'s kernels were installed by the last wasm activation. */
let nativeKernelsActive = false;

/** True when the wasm backend runs with `@gen/native`'s BLAS kernels. */
export function nativeKernelsLoaded(): boolean {
  return nativeKernelsActive && tf.getBackend() === 'wasm';
}

/** Whether the hint about `@gen/native` was printed (once per process). */
let nativeHintShown = false;

/**
 * In Node, registers `@gen/native`'s BLAS kernels over the wasm ones when that optional package is
 * installed and built. Otherwise prints one hint per process (not under CI=true or vitest); silent
 * with GEN_NATIVE=0, which also disables the native kernels.
 */
async function installNativeKernelsIfPresent(): Promise<void> {
  nativeKernelsActive = false;
  if (!isNode() || readEnv('GEN_NATIVE') === '0') return;
  let hint: string;
  try {
    const native = (await importOptional('@gen/native')) as { installNativeKernels(): { ok: boolean; reason?: string } };
    const result = native.installNativeKernels();
    nativeKernelsActive = result.ok;
    if (result.ok) return;
    hint = `gen: ${result.reason ?? 'native kernels unavailable'}. GEN_NATIVE=0 silences this.`;
  } catch {
    hint = "gen: the wasm backend runs without native BLAS kernels. For much faster CPU training in Node, install '@gen/native' (built by node-gyp; needs libopenblas-dev on Linux). GEN_NATIVE=0 silences this.";
  }
  if (nativeHintShown || readEnv('CI') === 'true' || readEnv('VITEST') !== undefined) return;
  nativeHintShown = true;
  console.info(hint);
}

/**
 * Selects and initialises a tfjs backend, and returns the name it chose.
 *
 * `auto` tries, in Node: `tensorflow` (tfjs-node-gpu or tfjs-node, when installed), `webgpu` (when
 * the `webgpu` package finds a real GPU adapter), `wasm`, `cpu`; in browsers: `webgpu`, `wasm`,
 * `cpu` among the backends the app has imported. In Node the `GEN_BACKEND` environment variable
 * replaces `auto`. A backend asked for by name that cannot load throws `BackendUnavailableError`
 * naming the package to install.
 *
 * @example
 * const name = await initBackend();        // 'wasm' on a plain Node install
 * await initBackend('cpu');                 // force the reference backend
 */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendName> {
  checkOneOf('initBackend', 'preference', preference, ['auto', ...BACKEND_NAMES]);
  const fromEnv = preference === 'auto' ? readEnv('GEN_BACKEND') : undefined;
  if (fromEnv !== undefined) {
    checkOneOf('initBackend', 'GEN_BACKEND (environment variable)', fromEnv, ['auto', ...BACKEND_NAMES]);
  }
  const wanted = fromEnv ?? preference;
  if (wanted !== 'auto') {
    if (tf.getBackend() !== wanted) await activate(wanted);
    return wanted;
  }
  const current = tf.getBackend() as BackendName | null;
  if (autoChoice !== undefined && current === autoChoice) return autoChoice;
  const order = isNode() ? AUTO_ORDER_NODE : AUTO_ORDER_BROWSER;
  const failures: string[] = [];
  for (const name of order) {
    if (current === name) {
      autoChoice = name;
      return name;
    }
    try {
      await activate(name);
      autoChoice = name;
      return name;
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  throw new BackendUnavailableError(
    `No tfjs backend could be initialised. Install '@tensorflow/tfjs-backend-wasm' or '@tensorflow/tfjs-backend-cpu'. Tried: ${failures.join(' | ')}`,
  );
}
