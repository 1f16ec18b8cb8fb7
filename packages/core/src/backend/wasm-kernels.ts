// Faster wasm kernels, installed when the wasm backend is selected. tfjs-backend-wasm's
// BatchMatMul and _FusedMatMul take a slow scalar path whenever an operand is transposed, which
// every backward pass does (dA = dY B^T, dB = A^T dY). Transposing the operand explicitly (a fast
// memory-bound kernel) and then running the plain matmul path gives identical results, several
// times faster.
import * as tf from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type TensorInfo = tf.TensorInfo;

interface WasmBackendLike {
  disposeData(dataId: object): void;
}

const OVERRIDDEN = ['BatchMatMul', '_FusedMatMul'] as const;
const stock = new Map<string, tf.KernelConfig>();

function transposeLastTwo(x: TensorInfo, backend: WasmBackendLike, transposeKernel: tf.KernelFunc): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return transposeKernel({ inputs: { x }, backend, attrs: { perm } } as unknown as KernelArgs) as TensorInfo;
}

/** Wraps a matmul kernel so that transposed operands are materialised before the plain path. */
function withExplicitTransposes(original: tf.KernelFunc, transposeKernel: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { inputs, attrs } = args;
    const backend = args.backend as unknown as WasmBackendLike;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original(args);
    const temporaries: TensorInfo[] = [];
    const a = transposeA ? transposeLastTwo(inputs.a as TensorInfo, backend, transposeKernel) : (inputs.a as TensorInfo);
    if (transposeA) temporaries.push(a);
    const b = transposeB ? transposeLastTwo(inputs.b as TensorInfo, backend, transposeKernel) : (inputs.b as TensorInfo);
    if (transposeB) temporaries.push(b);
    try {
      return original({
        ...args,
        inputs: { ...inputs, a, b },
        attrs: { ...attrs, transposeA: false, transposeB: false },
      } as KernelArgs);
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}

/** True while gen's faster wasm kernels are registered. */
export function wasmKernelFixesInstalled(): boolean {
  return stock.size > 0;
}

/**
 * Registers gen's faster wasm kernels (matmul with transposes). Results are identical to the stock
 * kernels (tests compare them on random shapes). Called by `initBackend` when it selects wasm;
 * idempotent. Returns false when the wasm backend's kernels are not registered.
 *
 * @example
 * installWasmKernelFixes();   // after importing '@tensorflow/tfjs-backend-wasm'
 * uninstallWasmKernelFixes(); // back to the stock kernels, e.g. to compare speed
 */
export function installWasmKernelFixes(): boolean {
  if (wasmKernelFixesInstalled()) return true;
  const transpose = tf.getKernel('Transpose', 'wasm');
  const originals = OVERRIDDEN.map((name) => tf.getKernel(name, 'wasm'));
  if (!transpose || originals.some((k) => k == null)) return false;
  OVERRIDDEN.forEach((name, i) => {
    const original = originals[i] as tf.KernelConfig;
    stock.set(name, original);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: withExplicitTransposes(original.kernelFunc, transpose.kernelFunc) });
  });
  return true;
}

/** Restores the stock wasm kernels replaced by `installWasmKernelFixes`. */
export function uninstallWasmKernelFixes(): void {
  for (const [name, original] of stock) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
  }
  stock.clear();
}
