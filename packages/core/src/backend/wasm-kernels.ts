// Faster and corrected wasm kernels, installed when the wasm backend is selected.
// - BatchMatMul and _FusedMatMul take a slow scalar path whenever an operand is transposed, which
//   every backward pass does (dA = dY B^T, dB = A^T dY). Transposing the operand explicitly (a fast
//   memory-bound kernel) and then running the plain matmul path is several times faster (and
//   avoids wrong _FusedMatMul results with transposeB in tfjs-backend-wasm 4.22).
// - Log1p computes log(1 + x) and loses all precision for small x; here it is Math.log1p.
// - OneHot writes int32 bits whatever the dtype; float32 is made by casting an int32 one-hot.
import * as tf from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type TensorInfo = tf.TensorInfo;

interface WasmBackendLike {
  disposeData(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

const OVERRIDDEN = ['BatchMatMul', '_FusedMatMul', 'Log1p', 'OneHot'] as const;
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

/** log1p elementwise in JS on the wasm heap (float32 only; others keep the stock kernel). */
function accurateLog1p(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype !== 'float32') return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput([...x.shape], 'float32');
    // Views are taken after the allocation, which may have grown (and replaced) the heap.
    const input = backend.typedArrayFromHeap(x);
    const output = backend.typedArrayFromHeap(out);
    for (let i = 0; i < input.length; i++) output[i] = Math.log1p(input[i]);
    return out;
  };
}

/** OneHot for float32 through an int32 one-hot and a cast. */
function castingOneHot(original: tf.KernelFunc, castKernel: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const attrs = args.attrs as { dtype: tf.DataType };
    if (attrs.dtype !== 'float32') return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const asInt = original({ ...args, attrs: { ...attrs, dtype: 'int32' } } as KernelArgs) as TensorInfo;
    try {
      return castKernel({ inputs: { x: asInt }, backend, attrs: { dtype: 'float32' } } as unknown as KernelArgs);
    } finally {
      backend.disposeData(asInt.dataId);
    }
  };
}

/** True while gen's faster wasm kernels are registered. */
export function wasmKernelFixesInstalled(): boolean {
  return stock.size > 0;
}

/**
 * Registers gen's wasm kernels: matmul with transposes (results identical to the stock kernels on
 * random shapes), an accurate Log1p, and a float32 OneHot. Called by `initBackend` when it selects wasm;
 * idempotent. Returns false when the wasm backend's kernels are not registered.
 *
 * @example
 * installWasmKernelFixes();   // after importing '@tensorflow/tfjs-backend-wasm'
 * uninstallWasmKernelFixes(); // back to the stock kernels, e.g. to compare speed
 */
export function installWasmKernelFixes(): boolean {
  if (wasmKernelFixesInstalled()) return true;
  const transpose = tf.getKernel('Transpose', 'wasm');
  const cast = tf.getKernel('Cast', 'wasm');
  const originals = OVERRIDDEN.map((name) => tf.getKernel(name, 'wasm'));
  if (!transpose || !cast || originals.some((k) => k == null)) return false;
  const replacement = (name: string, original: tf.KernelFunc): tf.KernelFunc => {
    if (name === 'Log1p') return accurateLog1p(original);
    if (name === 'OneHot') return castingOneHot(original, cast.kernelFunc);
    return withExplicitTransposes(original, transpose.kernelFunc);
  };
  OVERRIDDEN.forEach((name, i) => {
    const original = originals[i] as tf.KernelConfig;
    stock.set(name, original);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: replacement(name, original.kernelFunc) });
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
