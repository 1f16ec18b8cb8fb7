// Test helpers for gen and for users testing code built on it. Framework-agnostic: they throw
// plain `Error`s, which every test runner reports as failures.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` and throws if it leaves tensors behind. Tensors that `fn` returns belong to the caller,
 * so they are disposed before counting rather than counted as leaks.
 *
 * @example
 * await expectNoLeak(() => tf.tidy(() => tf.add(a, b)));
 */
export async function expectNoLeak(
  fn: () => tf.TensorContainer | void | Promise<tf.TensorContainer | void>,
  label = 'function',
): Promise<void> {
  const before = tf.memory().numTensors;
  const result = await fn();
  if (result !== undefined) tf.dispose(result as tf.TensorContainer);
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `expectNoLeak: ${label} changed tf.memory().numTensors from ${before} to ${after} (${after - before > 0 ? '+' : ''}${after - before}).`,
    );
  }
}

/** Tolerances for `expectTensorsClose`: |a - e| <= atol + rtol * |e| elementwise. */
export interface CloseOptions {
  rtol?: number;
  atol?: number;
}

type Numeric = tf.Tensor | number | ArrayLike<number> | NumericNested;
interface NumericNested extends ReadonlyArray<number | NumericNested> {}

async function toFlat(value: Numeric): Promise<{ values: ArrayLike<number>; shape?: number[] }> {
  if (value instanceof tf.Tensor) return { values: await value.data(), shape: value.shape };
  if (typeof value === 'number') return { values: [value] };
  if (Array.isArray(value)) return { values: (value as unknown[]).flat(Infinity) as number[] };
  return { values: value as ArrayLike<number> };
}

/**
 * Throws unless `actual` and `expected` have the same size (and shape, when both are tensors) and
 * every element satisfies |a - e| <= atol + rtol * |e|. NaN only matches NaN.
 *
 * @example
 * await expectTensorsClose(tf.add(a, b), [3, 5], { rtol: 1e-6 });
 */
export async function expectTensorsClose(
  actual: Numeric,
  expected: Numeric,
  tolerance: number | CloseOptions = {},
): Promise<void> {
  const { rtol = 1e-5, atol = 1e-8 } =
    typeof tolerance === 'number' ? { rtol: tolerance, atol: tolerance } : tolerance;
  const a = await toFlat(actual);
  const e = await toFlat(expected);
  if (a.shape && e.shape && a.shape.join(',') !== e.shape.join(',')) {
    throw new Error(`expectTensorsClose: shape [${a.shape}] differs from expected [${e.shape}].`);
  }
  if (a.values.length !== e.values.length) {
    throw new Error(`expectTensorsClose: ${a.values.length} values differ in count from expected ${e.values.length}.`);
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i];
    const y = e.values[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      worst = i;
      worstExcess = Infinity;
      break;
    }
    if (x === y) continue; // also covers equal infinities
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > worstExcess || (excess > 0 && worst < 0)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    const x = a.values[worst];
    const y = e.values[worst];
    throw new Error(
      `expectTensorsClose: element ${worst} is ${x}, expected ${y} (|diff| ${Math.abs(x - y)} > atol ${atol} + rtol ${rtol} * |expected|).`,
    );
  }
}
