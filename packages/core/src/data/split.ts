// A seeded train/test split (optionally stratified by label) of tensors or typed arrays.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { permutation } from '../random/arrays.js';
import { foldIn, toKey, type Seed } from '../random/key.js';
import { checkNumber } from '../validate.js';
import { dataFields, takeRows, takeRowsTensor, type DataField, type DataSource } from './batches.js';

/** Options of `trainTestSplit`. */
export interface SplitOptions {
  /** Fraction of examples for the test set, in (0, 1) (default 0.25, as scikit-learn). */
  testFraction?: number;
  /** Exact number of test examples (overrides `testFraction`). */
  testSize?: number;
  /** Seed of the shuffle (required unless `shuffle` is false). */
  seed?: Seed;
  /** Shuffle before splitting (default true); false takes the last examples as the test set. */
  shuffle?: boolean;
  /** Class labels [n]: split each class in the same proportion. */
  stratify?: ArrayLike<number>;
}

/** The result of `trainTestSplit`: the same kind of data as the input, plus the chosen indices. */
export interface SplitResult<S extends DataSource> {
  train: S;
  test: S;
  trainIndices: Int32Array;
  testIndices: Int32Array;
}

/**
 * Splits examples (first axis) into a train and a test set. Tensor fields come back as new tensors
 * the caller owns (the input is not disposed); `{values, shape}` fields come back as new arrays.
 * `trainIndices` and `testIndices` (in the order of the returned rows) are disjoint and cover 0..n-1.
 *
 * @example
 * const { train, test } = trainTestSplit({ x, labels }, { testFraction: 0.1, seed: 0, stratify: labelsArray });
 */
export function trainTestSplit<S extends DataSource>(data: S, options: SplitOptions = {}): SplitResult<S> {
  const fn = 'trainTestSplit';
  const { fields, single, n } = dataFields(fn, data);
  const { testFraction = 0.25, testSize, seed, shuffle = true, stratify } = options;
  if (testSize !== undefined) checkNumber(fn, 'testSize', testSize, { min: 1, max: n - 1, integer: true });
  else checkNumber(fn, 'testFraction', testFraction, { min: 0, max: 1, minExclusive: true });
  if (shuffle && seed === undefined) throw new InvalidArgumentError(`Argument 'seed' passed to '${fn}' is required when shuffle is true.`);
  const key = shuffle ? toKey(seed!, fn) : undefined;

  // Group example indices by class (one group without stratify).
  const groups = new Map<number, number[]>();
  if (stratify !== undefined) {
    if (stratify === null || typeof stratify !== 'object' || stratify.length !== n) {
      throw new ShapeError(`Argument 'stratify' passed to '${fn}' must have ${n} labels, but got ${describeValue(stratify)}.`);
    }
    for (let i = 0; i < n; i++) {
      const label = stratify[i];
      if (!groups.has(label)) groups.set(label, []);
      groups.get(label)!.push(i);
    }
  } else {
    groups.set(0, Array.from({ length: n }, (_, i) => i));
  }
  const wantTest = testSize ?? Math.round(testFraction * n);
  if (wantTest < 1 || wantTest > n - 1) {
    throw new InvalidArgumentError(`'${fn}' would put ${wantTest} of ${n} examples in the test set; both sets need at least one.`);
  }
  const train: number[] = [];
  const test: number[] = [];
  let assigned = 0;
  let seen = 0;
  const labels = [...groups.keys()].sort((a, b) => a - b);
  labels.forEach((label, g) => {
    const members = groups.get(label)!;
    const order = key ? permutation(foldIn(key, g), members.length) : Int32Array.from(members, (_, i) => i);
    // Largest-remainder rounding over the running total keeps the test total exactly `wantTest`.
    seen += members.length;
    const target = Math.round((wantTest * seen) / n);
    const take = Math.min(members.length, target - assigned);
    assigned += take;
    const ordered = Array.from(order, (i) => members[i]);
    if (key) {
      test.push(...ordered.slice(0, take));
      train.push(...ordered.slice(take));
    } else {
      train.push(...ordered.slice(0, members.length - take));
      test.push(...ordered.slice(members.length - take));
    }
  });
  // Shuffle across classes too, so stratified sets are not sorted by label.
  const mix = (indices: number[], tag: number) => {
    if (!key) return Int32Array.from(indices);
    const p = permutation(foldIn(key, -1 - tag), indices.length);
    return Int32Array.from(p, (i) => indices[i]);
  };
  const trainIndices = mix(train, 0);
  const testIndices = mix(test, 1);
  const pick = (indices: Int32Array): S => {
    const out: Record<string, DataField> = {};
    try {
      for (const [name, field] of Object.entries(fields)) {
        out[name] = field instanceof tf.Tensor ? takeRowsTensor(field, indices, false) : takeRows(field, indices);
      }
    } catch (error) {
      tf.dispose(Object.values(out).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
      throw error;
    }
    return (single ? out.data : out) as S;
  };
  const trainSet = pick(trainIndices);
  let testSet: S;
  try {
    testSet = pick(testIndices);
  } catch (error) {
    tf.dispose((single ? [trainSet] : Object.values(trainSet as object)).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
    throw error;
  }
  return { train: trainSet, test: testSet, trainIndices, testIndices };
}
