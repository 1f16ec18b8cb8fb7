// Replacement kernels for backend 'wasm' that run on the system BLAS through the addon, in place
// on the wasm heap: inputs are read and outputs written at their memoryOffset, no copies.
// Shapes follow tfjs's own kernels (backend_util.computeConv2DInfo, broadcast_util); anything
// these kernels do not cover (non-float32, NCHW, empty tensors, unusual bias shapes) goes to the
// kernel that was registered before.
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type TensorInfo = tf.TensorInfo;

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32' | 'bool'): TensorInfo;
}

const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, prelu: 3, leakyrelu: 4, sigmoid: 5, elu: 6 };

function offsetOf(backend: WasmBackend, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data == null) throw new Error('@gen/native: a kernel input has no data on the wasm backend.');
  return data.memoryOffset;
}

/** The wasm memory, fetched after every allocation of the call (growth replaces the buffer). */
function heapOf(backend: WasmBackend): ArrayBuffer {
  return backend.wasm.HEAPU8.buffer as ArrayBuffer;
}

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * For each batch entry of the broadcast outer shape, the index of the matrix of an operand with
 * outer shape `dims`; null when that index is the entry itself.
 */
function batchIndex(dims: readonly number[], outDims: readonly number[]): Int32Array | null {
  const batch = size(outDims);
  if (dims.length === outDims.length && dims.every((d, i) => d === outDims[i])) return null;
  const index = new Int32Array(batch);
  const offset = outDims.length - dims.length;
  for (let i = 0; i < batch; i++) {
    let rest = i;
    let flat = 0;
    let stride = 1;
    for (let axis = outDims.length - 1; axis >= 0; axis--) {
      const coordinate = rest % outDims[axis];
      rest = Math.floor(rest / outDims[axis]);
      const own = axis - offset;
      if (own >= 0) {
        flat += (dims[own] === 1 ? 0 : coordinate) * stride;
        stride *= dims[own];
      }
    }
    index[i] = flat;
  }
  return index;
}

interface MatMulPlan {
  m: number;
  n: number;
  k: number;
  outShape: number[];
  aCount: number;
  bCount: number;
  batch: number;
  aIndex: Int32Array | null;
  bIndex: Int32Array | null;
}

function planMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan | null {
  const [ra, rb] = [a.shape.length, b.shape.length];
  if (ra < 2 || rb < 2) return null;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null;
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  let outOuter: number[];
  try {
    outOuter = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  } catch {
    return null;
  }
  const batch = size(outOuter);
  if (m === 0 || n === 0 || k === 0 || batch === 0) return null;
  return {
    m,
    n,
    k,
    outShape: [...outOuter, m, n],
    aCount: size(aOuter),
    bCount: size(bOuter),
    batch,
    aIndex: batchIndex(aOuter, outOuter),
    bIndex: batchIndex(bOuter, outOuter),
  };
}

/** 0: absent; 1: one value broadcast everywhere; 2: one value per output column; null: unsupported. */
function vectorMode(t: TensorInfo | undefined, n: number): number | null {
  if (t == null) return 0;
  if (t.dtype !== 'float32') return null;
  const count = size(t.shape);
  if (count === 1) return 1;
  if (t.shape.length >= 1 && t.shape[t.shape.length - 1] === n && count === n) return 2;
  return null;
}

export function batchMatMul(addon: NativeAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA = false, transposeB = false } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return previous(args);
    const plan = planMatMul(a, b, transposeA, transposeB);
    if (plan == null) return previous(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(plan.outShape, 'float32');
    addon.gemm(heapOf(backend), offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out), plan.aCount, plan.bCount,
      plan.batch, plan.m, plan.n, plan.k, transposeA ? 1 : 0, transposeB ? 1 : 0, plan.aIndex, plan.bIndex, 0, 0, 0, 0, 0, 0);
    return out;
  };
}

export function fusedMatMul(addon: NativeAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const { transposeA = false, transposeB = false, activation = 'linear', leakyreluAlpha } = args.attrs as {
      transposeA?: boolean;
      transposeB?: boolean;
      activation?: string;
      leakyreluAlpha?: number;
    };
    if (a == null || b == null || a.dtype !== 'float32' || b.dtype !== 'float32') return previous(args);
    const code = ACTIVATIONS[activation];
    const plan = planMatMul(a, b, transposeA, transposeB);
    if (code == null || plan == null) return previous(args);
    const biasMode = vectorMode(bias, plan.n);
    const preluMode = activation === 'prelu' ? vectorMode(preluActivationWeights, plan.n) : 0;
    if (biasMode == null || preluMode == null || (activation === 'prelu' && preluMode === 0)) return previous(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(plan.outShape, 'float32');
    addon.gemm(heapOf(backend), offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out), plan.aCount, plan.bCount,
      plan.batch, plan.m, plan.n, plan.k, transposeA ? 1 : 0, transposeB ? 1 : 0, plan.aIndex, plan.bIndex,
      bias ? offsetOf(backend, bias) : 0, biasMode, code, leakyreluAlpha ?? 0.2,
      activation === 'prelu' && preluActivationWeights ? offsetOf(backend, preluActivationWeights) : 0, preluMode);
    return out;
  };
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Shape4 = [number, number, number, number];

/** Geometry arguments of the addon's conv functions, or null when the convolution is empty. */
function geometry(info: tf.backend_util.Conv2DInfo): number[] | null {
  const g = [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.filterHeight, info.filterWidth,
    info.outChannels, info.outHeight, info.outWidth, info.strideHeight, info.strideWidth, info.dilationHeight,
    info.dilationWidth, info.padInfo.top, info.padInfo.left];
  return g.slice(0, 13).every((v) => v > 0) ? g : null;
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, dilations: number | [number, number]) {
  return tf.backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, attrs.strides, dilations, attrs.pad,
    attrs.dimRoundingMode, false, 'channelsLast');
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The backprop geometry whose output shape is dy's. tfjs-core's Conv2D gradient does not pass
 * dimRoundingMode on to Conv2DBackpropFilter, so with a numeric pad and 'ceil'/'round' the
 * attrs alone give the wrong output size: the rounding mode that reproduces dy's shape is used.
 */
function backpropInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, dyShape: readonly number[]) {
  const info = convInfo(xShape, filterShape, attrs, 1);
  if (sameShape(info.outShape, dyShape) || typeof attrs.pad !== 'number') return info;
  for (const dimRoundingMode of ['floor', 'ceil', 'round'] as const) {
    const retry = convInfo(xShape, filterShape, { ...attrs, dimRoundingMode }, 1);
    if (sameShape(retry.outShape, dyShape)) return retry;
  }
  return info;
}

export function conv2D(addon: NativeAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    if (x.dtype !== 'float32' || filter.dtype !== 'float32' || (attrs.dataFormat ?? 'NHWC') !== 'NHWC') return previous(args);
    if (x.shape.length !== 4 || filter.shape.length !== 4) return previous(args);
    const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
    const g = geometry(info);
    if (g == null) return previous(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(info.outShape, 'float32');
    addon.conv2d(heapOf(backend), offsetOf(backend, x), offsetOf(backend, filter), offsetOf(backend, out), ...g);
    return out;
  };
}

export function conv2DBackpropInput(addon: NativeAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32' || (attrs.dataFormat ?? 'NHWC') !== 'NHWC') return previous(args);
    if (dy.shape.length !== 4 || filter.shape.length !== 4 || attrs.inputShape.length !== 4) return previous(args);
    const info = backpropInfo(attrs.inputShape, filter.shape, attrs, dy.shape);
    const g = geometry(info);
    if (g == null || !sameShape(info.outShape, dy.shape)) return previous(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(info.inShape, 'float32');
    addon.conv2dBackpropInput(heapOf(backend), offsetOf(backend, dy), offsetOf(backend, filter), offsetOf(backend, out), ...g);
    return out;
  };
}

/** tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter; `previous` is absent then. */
export function conv2DBackpropFilter(addon: NativeAddon, previous: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    const info =
      x.dtype === 'float32' && dy.dtype === 'float32' && (attrs.dataFormat ?? 'NHWC') === 'NHWC' && x.shape.length === 4
        ? backpropInfo(x.shape, attrs.filterShape, attrs, dy.shape)
        : null;
    const g = info == null ? null : geometry(info);
    if (info == null || g == null || !sameShape(info.outShape, dy.shape)) {
      if (previous) return previous(args);
      throw new Error(
        `Conv2DBackpropFilter on the wasm backend (through @gen/native) supports float32 NHWC tensors with a non-empty output; got x ${x.dtype} [${x.shape}], dy ${dy.dtype} [${dy.shape}], dataFormat ${attrs.dataFormat ?? 'NHWC'}.`,
      );
    }
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(attrs.filterShape, 'float32');
    addon.conv2dBackpropFilter(heapOf(backend), offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, out), ...g);
    return out;
  };
}

/** Attributes of @gen/core's fused `GenAdamUpdate` kernel (see core's backend/adam-kernel.ts). */
interface AdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  step: number;
}

/**
 * `GenAdamUpdate` (inputs param, grad, expAvg, expAvgSq; outputs the three updated) in C++.
 * `previous` (core's JS kernel) serves non-float32 or mismatched inputs, which core never sends.
 */
export function adamUpdate(addon: NativeAddon, previous: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { param, grad, expAvg, expAvgSq } = args.inputs as Record<string, TensorInfo>;
    const inputs = [param, grad, expAvg, expAvgSq];
    const count = size(param.shape);
    if (inputs.some((t) => t == null || t.dtype !== 'float32' || !sameShape(t.shape, param.shape)) || count === 0) {
      if (previous) return previous(args);
      throw new Error('GenAdamUpdate through @gen/native needs four float32 tensors of one non-empty shape.');
    }
    const a = args.attrs as unknown as AdamAttrs;
    const backend = args.backend as unknown as WasmBackend;
    const outs = [0, 1, 2].map(() => backend.makeOutput([...param.shape], 'float32'));
    addon.adam(heapOf(backend), ...inputs.map((t) => offsetOf(backend, t)) as [number, number, number, number],
      ...outs.map((t) => offsetOf(backend, t)) as [number, number, number], count, a.lr, a.beta1, a.beta2, a.eps,
      a.weightDecay, a.decoupled ? 1 : 0, a.step);
    return outs;
  };
}

/** The addon's unary op codes. */
const UNARY = { Exp: 0, Erf: 1, LeakyRelu: 2 } as const;

/** Exp (vectorised), Erf (libm) or LeakyRelu (vectorised) of a float32 tensor in C++. */
export function unary(name: keyof typeof UNARY): (addon: NativeAddon, previous: tf.KernelFunc) => tf.KernelFunc {
  return (addon, previous) => (args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    const count = size(x.shape);
    if (x.dtype !== 'float32' || count === 0) return previous(args);
    const alpha = name === 'LeakyRelu' ? (args.attrs as { alpha: number }).alpha : 0;
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput([...x.shape], 'float32');
    addon.unary(heapOf(backend), UNARY[name], offsetOf(backend, x), offsetOf(backend, out), count, alpha);
    return out;
  };
}

/** Greater of float32 tensors of one shape, or against one value (relu and leaky-relu masks). */
export function greater(addon: NativeAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const count = size(a.shape);
    const bScalar = size(b.shape) === 1 && b.shape.length <= a.shape.length;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || count === 0 || (!bScalar && !sameShape(a.shape, b.shape))) return previous(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput([...a.shape], 'bool');
    addon.greater(heapOf(backend), offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out), count, bScalar ? 1 : 0);
    return out;
  };
}

/** Select (tf.where) of float32 tensors with a bool condition, all of one shape. */
export function select(addon: NativeAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { condition, t, e } = args.inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo };
    const count = size(t.shape);
    if (condition.dtype !== 'bool' || t.dtype !== 'float32' || e.dtype !== 'float32' || count === 0 ||
      !sameShape(condition.shape, t.shape) || !sameShape(e.shape, t.shape)) return previous(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput([...t.shape], 'float32');
    addon.select(heapOf(backend), offsetOf(backend, condition), offsetOf(backend, t), offsetOf(backend, e), offsetOf(backend, out), count);
    return out;
  };
}

/** Sum of a float32 tensor over its leading axes (given in order), as column sums; else `previous`. */
export function sum(addon: NativeAddon, previous: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    if (x.dtype !== 'float32' || rank < 2) return previous(args);
    const axes = tf.util.parseAxisParam(axis, x.shape);
    if (axes.length === 0 || axes.length >= rank || !axes.every((a, i) => a === i)) return previous(args);
    const kept = x.shape.slice(axes.length);
    const rows = size(x.shape.slice(0, axes.length));
    const cols = size(kept);
    if (rows === 0 || cols === 0) return previous(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
    addon.sumRows(heapOf(backend), offsetOf(backend, x), offsetOf(backend, out), rows, cols);
    return out;
  };
}
