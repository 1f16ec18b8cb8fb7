// Faster and corrected wasm kernels, installed when the wasm backend is selected.
// - BatchMatMul and _FusedMatMul take a slow scalar path whenever an operand is transposed, which
//   every backward pass does (dA = dY B^T, dB = A^T dY). Transposing the operand explicitly (a fast
//   memory-bound kernel) and then running the plain matmul path is several times faster (and
//   avoids wrong _FusedMatMul results with transposeB in tfjs-backend-wasm 4.22).
// - Log1p computes log(1 + x) and loses all precision for small x; here it is Math.log1p.
// - OneHot writes int32 bits whatever the dtype; float32 is made by casting an int32 one-hot.
// - Sum over leading axes (bias and norm-scale gradients) transposes first, and the wasm 2D
//   transpose is slow (17 ms for [2048, 512] against ~1 ms for the inner-axis sum, measured on a
//   busy 2-core machine): here the columns are summed in place, in the same
//   sequential float32 order as the stock kernel's inner loop (identical results).
// - GatherV2 runs a per-element strided C++ loop (~80 ns per element); here whole slices are
//   copied with memmove (identical results, same index check and message; with batchDims > 0 the
//   stock kernel reads the wrong batch, this one matches the cpu backend).
// - Identity copies the whole buffer, and tfjs clones every tensor it saves for the backward pass
//   (hundreds per GPT step); here it shares the data with a reference count, as the cpu backend
//   does (tensors are immutable, and Variable.assign swaps data rather than writing into it).
// - GenAdamUpdate (new, no tfjs counterpart): one pass of Adam/AdamW over param, grad and both
//   moments instead of ~15 elementwise kernels; `adamUpdate` uses it where it is registered.
// Figures: packages/core/bench/step-profile.bench.ts.
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_KERNEL, adamKernelFunc } from './adam-kernel.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type TensorInfo = tf.TensorInfo;

interface WasmBackendLike {
  incRef(dataId: object): void;
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  disposeData(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

const OVERRIDDEN = ['BatchMatMul', '_FusedMatMul', 'Log1p', 'OneHot', 'Sum', 'GatherV2', 'Identity'] as const;
const stock = new Map<string, tf.KernelConfig>();

/** The kernels added after profiling whole training steps (the bench compares with and without). */
export const STEP_PROFILE_KERNELS: readonly string[] = ['Sum', 'GatherV2', 'Identity', ADAM_KERNEL];
const added = new Set<string>();

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

const BYTES: Partial<Record<tf.DataType, number>> = { float32: 4, int32: 4, bool: 1 };

/**
 * Sum whose reduced axes are the leading ones ([R, C] summed over R): column sums in place, in
 * float32, adding rows in order (what the stock kernel does after its transpose). Other cases
 * (inner or interleaved axes, non-float32) keep the stock kernel.
 */
function leadingAxesSum(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    if (x.dtype !== 'float32' || rank < 2) return original(args);
    // In the given order: the stock kernel's transpose follows it, and so does its summation order.
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (!leading) return original(args);
    const keptShape = x.shape.slice(axes.length);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    const cols = tf.util.sizeFromShape(keptShape);
    if (rows === 0 || cols === 0) return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const outShape = keepDims ? [...axes.map(() => 1), ...keptShape] : keptShape;
    const out = backend.makeOutput(outShape, 'float32');
    const input = backend.typedArrayFromHeap(x) as Float32Array;
    const output = backend.typedArrayFromHeap(out) as Float32Array;
    output.set(input.subarray(0, cols));
    for (let r = 1; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) output[c] += input[base + c];
    }
    return out;
  };
}

/** GatherV2 by slice copies (memmove on the heap) for float32, int32 and bool. */
function sliceCopyGather(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const bytes = BYTES[x.dtype];
    if (bytes === undefined || indices.dtype !== 'int32' || tf.util.sizeFromShape(x.shape) === 0) return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0];
    const axisDim = x.shape[parsedAxis];
    const index = backend.typedArrayFromHeap(indices) as Int32Array;
    for (let i = 0; i < index.length; ++i) {
      const value = index[i];
      tf.util.assert(value <= axisDim - 1 && value >= 0, () => `GatherV2: the index value ${value} is not in [0, ${axisDim - 1}]`);
    }
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x as tf.Tensor, indices as tf.Tensor, parsedAxis, batchDims);
    const { batchSize, outerSize, dimSize, sliceSize } = info;
    const perBatch = index.length / batchSize;
    const out = backend.makeOutput(info.outputShape, x.dtype);
    // Offsets and views after the allocation, which may have grown (and replaced) the heap.
    const heap = backend.wasm.HEAPU8;
    const xBase = (backend.dataIdMap.get(x.dataId) as { memoryOffset: number }).memoryOffset;
    const outBase = (backend.dataIdMap.get(out.dataId) as { memoryOffset: number }).memoryOffset;
    const ids = backend.typedArrayFromHeap(indices) as Int32Array;
    const sliceBytes = sliceSize * bytes;
    let target = outBase;
    for (let b = 0; b < batchSize; b++) {
      for (let o = 0; o < outerSize; o++) {
        const source = xBase + ((b * outerSize + o) * dimSize) * sliceBytes;
        for (let i = 0; i < perBatch; i++) {
          const start = source + ids[b * perBatch + i] * sliceBytes;
          heap.copyWithin(target, start, start + sliceBytes);
          target += sliceBytes;
        }
      }
    }
    return out;
  };
}

/** Identity that shares the input's data (reference counted) instead of copying it; strings keep the stock kernel. */
function sharingIdentity(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return original(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** True while gen's faster wasm kernels are registered. */
export function wasmKernelFixesInstalled(): boolean {
  return stock.size > 0;
}

/**
 * Registers gen's wasm kernels: matmul with transposes (results identical to the stock kernels on
 * random shapes), an accurate Log1p, a float32 OneHot, leading-axes Sum, slice-copy GatherV2, a
 * sharing Identity, and the fused Adam update `GenAdamUpdate`. Called by `initBackend` when it selects wasm;
 * idempotent. Returns false when the wasm backend's kernels are not registered. `exclude` names
 * kernels to leave stock (or, for `GenAdamUpdate`, absent), to measure what each one does; it
 * applies when nothing is installed yet (call `uninstallWasmKernelFixes` first).
 *
 * @example
 * installWasmKernelFixes();   // after importing '@tensorflow/tfjs-backend-wasm'
 * uninstallWasmKernelFixes(); // back to the stock kernels, e.g. to compare speed
 */
export function installWasmKernelFixes(options: { exclude?: readonly string[] } = {}): boolean {
  const exclude = new Set(options.exclude ?? []);
  if (wasmKernelFixesInstalled()) return true;
  const transpose = tf.getKernel('Transpose', 'wasm');
  const cast = tf.getKernel('Cast', 'wasm');
  const originals = OVERRIDDEN.map((name) => tf.getKernel(name, 'wasm'));
  if (!transpose || !cast || originals.some((k) => k == null)) return false;
  const replacement = (name: string, original: tf.KernelFunc): tf.KernelFunc => {
    if (name === 'Log1p') return accurateLog1p(original);
    if (name === 'OneHot') return castingOneHot(original, cast.kernelFunc);
    if (name === 'Sum') return leadingAxesSum(original);
    if (name === 'GatherV2') return sliceCopyGather(original);
    if (name === 'Identity') return sharingIdentity(original);
    return withExplicitTransposes(original, transpose.kernelFunc);
  };
  OVERRIDDEN.forEach((name, i) => {
    if (exclude.has(name)) return;
    const original = originals[i] as tf.KernelConfig;
    stock.set(name, original);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: replacement(name, original.kernelFunc) });
  });
  if (!exclude.has(ADAM_KERNEL) && tf.getKernel(ADAM_KERNEL, 'wasm') == null) {
    tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: adamKernelFunc });
    added.add(ADAM_KERNEL);
  }
  return true;
}

/** Restores the stock wasm kernels replaced by `installWasmKernelFixes`. */
export function uninstallWasmKernelFixes(): void {
  for (const [name, original] of stock) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
  }
  stock.clear();
  for (const name of added) if (tf.getKernel(name, 'wasm') != null) tf.unregisterKernel(name, 'wasm');
  added.clear();
}
